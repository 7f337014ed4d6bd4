"""Demo data of critical friends and the reflection diary, modelled on the study: trainers
who "exchanged emails and formed a critical friendship" to give each other feedback on their
plans, and who came to have "reflection in almost all my training sessions".

Ali (member@example.org) and Maryam (facilitator@example.org) are critical friends; Shiva
(Persian) has invited Ali and waits for his answer. Each writes entries: some private (never
shown to anyone but their author), some shared with friends, some with the community. Runs
after the plans builder when there is one, and names a version of Ali's plan if it finds
one."""

from datetime import timedelta

from django.db.models import Q

from praxis.accounts.models import User
from praxis.demo.communities import PEOPLE_DOMAIN, DemoContext
from praxis.practice.models import Friendship, JournalEntry, PlanVersion
from praxis.practice.models.diary import ReflectionModel

SHIVA_EMAIL = f"shiva.farahani@{PEOPLE_DOMAIN}"
PRIVATE = JournalEntry.Visibility.PRIVATE
FRIENDS = JournalEntry.Visibility.FRIENDS
COMMUNITY = JournalEntry.Visibility.COMMUNITY

# (author key, days ago, title, visibility, model, parts, session audience, names the plan)
ENTRIES = [
    ("member", 40, "First session with the reflection cards", COMMUNITY,
     ReflectionModel.WHAT_SO_WHAT, {
         "what": "After the discussion on the *Reflection on reflection* article I tried the "
                 "three-question cards at the end of my session on classroom management.",
         "so_what": "The trainees wrote more than they said aloud. Two of them noticed they "
                    "had only ever asked display questions.",
         "now_what": "Keep the cards, and give five minutes for them instead of two.",
     }, "Eighteen novice teachers, Kashan", True),
    ("member", 26, "Too much input again", FRIENDS, ReflectionModel.GIBBS, {
        "description": "The methodology session ran over: I talked for forty minutes before "
                       "the first task.",
        "feelings": "Frustrated with myself; Maryam had warned me about exactly this.",
        "evaluation": "The jigsaw task worked once it started. The input did not.",
        "analysis": "I still think trainees need the theory first. Maybe they need *less* of "
                    "it, and in the task.",
        "conclusion": "Minimise the feeding part, as the feedback on my plan said.",
        "action_plan": "- Cut the input to fifteen minutes\n- Move two examples into the "
                       "jigsaw cards\n- Ask Maryam to observe",
    }, "In-service course, week 3", True),
    ("member", 12, "I did not sleep well before the observation", PRIVATE,
     ReflectionModel.FREE, {
         "text": "Nervous about Maryam observing. Nothing went wrong, but I rushed the "
                 "plenary. I want to write this down for myself before I talk to anyone.",
     }, "", False),
    ("member", 3, "Trainees setting the rules", COMMUNITY, ReflectionModel.KOLB, {
        "experience": "I let the group agree the rules for pair work themselves.",
        "observation": "To my surprise, they stuck to them far better than to mine.",
        "conceptualisation": "Ownership: the same point as the article on learner autonomy.",
        "experimentation": "Next week they set the criteria for peer feedback too.",
    }, "Novice teachers, Kashan", False),
    ("facilitator", 30, "Observation with a clinical supervision cycle", FRIENDS,
     ReflectionModel.WHAT_SO_WHAT, {
         "what": "Pre-observation conference, observation and feedback with Ali's group.",
         "so_what": "Agreeing the focus beforehand made the feedback conversation calm.",
         "now_what": "Share the conference questions with the community.",
     }, "Ali's in-service group", False),
    ("facilitator", 9, "Notes to myself on facilitating", PRIVATE, ReflectionModel.FREE, {
        "text": "I answer too quickly in the threads. Wait a day and let members answer "
                "each other first.",
    }, "", False),
    ("shiva", 20, "تأمل پیش از جلسه", COMMUNITY, ReflectionModel.WHAT_SO_WHAT, {
        "what": "گاهی تأمل را پیش از جلسه انجام می‌دهیم، درباره جلسه قبل.",
        "so_what": "معلمان با تجربه می‌گویند تفاوت را در کلاس خود می‌بینند.",
        "now_what": "هر جلسه، نه یک جلسه در میان.",
    }, "معلمان باتجربه، تهران", False),
    ("shiva", 6, "یادداشت خصوصی", PRIVATE, ReflectionModel.FREE, {
        "text": "یاد گرفتم به کارآموزانم گوش بدهم. هنوز صبور نیستم.",
    }, "", False),
]


def _shiva(ctx: DemoContext) -> User | None:
    return next((person for person in ctx.people if person.email == SHIVA_EMAIL), None)


def _befriend(ctx: DemoContext, inviter: User, invitee: User, **fields: object) -> None:
    """A friendship or invitation, unless the plans demo made one for the pair already."""
    live = Friendship.objects.filter(
        Q(inviter=inviter, invitee=invitee) | Q(inviter=invitee, invitee=inviter),
        community=ctx.community,
        status__in=[Friendship.Status.INVITED, Friendship.Status.ACCEPTED])
    if not live.exists():
        Friendship.objects.create(community=ctx.community, inviter=inviter, invitee=invitee,
                                  **fields)


def build(ctx: DemoContext) -> None:
    people = {"member": ctx.member, "facilitator": ctx.facilitator, "shiva": _shiva(ctx)}
    community = ctx.community
    _befriend(
        ctx, ctx.member, ctx.facilitator,
        status=Friendship.Status.ACCEPTED, created_at=ctx.days_ago(60),
        answered_at=ctx.days_ago(59),
        message="Would you read my session plans before I run them? I will read yours.")
    shiva = people["shiva"]
    if shiva is not None:
        _befriend(
            ctx, shiva, ctx.member, created_at=ctx.days_ago(2),
            message="من هم می‌خواهم طرح‌های جلسه را با هم بررسی کنیم.")
        _befriend(
            ctx, shiva, ctx.facilitator,
            status=Friendship.Status.ACCEPTED, created_at=ctx.days_ago(45),
            answered_at=ctx.days_ago(44))
    # A few pairs among the other trainers, one ended.
    others = [person for person in ctx.people[3:] if person.is_active
              and person not in (shiva,)][:6]
    for number, (first, second) in enumerate(zip(others[::2], others[1::2], strict=False)):
        ended = number == 2
        _befriend(
            ctx, first, second,
            status=Friendship.Status.ENDED if ended else Friendship.Status.ACCEPTED,
            created_at=ctx.days_ago(90 - number), answered_at=ctx.days_ago(88 - number),
            ended_at=ctx.days_ago(20) if ended else None)

    version = (PlanVersion.objects.filter(plan__author=ctx.member, plan__community=community)
               .order_by("number").first())
    written = 0
    for key, days, title, visibility, model, parts, audience, names_plan in ENTRIES:
        author = people[key]
        if author is None:
            continue
        when = ctx.days_ago(days)
        JournalEntry.objects.create(
            author=author, community=community, written_on=when.date(), title=title,
            session_date=(when - timedelta(days=1)).date(), session_audience=audience,
            plan_version=version if names_plan else None, visibility=visibility,
            model=model, parts=parts, created_at=when, updated_at=when)
        written += 1
    ctx.summary.append(
        f"Diary: {written} reflection entries (some private, some shared with critical "
        f"friends, some with the community); Ali and Maryam are critical friends, and Shiva "
        f"has invited Ali ({ctx.site_url}/c/{community.slug}/friends/, "
        f"{ctx.site_url}/diary/).")
