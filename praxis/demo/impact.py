"""Demo data of impact on practice, modelled on the study's examples: loop input used in a
course, trainees setting their own rules, reflection in every session, a diary introduced
to trainees, a new session on presenting at conferences.

Value-creation stories: Ali (member@example.org) has told two (one for the community, one for
the facilitators and stewards, acknowledged by Maryam) and keeps a private draft; Maryam
(facilitator@example.org), Shiva (Persian) and a few other trainers have told theirs, some
reaching every cycle, some only the first ones.

Cascade events: the consultants trained the master trainers (2012, 2013), master trainers
trained the provincial trainers in the cohorts the communities demo made, trainers trained
teachers in their provinces (Ali's Kashan course among them) and shared with colleagues,
and the recent events draw on the community's topics, readings and plans. Each cohort's
course is recorded once, by its first trainer, so the reach is not counted twice."""

from datetime import date
from typing import Any

from praxis.accounts.models import User
from praxis.communities.models import Community, Membership
from praxis.demo.communities import PEOPLE_DOMAIN, DemoContext
from praxis.impact.models import CascadeEvent, StoryEvidence, ValueStory
from praxis.library.models import Resource
from praxis.practice.models import PlanVersion
from praxis.topics.models import Topic

SHIVA_EMAIL = f"shiva.farahani@{PEOPLE_DOMAIN}"
TOLD = ValueStory.Status.TOLD
DRAFT = ValueStory.Status.DRAFT
PRIVATE = ValueStory.Visibility.PRIVATE
LEADERS = ValueStory.Visibility.LEADERS
COMMUNITY = ValueStory.Visibility.COMMUNITY

# (author key, days ago, status, visibility, topic titles, reading titles, the story's parts,
#  trainees' comments as evidence, acknowledged by the facilitator)
STORIES: list[tuple[Any, ...]] = [
    ("member", 34, TOLD, COMMUNITY, ["Loop input"], ["Loop input"], {
        "title": "Loop input in my TTC course",
        "immediate": "The loop input topic and Maryam's post on 'teaching the way you want "
                     "them to teach'.",
        "potential": "I understood that the way I run a session is itself input: the "
                     "trainees learn from what I do, not only from what I say.",
        "applied": "In the session on giving instructions I gave every instruction the way "
                   "the trainees should give theirs, then asked them what they had noticed.",
        "session_audience": "TTC course for novice teachers, Kashan", "trainee_count": 18,
        "realised": "Trainees named four of the five moves without my help, and two used "
                    "them in their micro-teaching the next week.",
        "reframing": "I used to see a session as content to cover. Now I plan the process "
                     "first.",
    }, "We did it before we knew what it was. That is why I remember it.", True),
    ("member", 8, TOLD, LEADERS, ["Dealing with difficult participants"], [], {
        "title": "Trainees setting their own rules",
        "potential": "From the thread on difficult participants: rules the group makes are "
                     "rules the group keeps.",
        "applied": "I let the group agree the rules for pair work themselves on the first "
                   "day.",
        "session_audience": "Novice teachers, Kashan", "trainee_count": 16,
        "realised": "Late arrivals stopped; the group reminded each other of the rules, "
                    "not me.",
    }, "", True),
    ("member", 2, DRAFT, PRIVATE, ["Reflection on reflection"], [], {
        "title": "Reflection cards, again",
        "potential": "Five minutes is not enough for the cards.",
    }, "", False),
    ("facilitator", 21, TOLD, COMMUNITY, ["Reflection on reflection"],
     ["Reflecting on reflective practice: (re)visiting Dewey and Schön"], {
        "title": "Reflection in every session",
        "immediate": "The reflection-on-reflection topic and the Dewey and Schön reading.",
        "potential": "Reflection is not an activity for the last session of a course.",
        "applied": "I now close every session with ten minutes of written reflection, and "
                   "open the next one with what the trainees wrote.",
        "session_audience": "In-service trainers, Isfahan", "trainee_count": 12,
        "realised": "The trainees started to bring their own questions to the session.",
        "reframing": "I have reflection in almost all my training sessions now. I judge a "
                     "session by what the trainees notice, not by what I covered.",
    }, "Reading last week's reflection at the start made me feel heard.", False),
    ("shiva", 15, TOLD, COMMUNITY, ["Keeping a teaching and training diary"],
     ["The use of diary studies in teacher education programs"], {
        "title": "دفتر خاطرات برای کارآموزان",
        "immediate": "موضوع «نوشتن دفتر خاطرات تدریس» و مقاله‌ی مطالعات دفتر خاطرات.",
        "potential": "فهمیدم دفتر خاطرات فقط برای خودم نیست.",
        "applied": "در دوره‌ی ضمن خدمت از کارآموزان خواستم هر هفته یک صفحه بنویسند.",
        "session_audience": "معلمان باتجربه، تهران", "trainee_count": 20,
        "realised": "بیشتر کارآموزان تا پایان دوره نوشتند و چند نفر آن را ادامه دادند.",
    }, "نوشتن به من کمک کرد ببینم در کلاس چه می‌گذرد.", True),
    ("trainer:0", 40, TOLD, COMMUNITY, ["Evaluating a training course"], [], {
        "title": "A new session on presenting at conferences",
        "potential": "The members who presented at the national conference showed me what "
                     "trainers need: a first talk is frightening.",
        "applied": "I added a session to our in-service course on preparing a conference "
                   "presentation: an abstract, ten minutes, questions.",
        "session_audience": "In-service trainers", "trainee_count": 14,
        "realised": "Three trainees sent abstracts to the regional conference; two were "
                    "accepted.",
    }, "", False),
    ("trainer:1", 27, TOLD, COMMUNITY, ["Observation and clinical supervision"], [], {
        "title": "Agreeing the focus before an observation",
        "potential": "The pre-observation conference questions.",
        "applied": "I used the three questions before observing each teacher.",
        "session_audience": "Teachers in their first year", "trainee_count": 6,
    }, "", False),
    ("trainer:2", 12, TOLD, LEADERS, ["What is effective teaching?"], [], {
        "title": "What counts as a good lesson",
        "potential": "The review of what makes great teaching unsettled what I believed.",
        "reframing": "I no longer look for a lively lesson; I look for what the learners "
                     "can do at the end.",
    }, "", False),
    ("trainer:3", 5, TOLD, COMMUNITY, ["Designing and planning in-service training courses"],
     [], {
        "title": "Less input, more tasks",
        "applied": "I cut the lecture part of my course plan to fifteen minutes and moved "
                   "the examples into the tasks.",
        "session_audience": "In-service course, week 2", "trainee_count": 22,
        "realised": "The tasks finished on time for the first time.",
    }, "", False),
    ("trainer:4", 3, TOLD, PRIVATE, ["Loop input"], [], {
        "title": "Trying loop input (for myself)",
        "potential": "Maybe I can try loop input with my Friday group.",
    }, "", False),
]

# Recent events drawing on the community (trainer key, days ago, kind, audience, people,
# topic titles, reading titles, names Ali's plan, notes)
RECENT_EVENTS: list[tuple[Any, ...]] = [
    ("member", 30, "course", "teachers", 18, ["Loop input"], ["Loop input"], True,
     "TTC course for novice teachers in Kashan: loop input in the session on instructions."),
    ("member", 9, "workshop", "teachers", 16, ["Dealing with difficult participants"], [],
     False, "One-day workshop: the trainees set their own rules for pair work."),
    ("member", 4, "informal", "colleagues", 5, ["Keeping a teaching and training diary"],
     ["The use of diary studies in teacher education programs"], False,
     "Shared the diary idea with colleagues at our school."),
    ("facilitator", 20, "course", "trainers", 12, ["Reflection on reflection"],
     ["Reflecting on reflective practice: (re)visiting Dewey and Schön"], False,
     "In-service trainers, Isfahan: reflection closing every session."),
    ("facilitator", 11, "observation", "trainers", 3, ["Observation and clinical supervision"],
     [], False, "Observed three trainers with a clinical supervision cycle."),
    ("shiva", 14, "course", "teachers", 20, ["Keeping a teaching and training diary"],
     ["The use of diary studies in teacher education programs"], False,
     "Experienced teachers, Tehran: the diary introduced to trainees."),
    ("shiva", 6, "mentoring", "trainers", 2, ["Keeping a teaching and training diary"], [],
     False, ""),
    ("trainer:0", 38, "workshop", "trainers", 14, ["Evaluating a training course"], [], False,
     "A new session on presenting at conferences."),
    ("trainer:1", 25, "observation", "teachers", 6, ["Observation and clinical supervision"],
     [], False, ""),
    ("trainer:3", 4, "course", "teachers", 22,
     ["Designing and planning in-service training courses"], [], False, ""),
    ("trainer:5", 16, "workshop", "teachers", 25, ["Loop input"], ["Loop input"], False,
     "Loop input for primary teachers."),
    ("trainer:6", 2, "informal", "colleagues", 4, ["Reflection on reflection"], [], False, ""),
]


def _people(ctx: DemoContext) -> dict[str, User]:
    people: dict[str, User] = {"member": ctx.member, "facilitator": ctx.facilitator}
    shiva = next((p for p in ctx.people if p.email == SHIVA_EMAIL), None)
    if shiva is not None:
        people["shiva"] = shiva
    trainers = [m.user for m in ctx.memberships
                if m.tier == Membership.Tier.TRAINER and m.user.is_active
                and m.user not in (ctx.member, ctx.facilitator, shiva)]
    for number, user in enumerate(trainers[:8]):
        people[f"trainer:{number}"] = user
    return people


def _topics(community: Community, titles: list[str]) -> list[Topic]:
    return list(Topic.objects.filter(community=community, title__in=titles))


def _readings(community: Community, titles: list[str]) -> list[Resource]:
    return list(Resource.objects.filter(community=community, title__in=titles))


def _build_stories(ctx: DemoContext, people: dict[str, User],
                   plan: PlanVersion | None) -> int:
    community = ctx.community
    told = 0
    for (key, days, status, visibility, topics, readings, parts, comments,
         acknowledged) in STORIES:
        author = people.get(key)
        if author is None:
            continue
        when = ctx.days_ago(days)
        story = ValueStory.objects.create(
            community=community, author=author, status=status, visibility=visibility,
            session_date=ctx.days_ago(days + 3).date() if parts.get("applied") else None,
            created_at=ctx.days_ago(days + 1), updated_at=when,
            told_at=when if status == TOLD else None,
            acknowledged_by=ctx.facilitator if acknowledged else None,
            acknowledged_at=ctx.days_ago(days - 1) if acknowledged else None, **parts)
        story.source_topics.set(_topics(community, topics))
        story.source_resources.set(_readings(community, readings))
        if comments:
            StoryEvidence.objects.create(story=story, kind=StoryEvidence.Kind.COMMENTS,
                                         text=comments, caption="", created_at=when)
        if key == "member" and plan is not None and status == TOLD:
            story.source_versions.set([plan])
            StoryEvidence.objects.create(story=story, kind=StoryEvidence.Kind.PLAN,
                                         plan_version=plan, created_at=when)
        told += status == TOLD
    return told


def _build_cascade(ctx: DemoContext, people: dict[str, User],
                   plan: PlanVersion | None) -> tuple[int, int]:
    """Returns (events, people reached)."""
    community = ctx.community
    events = reached = 0
    # The cohorts: each recorded once, by its first trainer, in the year it was trained.
    for number, cohort in enumerate(ctx.cohorts):
        trainers = list(cohort.trainers.select_related("user").order_by("pk"))
        members = list(cohort.members.all())
        if not trainers or not members or cohort.year is None:
            continue
        tiers = {m.tier for m in members}
        audience = (CascadeEvent.Audience.TEACHERS if tiers == {Membership.Tier.TEACHER}
                    else CascadeEvent.Audience.TRAINERS)
        kind = (CascadeEvent.Kind.WORKSHOP if "Refresher" in cohort.name
                else CascadeEvent.Kind.COURSE)
        CascadeEvent.objects.create(
            community=community, trainer=trainers[0].user,
            held_on=date(cohort.year, 1 + (number * 5) % 12, 10 + number % 15), kind=kind,
            audience=audience, people=len(members), cohort=cohort,
            notes=cohort.description[:2000], created_at=ctx.days_ago(300 - number))
        events += 1
        reached += len(members)
    # The trainers taking it on to teachers and colleagues, recently.
    for (key, days, event_kind, event_audience, count, topics, readings, names_plan,
         notes) in RECENT_EVENTS:
        trainer = people.get(key)
        if trainer is None:
            continue
        event = CascadeEvent.objects.create(
            community=community, trainer=trainer, held_on=ctx.days_ago(days).date(),
            kind=event_kind, audience=event_audience, people=count, notes=notes,
            created_at=ctx.days_ago(days))
        event.topics.set(_topics(community, topics))
        event.resources.set(_readings(community, readings))
        if names_plan and plan is not None:
            event.plan_versions.set([plan])
        events += 1
        reached += count
    return events, reached


def build(ctx: DemoContext) -> None:
    people = _people(ctx)
    plan = (PlanVersion.objects.filter(plan__author=ctx.member, plan__community=ctx.community)
            .order_by("-number").first())
    told = _build_stories(ctx, people, plan)
    events, reached = _build_cascade(ctx, people, plan)
    ctx.summary.append(
        f"Impact: {told} value-creation stories told (and drafts, some private), "
        f"{events} cascade events reaching {reached} people "
        f"({ctx.site_url}/c/{ctx.community.slug}/impact/).")
