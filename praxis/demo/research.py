"""The demo's impact study, run as the seed study ran: the top ten members by posts over the
last three months, five of them drawn with a seed; two questionnaires and a semi-structured
interview; deductive themes from the literature and inductive ones that emerged; two coders;
the case-by-theme grid.

Helen Carter (researcher@example.org), a university researcher outside the cascade, is the
community's researcher, and a consultant codes beside her. Ali (member@example.org) is
invited and has not answered yet; Shiva (Persian) takes part and answers in Persian.
"""

import re
from datetime import timedelta

from praxis.accounts.models import User
from praxis.communities.models import Membership
from praxis.demo.communities import RESEARCHER_EMAIL, DemoContext
from praxis.demo.diary import SHIVA_EMAIL
from praxis.demo.notifications import cover_current_periods
from praxis.notifications import services as notification_services
from praxis.notifications.models import OutboundEmail
from praxis.research import coding, instruments, sampling, services
from praxis.research.instruments import AnswerDraft
from praxis.research.models import (
    Instrument,
    Participant,
    Question,
    Response,
    Source,
    Study,
    Theme,
)

SLUG = "cop-impact-2026"
SEED = 2016

CONSENT = """This study asks how taking part in the Teacher Trainers' community changes the \
way its members train.

If you agree, the researchers will use your answers to two short questionnaires, a \
recorded interview of 15 to 20 minutes on a video call, and what you wrote in the community \
over the last three months (posts, session plans and the stories you shared; never a \
private diary entry or a draft).

In everything the study shows or publishes you are known only by a code (TT1, TT2 ...), \
never by your name. Names of other people in what you say are replaced by codes too.

You can withdraw at any time, without giving a reason, on this page: everything you gave \
the study is then deleted. The study's data is kept until the date shown, then erased."""

QUESTIONS = """What impact has taking part in the online community had on the training \
practice of its members?
Which parts of the community do they draw on in their training, and how?"""

# (name, origin, reference, definition, parent)
CODEBOOK = [
    ("Sharing and integration of knowledge", "deductive", "Alavi & Leidner (1990)",
     "Knowledge shared in the community taken into one's own training.", None),
    ("Solving authentic problems", "deductive", "Wick (2000)",
     "Real problems of one's training brought to colleagues and solved together.", None),
    ("From knowing that to knowing how", "deductive", "Duguid (2005)",
     "Theory turned into practice in the training room.", None),
    ("Professional confidence", "inductive", "",
     "Feeling able to handle trainees and situations one could not before.", None),
    ("Balancing theory and practice", "inductive", "",
     "Training that keeps theory and practice in balance.", "Professional confidence"),
    ("Reflective practice", "inductive", "",
     "Looking back at one's sessions and changing them.", "Professional confidence"),
    ("Feeling connected to the wider ELT community", "inductive", "",
     "Not being alone; knowing what goes on in English teaching elsewhere.", None),
    ("Keeping up to date", "inductive", "",
     "Reading new articles and ideas; professional development.",
     "Feeling connected to the wider ELT community"),
]
COLOURS = ["#1f6f8b", "#8b3a1f", "#5b4b8a", "#2e7d32", "#6d8b1f", "#00838f", "#ad1457",
           "#795548"]

# What in a sentence suggests a theme: (pattern, theme). The first coder codes by all of
# them; the second misses some, as a second coder does.
CUES = [
    (r"shar|colleague|همکار", "Sharing and integration of knowledge"),
    (r"problem|difficult|stuck|مشکل", "Solving authentic problems"),
    (r"tried|I used|in my session|in the training room|کلاس", "From knowing that to knowing how"),
    (r"confiden|empowered|handle|اعتماد", "Professional confidence"),
    (r"theory|practical|balance|نظریه", "Balancing theory and practice"),
    (r"reflect|look back|تأمل", "Reflective practice"),
    (r"not alone|ELT world|abroad|connected|تنها", "Feeling connected to the wider ELT community"),
    (r"up-to-date|updated|article|مقاله", "Keeping up to date"),
]
SECOND_CODER_SKIPS = {"Solving authentic problems", "Keeping up to date"}

Q1 = [
    ("text", "How has taking part in the community changed the way you train?", "", True),
    ("likert", "Taking part in the community has changed my training practice.", "", True),
    ("multiple", "Which parts of the community have you used in your training?",
     "Articles and readings\nDiscussions in topics\nSession plans shared by others\n"
     "Feedback on my own session plans", False),
    ("text", "Give an example of something from the community you used in a session.", "",
     False),
]
Q2 = [
    ("text", "What difference, if any, has the community made to your confidence as a "
             "trainer?", "", True),
    ("single", "How often do you read the community?", "Every day\nEvery week\nEvery month\n"
                                                      "Less often", True),
    ("ordering", "Put these in order: what helped your training most?",
     "Reading articles\nDiscussing with colleagues\nFeedback on my session plans", False),
    ("text", "What would you tell a colleague who is thinking of joining?", "", False),
]
INTERVIEW = [
    "You wrote that the community changed how you look at training. Can you tell me about a "
    "session where that showed?",
    "What did you do differently with your trainees after a discussion or a reading?",
    "Is there anything the community has not helped you with?",
]

# Answers in the words of the seed study's participants, spread over five people.
ANSWERS_1 = [
    ("Participation in the community has changed my vision towards training. Now I look at "
     "training in a more contextual, practical and realistic way.",
     "I tried the jigsaw reading from the loop input topic in my session on lesson staging."),
    ("Keeping a balance between theory and practice is another thing that has influenced my "
     "training. I used to be better on the practical side.",
     "I used an article on feedback from the library with my trainees and we discussed it."),
    ("The community makes you reflect on the way you run sessions. As postings are in "
     "written form you read them carefully. Naturally you can see some manifestation of the "
     "discussions in your training room.",
     "I shared my session plan and got feedback from two colleagues before I ran it."),
    ("It made me read more and delve into some subjects, and I feel I can handle some "
     "difficult theory-conscious trainees better.",
     "I brought a problem with mixed-level trainees to the topic and tried what colleagues "
     "suggested."),
    ("You keep up-to-date by reading new articles posted in the community, mingling "
     "virtually with participants from different contexts. It gives you a feeling of being a "
     "step ahead and more empowered.",
     "I used the microteaching checklist shared in the community in my last course."),
]
ANSWERS_2 = [
    "Taking part boosted my self-confidence. I feel less alone when a session goes wrong.",
    "I came to understand that I have to know the reason for what I am doing and be able to "
    "justify it. Reading articles helps me to justify what I do.",
    "I feel more confident with trainees who know a lot of theory, because I read the same "
    "articles and discussed them with colleagues.",
    "The community is an excuse to read more. I keep myself up-to-date and I am not alone.",
    "I am more confident to try new things in the training room, because colleagues have "
    "tried them first and told us what happened.",
]
TRANSCRIPTS = [
    "Interviewer: You wrote that the community changed how you look at training. Can you "
    "tell me about a session where that showed?\n\n"
    "{code}: Yes. In the autumn course I used to start with the theory of feedback. After "
    "the discussion in the topic I tried it the other way round: the trainees gave feedback "
    "first, then we looked at the theory. It was more practical and they remembered it.\n\n"
    "Interviewer: What did you do differently with your trainees after a discussion?\n\n"
    "{code}: I shared the task sheet from the forum with the other trainers in my centre. "
    "We used it in three groups. I feel I can handle questions about it now, I am more "
    "confident.\n\n"
    "Interviewer: Is there anything the community has not helped you with?\n\n"
    "{code}: Sometimes the discussions are too fast and I cannot follow everything. But you "
    "get information from the ELT world, and you feel that you are not alone.",
]
ADVICE = [
    "Join, read a little every week, and share one session plan: the feedback is worth it.",
    "Do not only read. Write when you try something, even if it did not work.",
    "Pick one topic and follow it to the end; the apply phase is where you learn most.",
    "Find a critical friend early. Two people reading each other's plans is enough.",
    "It takes time at the start, but you stop feeling alone with your trainees.",
]
PERSIAN_ANSWERS = (
    "مشارکت در این جامعه اعتماد به نفس من را در کلاس بیشتر کرده است. حالا نظریه و عمل را "
    "با هم در آموزش می‌آورم.",
    "طرح درس خودم را با همکاران به اشتراک گذاشتم و بازخورد گرفتم. در کلاس بعد همان را امتحان "
    "کردم.",
    "با خواندن مقاله‌های تازه احساس می‌کنم تنها نیستم و از دنیای آموزش زبان عقب نمی‌مانم.",
)


def build(ctx: DemoContext) -> None:
    researcher = _researcher(ctx)
    study = services.create_study(
        community=ctx.community, created_by=researcher,
        title="Impact of the community on training practice", slug=SLUG,
        research_questions=QUESTIONS, ethics_reference="ITTP-REC-2026-014",
        retain_until=ctx.now.date() + timedelta(days=730), code_prefix="TT",
        consent_text=CONSENT)
    until = ctx.now.date() - timedelta(days=1)
    since = until - timedelta(days=90)
    draw = sampling.draw_for_study(study, measure="posts", since=since, until=until, top=10,
                                   pick=5, seed=SEED, drawn_by=researcher)
    picked = sampling.picked_members(draw)
    shiva = User.objects.filter(email=SHIVA_EMAIL).first()
    invitees = [*picked, ctx.member, *([shiva] if shiva else [])]
    participants = services.invite_participants(study=study, users=invitees,
                                                invited_by=researcher)
    taking_part = []
    for participant in participants:
        if participant.user_id == ctx.member.pk:
            continue  # Ali has the invitation to answer himself
        services.answer_invitation(participant=participant, consent=True, consent_version=1)
        taking_part.append(participant)
    Participant.objects.filter(study=study).update(invited_at=ctx.days_ago(70))
    Participant.objects.filter(study=study, status="consented").update(
        answered_at=ctx.days_ago(66))
    themes = _codebook(study)
    _questionnaires(ctx, study, taking_part, shiva)
    _interviews(study, taking_part)
    # The last three weeks of what they wrote: the posts of the top ten are many.
    community = services.create_community_instrument(
        study=study, title="Posts, plans and stories in the community",
        since=until - timedelta(days=20), until=until)
    gathered = services.gather_community_data(instrument=community)
    co_coder = _co_coder(ctx, researcher, {p.user_id for p in participants})
    coded = _code(study, themes, researcher, co_coder)
    # The researcher joined after the digests were settled: hers count as sent too.
    cover_current_periods(ctx)
    # The demo shows email that went out: the invitations and the questionnaires.
    notification_services.settle(
        OutboundEmail.objects.filter(status=OutboundEmail.Status.QUEUED),
        status=OutboundEmail.Status.SENT, sent_at=ctx.now, attempts=1)
    ctx.summary.append(
        f"Research: '{study.title}' in /c/{ctx.community.slug}/research/{SLUG}/: "
        f"{len(taking_part)} taking part, {gathered} community sources, {coded} codings; "
        f"{RESEARCHER_EMAIL} runs it, {ctx.member.email} is invited.")


def _researcher(ctx: DemoContext) -> User:
    researcher = User.objects.create(
        email=RESEARCHER_EMAIL, display_name="Helen Carter",
        institution="University of Warwick, Centre for Applied Linguistics", region="Tehran",
        locale="en", timezone="Asia/Tehran", password=ctx.password_hash,
        bio="I evaluate the project's teacher education and study what the community changes "
            "in our training, with the consent of those who take part.",
        date_joined=ctx.days_ago(400))
    ctx.people.append(researcher)
    # A researcher from outside the cascade: no tier.
    Membership.objects.create(community=ctx.community, user=researcher,
                              joined_at=ctx.days_ago(400))
    services.grant_researcher(community=ctx.community, user=researcher,
                              granted_by=ctx.steward)
    return researcher


def _co_coder(ctx: DemoContext, researcher: User, participants: set[int | None]) -> User:
    """A consultant who takes no part in the study codes beside the researcher."""
    consultant = next(m.user for m in ctx.memberships_of_tier(Membership.Tier.CONSULTANT)
                      if m.user_id not in {ctx.steward.pk, researcher.pk, *participants})
    services.grant_researcher(community=ctx.community, user=consultant,
                              granted_by=ctx.steward)
    return consultant


def _codebook(study: Study) -> dict[str, Theme]:
    themes: dict[str, Theme] = {}
    for (name, origin, reference, definition, parent), colour in zip(CODEBOOK, COLOURS,
                                                                      strict=True):
        themes[name] = coding.save_theme(theme=Theme(
            study=study, name=name, origin=origin, reference=reference,
            definition=definition, colour=colour,
            parent=themes[parent] if parent else None))
    return themes


def _add_questions(instrument: Instrument, questions: list[tuple[str, str, str, bool]]) -> None:
    for kind, prompt, options, required in questions:
        instruments.add_question(instrument=instrument, kind=kind, prompt=prompt,
                                 options=options, required=required)


def _questionnaires(ctx: DemoContext, study: Study, taking_part: list[Participant],
                    shiva: User | None) -> None:
    first = instruments.create_instrument(
        study=study, kind="questionnaire", title="Questionnaire 1: taking part and training",
        introduction="Ten minutes. Answer in English or Persian, as you prefer.")
    _add_questions(first, Q1)
    second = instruments.create_instrument(
        study=study, kind="questionnaire", title="Questionnaire 2: impact on your practice",
        introduction="The interviews will start from your answers here.")
    _add_questions(second, Q2)
    for number, (instrument, sent) in enumerate(((first, 60), (second, 40)), start=1):
        instruments.send_questionnaire(instrument=instrument)
        Instrument.objects.filter(pk=instrument.pk).update(sent_at=ctx.days_ago(sent))
        instrument.refresh_from_db()
        questions = list(instrument.questions.order_by("position"))
        for index, participant in enumerate(taking_part):
            persian = shiva is not None and participant.user_id == shiva.pk
            if index == len(taking_part) - 2 and number == 2:
                # One participant has saved half of Questionnaire 2 and will finish later.
                instruments.save_answers(instrument=instrument, participant=participant,
                                         answers={questions[0].pk: AnswerDraft(
                                             text=ANSWERS_2[index % 5])})
                continue
            answers = _answers(number, index, questions, persian)
            instruments.save_answers(instrument=instrument, participant=participant,
                                     answers=answers, submit=True)
        Response.objects.filter(instrument=instrument, submitted_at__isnull=False).update(
            started_at=ctx.days_ago(sent - 2), saved_at=ctx.days_ago(sent - 5),
            submitted_at=ctx.days_ago(sent - 5))
        Response.objects.filter(instrument=instrument, submitted_at=None).update(
            started_at=ctx.days_ago(sent - 3), saved_at=ctx.days_ago(sent - 3))
    # Follow-ups of Questionnaire 2, asked of one participant, as the study's interviews were.
    follow = taking_part[len(taking_part) - 2]
    if _not_submitted(second, follow):
        instruments.add_question(instrument=second, kind="text", participant=follow,
                                 prompt="You mentioned the jigsaw reading. What did your "
                                        "trainees say about it?")


def _not_submitted(instrument: Instrument, participant: Participant) -> bool:
    return not Response.objects.filter(instrument=instrument, participant=participant,
                                       submitted_at__isnull=False).exists()


def _answers(number: int, index: int, questions: list[Question],
             persian: bool) -> dict[int, AnswerDraft]:
    if number == 1:
        opening, example = ANSWERS_1[index % 5]
        if persian:
            opening, example = PERSIAN_ANSWERS[0], PERSIAN_ANSWERS[1]
        options = questions[2].option_list
        return {questions[0].pk: AnswerDraft(text=opening),
                questions[1].pk: AnswerDraft(choices=(questions[1].option_list[3 + index % 2],)),
                questions[2].pk: AnswerDraft(choices=tuple(options[: 2 + index % 3])),
                questions[3].pk: AnswerDraft(text=example)}
    items = questions[2].option_list
    order = items[index % 3:] + items[: index % 3]
    return {questions[0].pk: AnswerDraft(text=PERSIAN_ANSWERS[2] if persian
                                         else ANSWERS_2[index % 5]),
            questions[1].pk: AnswerDraft(choices=(questions[1].option_list[index % 2],)),
            questions[2].pk: AnswerDraft(choices=tuple(order)),
            questions[3].pk: AnswerDraft(text=ADVICE[index % len(ADVICE)])}


def _interviews(study: Study, taking_part: list[Participant]) -> None:
    interview = instruments.create_instrument(
        study=study, kind="interview", title="Semi-structured interview",
        introduction="15 to 20 minutes on a video call, recorded, based on the answers to "
                     "Questionnaire 2.")
    for prompt in INTERVIEW:
        instruments.add_question(instrument=interview, kind="text", prompt=prompt)
    for participant in taking_part[:4]:
        instruments.save_transcript(instrument=interview, participant=participant,
                                    text=TRANSCRIPTS[0].format(code=participant.code),
                                    replace_participant_names=True)


def _code(study: Study, themes: dict[str, Theme], first: User, second: User) -> int:
    """Codes every sentence of the questionnaires and interviews that a cue points to: the
    first coder all of them, the second every source but one in three, missing two
    themes."""
    count = 0
    sources = Source.objects.filter(study=study, kind__in=["questionnaire", "interview"])
    for number, source in enumerate(sources.order_by("pk")):
        for unit in coding.units(source.text):
            if unit.text.startswith("Interviewer:") or re.match(r"^\d+\.", unit.text):
                continue
            for cue, name in CUES:
                if not re.search(cue, unit.text, re.IGNORECASE):
                    continue
                coders = [first]
                if number % 3 != 2 and name not in SECOND_CODER_SKIPS:
                    coders.append(second)
                for coder in coders:
                    coding.code_spans(source=source, spans=[(unit.start, unit.end)],
                                      theme_ids=[themes[name].pk], coder=coder)
                    count += 1
    return count

