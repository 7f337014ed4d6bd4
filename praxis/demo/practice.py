"""Demo session plans, modelled on the study: plans shared for feedback, feedback that led to
changes ("too much input, so I minimised it"), a plan reworked after the observation topic,
one in Persian, and an open request to the author's critical friends.

Written through the services (so versions, answers and emails are as the site makes them),
then dated back so the story reads in order."""

from datetime import timedelta

from django.db.models import Q

from praxis.accounts.models import User
from praxis.communities.models import Membership
from praxis.demo.communities import DemoContext
from praxis.notifications import services as notification_services
from praxis.notifications.models import OutboundEmail
from praxis.practice.models import (
    Feedback,
    FeedbackRequest,
    Friendship,
    PlanVersion,
    SessionPlan,
)
from praxis.practice.queries.friends import friend_ids
from praxis.practice.services import plans as services
from praxis.practice.services.plans import PlanDraft, StageDraft


def _date(ctx: DemoContext, plan: SessionPlan, days: dict[int, float],
          feedback_days: dict[int, float], request_days: dict[int, float]) -> None:
    """Moves a plan's versions, feedback and requests back in time: {number: days ago}."""
    for number, ago in days.items():
        PlanVersion.objects.filter(plan=plan, number=number).update(created_at=ctx.days_ago(ago))
    for pk, ago in feedback_days.items():
        Feedback.objects.filter(pk=pk).update(created_at=ctx.days_ago(ago))
        Feedback.objects.filter(pk=pk, acted_on_at__isnull=False).update(
            acted_on_at=ctx.days_ago(ago) + timedelta(days=1))
    for pk, ago in request_days.items():
        FeedbackRequest.objects.filter(pk=pk).update(created_at=ctx.days_ago(ago))
    first, last = min(days.values()), max(days.values())
    SessionPlan.objects.filter(pk=plan.pk).update(created_at=ctx.days_ago(last),
                                                  updated_at=ctx.days_ago(first))


REFLECTIVE_STAGES = [
    StageDraft(10, "Warm-up: each teacher writes one moment from last week's lessons that "
               "surprised them.", "individual", "sticky notes"),
    StageDraft(35, "Input: Schön's reflection-in-action and reflection-on-action, Farrell's "
               "framework, with examples from Iranian classrooms.", "trainer_led", "slides"),
    StageDraft(20, "Read the 'Reflection on reflection' extract and underline what is new.",
               "individual", "article extract"),
    StageDraft(25, "Pairs share their surprising moment and ask each other 'why?' three "
               "times.", "pairs", ""),
]
REFLECTIVE_V2 = [
    REFLECTIVE_STAGES[0],
    StageDraft(15, "Short input: reflection-in-action and reflection-on-action, one example "
               "each.", "trainer_led", "one slide"),
    REFLECTIVE_STAGES[2],
    REFLECTIVE_STAGES[3],
    StageDraft(20, "Groups turn their 'why?' answers into one thing to try next week.",
               "groups", "poster paper"),
]
REFLECTIVE_V3 = [
    *REFLECTIVE_V2,
    StageDraft(10, "Exit reflection: What? So what? Now what? on a card to keep.",
               "individual", "reflection cards"),
]

FEEDBACK_STAGES = [
    StageDraft(10, "Trainees list what they remember of feedback they were given as "
               "teachers.", "plenary", "board"),
    StageDraft(30, "Watch a recorded post-observation conference and note the trainer's "
               "moves.", "individual", "video, observation sheet"),
    StageDraft(20, "Role-play a feedback conference in threes: trainer, teacher, observer.",
               "groups", "role cards"),
]
FEEDBACK_V2 = [
    FEEDBACK_STAGES[0],
    StageDraft(15, "Clinical supervision cycle: pre-observation, observation, "
               "post-observation; agree what the teacher wants observed.", "trainer_led",
               "cycle handout"),
    StageDraft(25, "Watch a recorded post-observation conference and note the trainer's "
               "questions before advice.", "individual", "video, observation sheet"),
    FEEDBACK_STAGES[2],
]

MICRO_STAGES = [
    StageDraft(5, "Trainer models eliciting vocabulary from a picture.", "trainer_led",
               "picture cards"),
    StageDraft(30, "Each trainee teaches a five-minute micro-lesson to their group.",
               "groups", "timer, picture cards"),
    StageDraft(15, "Peers give feedback with two stars and a wish.", "groups",
               "feedback slips"),
]

PERSIAN_STAGES = [
    StageDraft(10, "گرم کردن: هر معلم یک لحظه‌ی غافلگیرکننده از کلاس هفته‌ی گذشته را "
               "می‌نویسد.", "individual", "کاغذ یادداشت"),
    StageDraft(25, "معرفی چرخه‌ی بازاندیشی گیبز با یک نمونه از کلاس‌های خودمان.",
               "trainer_led", "اسلاید"),
    StageDraft(25, "در گروه‌های سه‌نفره، هر کس تجربه‌اش را با چرخه‌ی گیبز بررسی می‌کند.",
               "groups", "برگه‌ی راهنما"),
]
PERSIAN_V2 = [
    PERSIAN_STAGES[0],
    StageDraft(15, "معرفی کوتاه چرخه‌ی گیبز با یک نمونه.", "trainer_led", "یک اسلاید"),
    PERSIAN_STAGES[2],
    StageDraft(10, "جمع‌بندی: هر گروه یک کار برای هفته‌ی آینده پیشنهاد می‌دهد.", "plenary",
               ""),
]


def _persian_author(ctx: DemoContext) -> User:
    """Shiva Farahani if the demo's names gave her, else another Persian-speaking member."""
    members = User.objects.filter(memberships__community=ctx.community, is_active=True)
    return (members.filter(email__startswith="shiva.").first()
            or members.filter(locale="fa").exclude(
                pk__in=[ctx.steward.pk, ctx.facilitator.pk, ctx.member.pk]).first()
            or ctx.member)


def _others(ctx: DemoContext, count: int, *, but: list[User]) -> list[User]:
    return list(User.objects.filter(memberships__community=ctx.community, is_active=True,
                                    memberships__tier=Membership.Tier.MASTER_TRAINER)
                .exclude(pk__in=[person.pk for person in but]).order_by("pk")[:count])


def _friends_of(ctx: DemoContext, author: User) -> set[int]:
    """The author's critical friends; one is made if they have none yet (the diary demo may
    have made some already)."""
    found = friend_ids(author.pk, ctx.community)
    if found:
        return found
    taken = Friendship.objects.filter(
        Q(inviter=author) | Q(invitee=author), community=ctx.community,
        status__in=[Friendship.Status.INVITED, Friendship.Status.ACCEPTED],
    ).values_list("inviter_id", "invitee_id")
    busy = {pk for pair in taken for pk in pair}
    friend = next(person for person in _others(ctx, 12, but=[author])
                  if person.pk not in busy)
    Friendship.objects.create(community=ctx.community, inviter=author, invitee=friend,
                              status=Friendship.Status.ACCEPTED,
                              message="Shall we read each other's plans before we run them?",
                              created_at=ctx.days_ago(30), answered_at=ctx.days_ago(29))
    return {friend.pk}


def build(ctx: DemoContext) -> None:
    community = ctx.community
    topics = list(ctx.topics)
    reviewers = _others(ctx, 4, but=[ctx.member, ctx.facilitator, ctx.steward])

    # 1. Ali's reflective-teaching workshop: "too much input", so he minimised it.
    plan = services.share_plan(
        community=community, author=ctx.member, topics=topics[:1],
        draft=PlanDraft(
            title="Reflective teaching workshop for novice teachers", audience="teachers",
            level="Novice teachers, first two years", duration_minutes=90,
            aims="Teachers notice a moment in their own lessons worth thinking about, and "
                 "leave with one question to ask themselves after every lesson.",
            stages=REFLECTIVE_STAGES))
    v1 = plan.versions.get()
    request = services.ask_for_feedback(version=v1, asked_by=ctx.member, audience="community",
                                        questions="Is the balance of input and practice "
                                                  "right?\nWill the article be too hard?")
    too_much = services.give_feedback(
        version=v1, author=ctx.facilitator, request=request,
        works="Starting from their own surprising moment makes reflection personal at once.",
        change="The session contains too much input: 35 minutes of theory before they do "
               "anything. Cut it to one idea and let the pairs' talk do the rest.",
        question="What will they take away to use next week?")
    takeaway = services.give_feedback(
        version=v1, author=reviewers[0], request=request,
        works="The 'why?' three times in pairs is simple and works with shy teachers.",
        change="End with something they will do next week, or the reflection stays in the "
               "room.")
    v2 = services.post_version(
        plan=plan, draft=PlanDraft(
            title="Reflective teaching workshop for novice teachers", audience="teachers",
            level="Novice teachers, first two years", duration_minutes=85,
            aims="Teachers notice a moment in their own lessons worth thinking about, and "
                 "leave with one thing to try next week.", stages=REFLECTIVE_V2),
        change_note="Minimised the input to one slide, as Maryam suggested, and added a group "
                    "stage that turns the talk into something to try next week.",
        answers=[too_much, takeaway])
    card = services.give_feedback(
        version=v2, author=reviewers[1],
        works="Much better balance: I tried the shorter input with my group and they talked "
              "far more.",
        change="A card to keep at the end would help them reflect after the session too.")
    services.post_version(
        plan=plan, draft=PlanDraft(
            title="Reflective teaching workshop with exit reflection", audience="teachers",
            level="Novice teachers, first two years", duration_minutes=95,
            aims="Teachers notice a moment in their own lessons worth thinking about, and "
                 "leave with one thing to try next week and a habit of reflecting after it.",
            stages=REFLECTIVE_V3),
        change_note="Added an exit reflection (What? So what? Now what?) on a card to keep.",
        answers=[card])
    _date(ctx, plan, {1: 40, 2: 30, 3: 12},
          {too_much.pk: 38, takeaway.pk: 36, card.pk: 20}, {request.pk: 39})

    # 2. Maryam's session on giving feedback to trainee teachers, after the observation
    # topic ("it really helped me to add some more activities").
    plan = services.share_plan(
        community=community, author=ctx.facilitator, topics=topics[1:2],
        draft=PlanDraft(
            title="Giving feedback to trainee teachers after an observation",
            audience="trainers", level="New trainers", duration_minutes=60,
            aims="Trainers give feedback that trainee teachers can act on, starting from "
                 "what the teacher noticed.", stages=FEEDBACK_STAGES))
    v1 = plan.versions.get()
    cycle = services.give_feedback(
        version=v1, author=ctx.member,
        works="The role-play in threes with an observer is exactly what new trainers need.",
        change="Add the clinical supervision cycle before the video: they need to agree "
               "with the teacher what will be observed.")
    open_question = services.give_feedback(
        version=v1, author=reviewers[2],
        question="Do the trainees see the observation sheet before the lesson?")
    services.post_version(
        plan=plan, draft=PlanDraft(
            title="Giving feedback to trainee teachers: the clinical supervision cycle",
            audience="trainers", level="New trainers", duration_minutes=80,
            aims="Trainers give feedback that trainee teachers can act on, starting from "
                 "what the teacher wanted observed.", stages=FEEDBACK_V2),
        change_note="Added the clinical supervision cycle and asked the trainers to note the "
                    "questions asked before any advice.", answers=[cycle])
    _date(ctx, plan, {1: 25, 2: 15}, {cycle.pk: 22, open_question.pk: 21}, {})

    # 3. A micro-teaching session, with an open request to the author's critical friends.
    author = reviewers[3] if len(reviewers) > 3 else ctx.member
    friends = _friends_of(ctx, author)
    plan = services.share_plan(
        community=community, author=author,
        draft=PlanDraft(
            title="Micro-teaching: eliciting vocabulary", audience="teachers",
            level="Pre-service teachers", duration_minutes=50,
            aims="Trainees practise eliciting new words from pictures instead of "
                 "explaining them.", stages=MICRO_STAGES))
    request = services.ask_for_feedback(
        version=plan.versions.get(), asked_by=author, audience="friends",
        questions="Is five minutes long enough for a micro-lesson?\nAre two stars and a "
                  "wish enough structure for peer feedback?")
    _date(ctx, plan, {1: 3}, {}, {request.pk: 2})

    # 4. Shiva's workshop in Persian, reworked after feedback.
    shiva = _persian_author(ctx)
    plan = services.share_plan(
        community=community, author=shiva, topics=topics[:1],
        draft=PlanDraft(
            title="کارگاه بازاندیشی برای معلمان تازه‌کار", audience="teachers",
            level="معلمان سال اول و دوم", duration_minutes=60,
            aims="معلمان یاد می‌گیرند پس از هر جلسه با چرخه‌ی گیبز به کلاس خود بازاندیشی "
                 "کنند.", stages=PERSIAN_STAGES))
    v1 = plan.versions.get()
    shorter = services.give_feedback(
        version=v1, author=ctx.facilitator if shiva != ctx.facilitator else ctx.member,
        works="شروع با تجربه‌ی خود معلمان بسیار خوب است.",
        change="بخش معرفی طولانی است؛ آن را کوتاه کنید و در پایان یک جمع‌بندی بگذارید.")
    services.post_version(
        plan=plan, draft=PlanDraft(
            title="کارگاه بازاندیشی برای معلمان تازه‌کار", audience="teachers",
            level="معلمان سال اول و دوم", duration_minutes=60,
            aims="معلمان یاد می‌گیرند پس از هر جلسه با چرخه‌ی گیبز به کلاس خود بازاندیشی "
                 "کنند.", stages=PERSIAN_V2),
        change_note="بخش معرفی کوتاه شد و یک جمع‌بندی گروهی اضافه شد.", answers=[shorter])
    _date(ctx, plan, {1: 18, 2: 9}, {shorter.pk: 16}, {})

    # The demo shows email that went out: the requests and the news of feedback.
    notification_services.settle(
        OutboundEmail.objects.filter(kind=OutboundEmail.Kind.PLAN_FEEDBACK,
                                     status=OutboundEmail.Status.QUEUED),
        status=OutboundEmail.Status.SENT, sent_at=ctx.now, attempts=1)
    count = SessionPlan.objects.filter(community=community).count()
    ctx.summary.append(
        f"Session plans: {count} plans in {community.name}, with versions that answer "
        f"feedback and an open request to critical friends ({len(friends)} asked) "
        f"({ctx.site_url}/c/{community.slug}/plans/).")
