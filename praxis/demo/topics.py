"""The topics part of the demo: the study's professional-development topics in the main
community, past and current, and the proposals waiting for the stewards.

As in ``seeds/virtual-cop-teacher-trainers-study.txt``, each topic opens with an article and
a few open questions, runs for a week or three, asks members in its last stretch to apply the
ideas to their own training, and closes with the facilitator's synthesis. Past topics are
closed (the oldest archived) with a synthesis; one is open, one in its apply phase (run by
facilitator@example.org) and one scheduled, approved from a member's proposal.

Only the facilitators' opening posts are written here; the discussions builder, which runs
next, adds the members' posts to these threads (it finds them in the database or in
``ctx.topics``). Everything random comes from ``ctx.rng``, drawn while walking plain lists.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from praxis.accounts.models import User
from praxis.communities.models import Membership
from praxis.demo.communities import DemoContext
from praxis.discussions import services as discussion_services
from praxis.discussions.models import Post, Thread
from praxis.topics import services
from praxis.topics.models import ProposalSupport, Topic, TopicProposal
from praxis.topics.services import QuestionDraft, SeedArticle

Role = Membership.Role
Tier = Membership.Tier


@dataclass(frozen=True)
class DemoTopic:
    title: str
    summary: str
    days: int
    starts_days_ago: float  # negative: starts in the future
    article: SeedArticle
    questions: list[QuestionDraft]
    apply_prompt: str
    synthesis: str = ""
    archived: bool = False
    facilitated_by_demo_facilitator: bool = False


TOPICS = [
    DemoTopic(
        title="Designing and planning in-service training courses",
        summary=(
            "Most of us plan in-service courses under pressure: a date, a venue, a syllabus "
            "handed down. This topic looks at what makes a course worth the teachers' time: "
            "starting from their needs, building in follow-up, and planning what happens "
            "before and after the days we spend together."
        ),
        days=21, starts_days_ago=205, archived=True,
        article=SeedArticle(
            title="In-service teacher development: some basic principles",
            citation="Hayes, D. (1995) In-service teacher development: some basic principles. "
                     "ELT Journal 49/3: 252-261.",
            url="https://doi.org/10.1093/elt/49.3.252",
        ),
        questions=[
            QuestionDraft(
                "How do you find out what the teachers on your courses need?",
                "Hayes argues that courses should start from teachers' own concerns. What do "
                "you do before a course to learn about the participants, and what gets in "
                "the way?",
            ),
            QuestionDraft(
                "What happens after your course ends?",
                "Which kinds of follow-up have you tried (visits, online groups, a second "
                "meeting), and which of them changed what teachers did in class?",
            ),
            QuestionDraft(
                "Share the outline of one course you have run or plan to run",
                "Post the outline and say which principle from the article it follows, or "
                "breaks. Others: ask one question about it.",
            ),
        ],
        apply_prompt=(
            "Take a course you will run in the next six months. Post its pre-course, core "
            "and post-course activities, and say what you changed after this discussion."
        ),
        synthesis="""\
## Key points
- A course starts before the first session: a short needs survey or a phone call with a few
  participants changed several of our plans.
- Teachers value follow-up more than content: a second meeting four to six weeks later was
  the single change most of us want to make.
- Institutional constraints are real (fixed syllabus, no budget for visits), but each
  course still has room for choices about process.

## Practical ideas
- Plan in three stages: pre-course tasks, the core days, post-course activities and tasks.
- Ask participants to bring a lesson plan to the first session and work from it.
- Set up a messaging group at the end of the course with one task a week for a month.

## From the discussion
Several trainers posted complete course outlines; the one for a two-day course on the new
textbooks was reused by three others in their own provinces.
""",
    ),
    DemoTopic(
        title="What is effective teaching?",
        summary=(
            "We observe and give feedback on teaching every week. What do we mean by "
            "effective? This topic compares our own criteria with what research says makes "
            "a difference to learners."
        ),
        days=7, starts_days_ago=175, archived=True,
        article=SeedArticle(
            title="What makes great teaching? Review of the underpinning research",
            citation="Coe, R., Aloisi, C., Higgins, S. and Major, L. E. (2014) What makes "
                     "great teaching? Review of the underpinning research. London: The Sutton "
                     "Trust.",
            url="https://www.suttontrust.com/our-research/great-teaching/",
        ),
        questions=[
            QuestionDraft(
                "Think of the most effective teacher you have observed. What did they do?",
                "Describe one lesson, not the teacher's personality.",
            ),
            QuestionDraft(
                "Which of the review's six components do we look for when we observe?",
                "And which do we never look for because they are hard to see in one lesson?",
            ),
        ],
        apply_prompt=(
            "Rewrite one item of the observation checklist you use, so that it looks for "
            "something that makes a difference to learners. Post the old and the new item."
        ),
        synthesis="""\
## Key points
- Our checklists look mostly at what the teacher does; the review asks what learners learn.
- Subject knowledge and the quality of instruction come first in the research, classroom
  climate and management close behind.
- One observed lesson shows little of a teacher's knowledge of their learners.

## Practical ideas
- Ask the teacher before the lesson what the learners should be able to do by the end, and
  look for evidence of it.
- Add one learner-focused item to every observation form.

## Taken into training
Notes from this topic were used in a TKT course session on the characteristics of effective
teachers.
""",
    ),
    DemoTopic(
        title="Evaluating a training course",
        summary=(
            "Feedback forms on the last day tell us whether participants enjoyed a course. "
            "This topic asks how we could know whether it changed their teaching, and what "
            "we can realistically collect."
        ),
        days=21, starts_days_ago=150, archived=True,
        article=SeedArticle(
            title="Does it make a difference? Evaluating professional development",
            citation="Guskey, T. R. (2002) Does it make a difference? Evaluating professional "
                     "development. Educational Leadership 59/6: 45-51.",
            url="https://www.ascd.org/el/articles/does-it-make-a-difference-evaluating-"
                "professional-development",
        ),
        questions=[
            QuestionDraft(
                "What do you collect at the end of your courses, and what do you do with it?",
            ),
            QuestionDraft(
                "Which of Guskey's five levels could you reach in your context?",
                "Participants' reactions, their learning, organisation support, their use of "
                "new knowledge, learners' outcomes: which is possible for you, and how?",
            ),
            QuestionDraft(
                "How could we find out whether teachers use what they learned?",
            ),
        ],
        apply_prompt=(
            "Design the evaluation of your next course: what you will collect, when, from "
            "whom, and one thing you will do with the results."
        ),
        synthesis="""\
## Key points
- Most of our evaluation stops at the first level: reactions on the last day.
- Level four (use of new knowledge) is within reach if we plan for it: a short task or a
  visit some weeks later.
- Honest answers need trust: anonymous forms helped, so did asking about the course rather
  than the trainer.

## Practical ideas
- End each course with a commitment: one thing each teacher will try, collected again a
  month later.
- Ask head teachers one question about changes they have seen.
""",
    ),
    DemoTopic(
        title="Loop input",
        summary=(
            "Loop input is training in which the process of the session carries its content: "
            "trainees learn about a technique by experiencing it. This week we try it, and "
            "talk about where it works and where it confuses."
        ),
        days=7, starts_days_ago=112,
        article=SeedArticle(
            title="Loop input",
            citation="Woodward, T. (2003) Loop input. ELT Journal 57/3: 301-304.",
            url="https://doi.org/10.1093/elt/57.3.301",
        ),
        questions=[
            QuestionDraft(
                "Have you ever been trained through loop input without knowing its name?",
            ),
            QuestionDraft(
                "Plan a loop-input session on grouping learners",
                "How could trainees learn about ways of grouping learners while being "
                "grouped in those very ways?",
            ),
        ],
        apply_prompt=(
            "Choose one session you will run soon and post how you would turn it into loop "
            "input, and how you will help trainees step back and name what they experienced."
        ),
        synthesis="""\
## Key points
- Loop input works when trainees step back afterwards and name what they experienced;
  without that step the process stays invisible.
- It suits techniques (grouping, feedback, eliciting) better than background knowledge.

## Practical ideas
- Grouping: put trainees into groups in four different ways while they discuss ways of
  grouping learners, then ask which way suited which task.
- Feedback: give feedback on trainees' feedback in the way the session recommends.

## In our training rooms
Trainers who tried it report that participants said they "internalise the subject more
deeply" and did not need to reflect on how to use the technique: they had used it.
""",
    ),
    DemoTopic(
        title="Reflection on reflection",
        summary=(
            "Reflective practice is in every course description and often in no session. "
            "This topic revisits where the idea comes from and asks what reflection looks "
            "like in a real training room, on a real timetable."
        ),
        days=21, starts_days_ago=80,
        article=SeedArticle(
            title="Reflecting on reflective practice: (re)visiting Dewey and Schön",
            citation="Farrell, T. S. C. (2012) Reflecting on reflective practice: "
                     "(re)visiting Dewey and Schön. TESOL Journal 3/1: 7-16.",
            url="https://doi.org/10.1002/tesj.10",
        ),
        questions=[
            QuestionDraft(
                "When did you last reflect on a session in a way that changed the next one?",
            ),
            QuestionDraft(
                "Reflection before, during or after the session?",
                "Some of us reflect on the previous session, some at the end of the day. "
                "What works for your participants?",
            ),
            QuestionDraft(
                "Teaching and training diaries: who keeps one?",
                "If you ask participants to keep a diary, how do you get them past the first "
                "difficult week?",
            ),
            QuestionDraft("Which reflective activity from the article would you try first?"),
        ],
        apply_prompt=(
            "Post one reflective activity you will use in your next course, when in the "
            "session it will happen, and how you will know it helped."
        ),
        synthesis="""\
## Key points
- Reflection was new to many of us, and challenging: it needs time on the timetable, not
  only a line in the course description.
- Reflection every other session, before or after, was more sustainable than every day.
- Diaries are hard at first; by the end of a course participants feel the benefit.

## Practical ideas
- Start the session with two minutes on the previous one: one thing that worked, one to
  change.
- Give diary prompts for the first week, then let participants write freely.
- Model it: reflect aloud on your own session in front of the participants.
""",
    ),
    DemoTopic(
        title="Dealing with difficult participants",
        summary=(
            "Late comers, early leavers, the colleague who knows it all, the one who never "
            "speaks. Three weeks on the participants who make our courses hard, and on what "
            "we do that makes them harder."
        ),
        days=21, starts_days_ago=15, facilitated_by_demo_facilitator=True,
        article=SeedArticle(
            title="Teaching Teachers: Processes and Practices",
            citation="Malderez, A. and Wedell, M. (2007) Teaching Teachers: Processes and "
                     "Practices. London: Continuum.",
            url="https://www.bloomsbury.com/",
        ),
        questions=[
            QuestionDraft(
                "Describe a participant you found difficult, and what you did",
                "No names, please: what happened, what you tried, and what you would do now.",
            ),
            QuestionDraft(
                "Setting rules: the trainer's or the group's?",
                "Do you set the rules of the course yourself, or with the participants? What "
                "happens to late coming and early leaving when they set them?",
            ),
            QuestionDraft(
                "Is it the participant, or the course?",
                "Which 'difficult' behaviour is a sign that the course does not meet a need?",
            ),
        ],
        apply_prompt=(
            "Post how you will start your next course so that the group owns its rules, and "
            "what you will do the first time someone breaks one."
        ),
    ),
    DemoTopic(
        title="Observation and clinical supervision",
        summary=(
            "Pre-observation meeting, observation, post-observation talk: the cycle we all "
            "use. This week: whose lesson is it, who chooses the focus, and how do we keep "
            "the feedback talk from becoming a verdict?"
        ),
        days=7, starts_days_ago=2,
        article=SeedArticle(
            title="Models of supervision: choices",
            citation="Gebhard, J. G. (1984) Models of supervision: choices. TESOL Quarterly "
                     "18/3: 501-514.",
            url="https://doi.org/10.2307/3586717",
        ),
        questions=[
            QuestionDraft(
                "Which of Gebhard's models do you use most, and why?",
                "Directive, alternative, collaborative, non-directive, creative: which "
                "describes your last observation?",
            ),
            QuestionDraft(
                "Who chooses the focus of an observation in your context?",
            ),
        ],
        apply_prompt=(
            "Plan your next observation cycle: who will choose the focus, what you will "
            "record, and the first question you will ask in the feedback talk."
        ),
    ),
]

SCHEDULED = DemoTopic(
    title="Keeping a teaching and training diary",
    summary=(
        "A diary of our own training and teaching, and diaries for the teachers on our "
        "courses: how to start one, keep it going, and use it in a session."
    ),
    days=21, starts_days_ago=-9,
    article=SeedArticle(
        title="The use of diary studies in teacher education programs",
        citation="Bailey, K. M. (1990) The use of diary studies in teacher education "
                 "programs. In J. C. Richards and D. Nunan (eds.) Second Language Teacher "
                 "Education, 215-226. Cambridge: Cambridge University Press.",
        url="https://www.cambridge.org/",
    ),
    questions=[
        QuestionDraft("What would you write about in a training diary?"),
        QuestionDraft(
            "How could a diary be used in a course without becoming homework?",
        ),
    ],
    apply_prompt=(
        "Post the first three diary prompts you will give the teachers on your next course."
    ),
)

PENDING_PROPOSALS = [
    ("Presenting at conferences",
     "Several of us have been invited to present our training work at the TELLSI conference "
     "and at regional teachers' days. I prepared my first session from what I learned here, "
     "but I would like to discuss abstracts, slides and handling questions with colleagues.",
     7, 14),
    ("Teaching the new textbooks (Prospect and Vision) in in-service courses",
     "Teachers on my courses keep asking how to teach the new textbooks communicatively with "
     "large classes and little time. I would like three weeks to collect what works in "
     "different provinces.",
     21, 9),
    ("استفاده از تلفن همراه در دوره‌های ضمن خدمت",
     "بسیاری از معلمان دوره‌های ما در شهرهای کوچک کار می‌کنند و اینترنت ثابت ندارند. "
     "می‌خواهم بدانم همکاران چگونه از تلفن همراه برای ادامهٔ یادگیری پس از دوره استفاده "
     "می‌کنند.",
     7, 6),
    ("Mentoring newly qualified teachers",
     "Our new teachers get one observation a year. Could we look at mentoring schemes that "
     "work with the time we have?",
     21, 3),
]


def _facilitators(ctx: DemoContext) -> tuple[list[User], list[User]]:
    """The main community's facilitating consultants and guest master trainers."""
    consultants = [m.user for m in ctx.memberships
                   if m.role in (Role.FACILITATOR, Role.STEWARD) and m.tier == Tier.CONSULTANT]
    guests = [m.user for m in ctx.memberships
              if m.role == Role.FACILITATOR and m.tier == Tier.MASTER_TRAINER
              and m.user.pk != ctx.facilitator.pk]
    return consultants, guests


def _make_topic(ctx: DemoContext, spec: DemoTopic, facilitators: list[User]) -> Topic:
    starts_at = _morning(ctx, spec.starts_days_ago)
    topic = services.create_topic(
        community=ctx.community, actor=facilitators[0], title=spec.title,
        summary=spec.summary, facilitators=facilitators, starts_at=starts_at,
        apply_from=starts_at + timedelta(days=services.apply_day(spec.days)),
        ends_at=starts_at + timedelta(days=spec.days),
        apply_prompt=spec.apply_prompt, seed=spec.article, questions=spec.questions,
    )
    _backdate(topic, opened_at=starts_at - timedelta(hours=2))
    return topic


def _morning(ctx: DemoContext, days_ago: float) -> datetime:
    """Topics open at 06:00 UTC, 09:30 in Tehran."""
    return ctx.days_ago(days_ago).replace(hour=6, minute=0, second=0, microsecond=0)


def _backdate(topic: Topic, *, opened_at: datetime) -> None:
    """The facilitators opened the topic's threads just before it started."""
    Topic.objects.filter(pk=topic.pk).update(created_at=opened_at)
    Thread.objects.filter(topic=topic).update(created_at=opened_at, last_post_at=opened_at)
    Post.objects.filter(thread__topic=topic).update(created_at=opened_at)


def build(ctx: DemoContext) -> None:
    rng = ctx.rng
    consultants, guests = _facilitators(ctx)
    members = [m.user for m in ctx.memberships if m.role == Role.MEMBER]
    topics = []
    for spec in TOPICS:
        lead = ctx.facilitator if spec.facilitated_by_demo_facilitator else rng.choice(consultants)
        second = rng.choice([person for person in consultants + guests if person is not lead])
        topic = _make_topic(ctx, spec, [lead, second])
        if topic.ends_at <= ctx.now and spec.synthesis:
            services.save_synthesis(topic=topic, text=spec.synthesis, published=True)
            Topic.objects.filter(pk=topic.pk).update(
                synthesis_published_at=topic.ends_at + timedelta(days=2))
        if spec.archived:
            Topic.objects.filter(pk=topic.pk).update(archived_at=topic.ends_at
                                                     + timedelta(days=10))
        topics.append(topic)

    # A member's proposal, approved by the steward: the scheduled topic.
    proposer = rng.choice(members)
    approved = services.propose_topic(
        community=ctx.community, proposer=proposer, title=SCHEDULED.title,
        rationale="Since the topic on reflection I have asked teachers on my courses to keep "
                  "a diary. At first it is very difficult for them; by the end they feel the "
                  "benefits. I would like us to share how we start and keep diaries going.",
        suggested_facilitator=ctx.facilitator.display_name, suggested_days=SCHEDULED.days,
    )
    _support(approved, rng.sample([m for m in members if m is not proposer], 11))
    lead = ctx.facilitator
    starts_at = _morning(ctx, SCHEDULED.starts_days_ago)
    scheduled = services.approve_proposal(
        proposal=approved, actor=ctx.steward, title=SCHEDULED.title, summary=SCHEDULED.summary,
        facilitators=[lead, rng.choice(consultants)], starts_at=starts_at,
        apply_from=starts_at + timedelta(days=services.apply_day(SCHEDULED.days)),
        ends_at=starts_at + timedelta(days=SCHEDULED.days),
        apply_prompt=SCHEDULED.apply_prompt, site_url=ctx.site_url,
    )
    Topic.objects.filter(pk=scheduled.pk).update(
        seed_resource=SCHEDULED.article.add_to_library(community=ctx.community, added_by=lead))
    for question in SCHEDULED.questions:
        discussion_services.add_question(topic=scheduled, author=lead, title=question.title,
                                         body=question.body)
    TopicProposal.objects.filter(pk=approved.pk).update(
        created_at=ctx.days_ago(40), decided_at=ctx.days_ago(12))
    topics.append(scheduled)

    # Proposals waiting for the stewards, and one declined.
    for index, (title, rationale, days, supporters) in enumerate(PENDING_PROPOSALS):
        persian = not title.isascii()
        candidates = [m for m in members if (m.locale == "fa") == persian] or members
        proposer = rng.choice(candidates)
        proposal = services.propose_topic(
            community=ctx.community, proposer=proposer, title=title, rationale=rationale,
            suggested_facilitator=rng.choice(consultants + guests).display_name,
            suggested_days=days,
        )
        _support(proposal, rng.sample([m for m in members if m is not proposer], supporters - 1))
        TopicProposal.objects.filter(pk=proposal.pk).update(
            created_at=ctx.days_ago(30 - index * 6))
    declined_by = rng.choice(members)
    declined = services.propose_topic(
        community=ctx.community, proposer=declined_by, title="IELTS speaking test preparation",
        rationale="Many of my students want to take IELTS. I would like ideas for speaking "
                  "practice that prepares them for the test.",
        suggested_days=7,
    )
    _support(declined, rng.sample([m for m in members if m is not declined_by], 2))
    services.decline_proposal(
        proposal=declined, actor=ctx.steward, site_url=ctx.site_url,
        reason=f"Thank you, {declined_by.display_name.split()[0]}. Exam preparation is about "
               "teaching learners rather than training teachers, so it falls outside what "
               "this community is for. The Open ELT community discusses exam classes; you "
               "could start a thread there, or propose a topic on training teachers to teach "
               "speaking.",
    )
    TopicProposal.objects.filter(pk=declined.pk).update(
        created_at=ctx.days_ago(50), decided_at=ctx.days_ago(47))

    ctx.topics = topics
    states = [topic.state for topic in Topic.objects.filter(pk__in=[t.pk for t in topics])]
    ctx.summary.append(
        f"Topics in {ctx.community.name}: {len(topics)} "
        f"({states.count(Topic.State.ARCHIVED)} archived, {states.count(Topic.State.CLOSED)} "
        f"closed, {states.count(Topic.State.OPEN)} open, {states.count(Topic.State.APPLY)} in "
        f"the apply phase, {states.count(Topic.State.SCHEDULED)} scheduled); "
        f"{len(PENDING_PROPOSALS)} proposals waiting, 1 declined"
    )


def _support(proposal: TopicProposal, people: list[User]) -> None:
    ProposalSupport.objects.bulk_create(
        ProposalSupport(proposal=proposal, user=person) for person in people
    )
