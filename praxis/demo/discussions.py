# ruff: noqa: RUF001 (Persian posts are meant to be in Arabic script)
"""The discussions part of the demo: members' posts in the topics' threads, and who read them.

It follows the shape of the community in ``seeds/virtual-cop-teacher-trainers-study.txt``: of
about 125 members some two dozen post regularly (a few a lot, most a little: zipf-like), a
few more post once or twice, and most only read, which the read marks record. The topics
builder has opened the topics and their facilitators' question and apply threads; this one
adds a few member questions and session plans, then the posts: answers, replies to replies,
some quoting, a few in Persian, some edited, all dated inside each topic's open window.

Posts are bulk-created in time order (so ids follow time, as the read marks assume), then
their tree paths are set from the ids in one pass. Everything random comes from ``ctx.rng``,
drawn while walking plain lists in a fixed order.
"""

import math
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection

from praxis.accounts.models import User
from praxis.communities.models import Membership
from praxis.core.markdown import render_markdown
from praxis.demo.communities import DemoContext
from praxis.discussions import counters
from praxis.discussions.models import (
    Flag,
    ModerationAction,
    Post,
    PostRevision,
    Reaction,
    Thread,
    ThreadRead,
    ThreadVisitDay,
)
from praxis.discussions.services import path_of
from praxis.discussions.words import count_words
from praxis.topics.models import Topic

TARGET_POSTS = 3200
REGULAR_POSTERS = 25  # members who post regularly
OCCASIONAL_POSTERS = 18  # members who post once or twice
FACILITATOR_SHARE = 0.3  # of a topic's posts, written by its facilitators
ZIPF_EXPONENT = 0.3
MAX_DEMO_DEPTH = 7
QUOTE_RATE = 0.08
EDIT_RATE = 0.03

Role = Membership.Role
Tier = Membership.Tier
Kind = Thread.Kind


# Words ---------------------------------------------------------------------------------------
# Each theme: things trainers did (experiences), ideas they suggest, questions they ask; the
# snippets are combined with the generic openers and closers below.

@dataclass(frozen=True)
class Theme:
    keys: tuple[str, ...]  # words in the topic's title that choose this theme
    experiences: tuple[str, ...]
    ideas: tuple[str, ...]
    questions: tuple[str, ...]
    member_threads: tuple[tuple[str, str], ...]  # (title, opening post)
    plan_threads: tuple[tuple[str, str], ...]


THEMES = [
    Theme(
        keys=("designing", "planning"),
        experiences=(
            "Last autumn I phoned five of the teachers a week before the course and asked what "
            "worried them most about the new textbook; three of them said the listening tracks.",
            "In our province the syllabus for in-service courses comes from Tehran, so we only "
            "choose the order and the activities.",
            "On my two-day course in {city} I asked everyone to bring one lesson plan, and we "
            "worked from their plans instead of mine.",
            "We tried a second meeting six weeks after the course. Only half came, but those "
            "who did had changed something in their classes.",
            "I used a short needs survey on paper at the registration desk; it took ten minutes "
            "and changed the whole second day.",
            "Our courses are in the summer, when teachers are tired and far from their classes. "
            "The follow-up has to happen in the school year.",
        ),
        ideas=(
            "Plan the course in three parts: pre-course task, the core days, and post-course "
            "tasks with a date attached to each.",
            "A messaging group with one small task a week for a month keeps the course alive.",
            "Ask the head teachers to come for the last hour, so they know what their teachers "
            "are going to try.",
            "Leave one session of the timetable empty and fill it with what the participants "
            "ask for on the first day.",
            "Write the course objectives as things teachers will do in class, not topics we "
            "will cover.",
        ),
        questions=(
            "How do you get the participants' needs when you only meet them on the first day?",
            "Has anyone managed to get a budget for follow-up visits?",
            "How long should a pre-course task be, so that people actually do it?",
            "Do you share your course outline with the participants before the course?",
        ),
        member_threads=(
            ("A needs survey for a two-day course: too long?",
             "I have drafted a needs survey for the teachers on my course next month. It has "
             "twelve questions. Is that too many? What would you cut?"),
            ("Follow-up when teachers live far away",
             "Most of my participants teach in villages two or three hours from {city}. How "
             "do you organise follow-up when visits are impossible?"),
        ),
        plan_threads=(
            ("Session plan: first morning of a course on the new textbook",
             "Here is my plan for the first morning.\n\n- 8:30 Getting to know each other "
             "(find someone who)\n- 9:00 What worries you about the new book?\n- 9:45 A demo "
             "lesson from unit 3\n- 10:30 Break\n- 11:00 Planning in pairs\n\nI would like "
             "feedback on the timing and on the demo lesson."),
        ),
    ),
    Theme(
        keys=("effective",),
        experiences=(
            "The most effective teacher I ever observed hardly talked. The learners were busy "
            "all the time and she walked around listening.",
            "I observed a teacher in {city} whose learners asked more questions than she did. "
            "I still think about that lesson.",
            "Our observation form has twenty items and only two are about the learners.",
            "When I ask trainees what an effective teacher is, they describe a kind person. "
            "When I ask what the learners did, they cannot say.",
        ),
        ideas=(
            "Ask before the lesson what the learners should be able to do by the end, then "
            "look for evidence of it.",
            "Add one item about learners to every observation form we use.",
            "Look at the learners' notebooks after the lesson: they tell you a lot.",
            "Observe two lessons of the same teacher before saying anything about effectiveness.",
        ),
        questions=(
            "Can we see subject knowledge in one observed lesson?",
            "How do you talk about effectiveness without making it sound like an inspection?",
            "Which item of your observation form would you remove first?",
        ),
        member_threads=(
            ("Effective teaching in classes of forty-five",
             "Most of what I read assumes small classes. What does effective teaching look "
             "like with forty-five learners and fixed desks?"),
        ),
        plan_threads=(),
    ),
    Theme(
        keys=("evaluating", "evaluation"),
        experiences=(
            "At the end of our courses we collect a smiley-face questionnaire. Everyone is "
            "happy, and we learn nothing.",
            "I asked the participants to write one thing they would do differently next week. "
            "Two months later I visited four of them and asked whether they did.",
            "Our department only asks for attendance lists and the questionnaire scores.",
            "Once I collected lesson plans before and after the course. The difference was "
            "small, but it was there.",
        ),
        ideas=(
            "Ask what teachers will do, not whether they liked the course.",
            "Guskey's levels helped me see that we never go beyond the second one.",
            "Collect a lesson plan at the start and another a month later, and compare.",
            "Ask the learners: two questions to the classes of a few participants tell a lot.",
        ),
        questions=(
            "Has anyone reached Guskey's fifth level, student learning outcomes?",
            "How do you evaluate a course when there is no money for visits?",
            "What do you do with the questionnaires after the course?",
        ),
        member_threads=(
            ("Our end-of-course questionnaire: can you help me improve it?",
             "Our questionnaire asks about the venue, the food and the trainer. I want to add "
             "three questions about what teachers will do. Suggestions?"),
        ),
        plan_threads=(
            ("Session plan: the last hour of a course, evaluation and action plans",
             "My plan for the last hour:\n\n1. Look back at the objectives (10 min)\n2. Each "
             "participant writes one action plan (20 min)\n3. Pairs ask each other hard "
             "questions about the plans (20 min)\n4. Questionnaire (10 min)\n\nIs the "
             "questionnaire in the right place?"),
        ),
    ),
    Theme(
        keys=("loop",),
        experiences=(
            "I was trained through loop input years ago and did not know its name. We learned "
            "about group work by working in groups, then talked about how it felt.",
            "The first time I tried loop input, the trainees enjoyed the activity so much that "
            "they did not want to step out of it and talk about the process.",
            "In {city} I ran a session on giving instructions where every instruction I gave "
            "was itself an example to analyse. It worked better than any lecture.",
            "Some participants felt loop input was a trick. I now tell them at the start what "
            "is going to happen.",
        ),
        ideas=(
            "Stepping out is the difficult part: I stop, change the seating, and ask 'what did "
            "I just do?'",
            "Keep the loop short: ten minutes inside the activity, then at least as long "
            "outside it.",
            "A jigsaw reading about jigsaw reading is an easy first loop-input session.",
            "Write the stages on the board only after the trainees have found them.",
        ),
        questions=(
            "How do you get trainees to step out of the activity?",
            "Does loop input work with large groups of teachers?",
            "Can you do loop input online?",
        ),
        member_threads=(
            ("Loop input with very experienced teachers",
             "My participants have taught for twenty years. They find loop input childish. "
             "Has anyone faced this?"),
        ),
        plan_threads=(
            ("Session plan: a loop-input session on grouping learners",
             "The trainees are grouped in four different ways during the session, and each "
             "way is itself the topic we discuss. Timings:\n\n- pairs (10 min)\n- groups of "
             "four (15 min)\n- mingling (10 min)\n- whole group discussion of the grouping "
             "(25 min)\n\nWhat would you change?"),
        ),
    ),
    Theme(
        keys=("reflection", "reflective", "diary"),
        experiences=(
            "I kept a diary for one term. At first it was a list of complaints; after a month "
            "it started to be about what the learners did.",
            "After a session that went badly I wrote down three things that happened, without "
            "judging them. The next day I changed the opening.",
            "On my last course in {city} teachers wrote for five minutes at the end of each day. "
            "Some wrote a page, some wrote one line.",
            "Reflection in our context often means writing a report for the department. That "
            "is not the same thing.",
        ),
        ideas=(
            "Give a question to write about, not an empty page: 'what surprised you today?'",
            "Reflection with a colleague is easier than alone: a critical friend asks the "
            "questions you avoid.",
            "Reflect before the session too: what do I expect to be difficult?",
            "Read the diary again after a month and look for patterns, not single events.",
        ),
        questions=(
            "How do you keep reflection from becoming a ritual?",
            "Should trainers read their trainees' diaries?",
            "What is the difference between reflection and just thinking about a lesson?",
        ),
        member_threads=(
            ("Reflection in Persian or in English?",
             "My trainees reflect much more deeply when they write in Persian. Is it a problem "
             "that the diary is not in English?"),
        ),
        plan_threads=(),
    ),
    Theme(
        keys=("difficult", "participants"),
        experiences=(
            "One participant on my course answered his phone every ten minutes. I asked the "
            "group, not him, to agree rules for phones, and it stopped.",
            "A very experienced teacher kept saying 'this will not work in our schools'. In "
            "the end I asked her to lead a session on what does work.",
            "Some teachers are sent to our courses and do not want to be there. I start by "
            "asking what would make the day useful for them.",
            "In {city} a head of department joined the course and the other teachers stopped "
            "speaking. I split the groups so that he was not in every discussion.",
        ),
        ideas=(
            "Often the difficult participant is telling us something about the course.",
            "Talk to the person privately at the break, never in front of the group.",
            "Give the strongest critic a role: timekeeper, reporter, devil's advocate.",
            "Ground rules agreed by the group work better than rules I bring.",
        ),
        questions=(
            "What do you do when a participant is openly hostile?",
            "Is it the participant, or the course?",
            "How do you deal with a participant who knows more than you?",
        ),
        member_threads=(
            ("A participant who corrects everything I say",
             "On my current course one teacher corrects my English and my facts in front of "
             "everyone. Sometimes he is right. How would you handle it?"),
        ),
        plan_threads=(
            ("Session plan: agreeing ground rules on the first morning",
             "I want the group to write its own ground rules. Plan: individual lists (5 min), "
             "pairs merge (10 min), groups of four agree five rules (15 min), poster on the "
             "wall. Feedback welcome, especially on what to do if they write nothing about "
             "phones."),
        ),
    ),
    Theme(
        keys=("observation", "supervision"),
        experiences=(
            "In our system the supervisor chooses the focus and the teacher waits for the "
            "verdict. I have started asking the teacher to choose one focus.",
            "After an observation in {city} I asked the teacher to speak first. She said "
            "everything I had written, and more.",
            "I used Gebhard's collaborative model with two young teachers this term. It took "
            "longer, but they asked for more observations.",
            "The feedback meeting is often five minutes in a corridor. I now book half an "
            "hour with the teacher before I observe.",
        ),
        ideas=(
            "Agree the focus of the observation before the lesson and observe only that.",
            "Write down what happened, not what you think of it, during the lesson.",
            "Start the feedback with a question, not a judgement.",
            "Peer observation removes the inspector from the room.",
        ),
        questions=(
            "Who chooses the focus of an observation in your context?",
            "How do you give feedback on a lesson that went badly?",
            "Can a supervisor also be a critical friend?",
        ),
        member_threads=(
            ("An observation form that starts with the teacher's question",
             "I am redesigning our observation form so that the first box is the teacher's own "
             "question about the lesson. Has anyone done this?"),
        ),
        plan_threads=(
            ("Session plan: practising post-observation feedback",
             "Trainees watch a ten-minute video, write notes, then role-play the feedback "
             "meeting in threes (teacher, observer, watcher). The watcher notes the first "
             "question the observer asks. Twenty minutes for the role plays is it enough?"),
        ),
    ),
]
GENERIC = Theme(
    keys=(),
    experiences=(
        "In my last course I tried something similar, and the teachers were more interested "
        "than I expected.",
        "This is very close to what happens in our province.",
        "I tried this with trainees in {city}; the first attempt did not go well, the second "
        "was much better.",
    ),
    ideas=(
        "Start small: one change in one session, and see what happens.",
        "It helps to tell the participants why we are doing it.",
        "Ask the teachers what they already do; they usually know more than we think.",
    ),
    questions=(
        "Has anyone tried this with teachers of young learners?",
        "How long did it take before you saw a difference?",
    ),
    member_threads=(),
    plan_threads=(),
)

OPENERS = (
    "", "", "", "Thank you for this question.", "Interesting question.",
    "I have been thinking about this since I read the article.", "A short answer from {city}.",
    "I agree with much of the article, but not all of it.",
)
REPLY_OPENERS = (
    "I agree, {name}.", "Thank you, {name}, this is useful.", "{name}, I had the same problem.",
    "Good point.", "I am not sure I agree, {name}.", "That is exactly what happened to me.",
    "{name}, can I ask how long that took?", "Yes!", "I like this idea.",
    "This reminds me of something the facilitator said in the first week.",
    "In my context it is a bit different.",
)
FACILITATOR_REPLIES = (
    "Thank you, {name}. Could you say a little more about what the teachers did afterwards?",
    "{name}, this connects well with the article's point about starting from teachers' needs.",
    "Several of you have mentioned this. What would it look like in your next course?",
    "A very practical example, thank you. Has anyone else tried something similar?",
    "{name}, what would you do differently next time?",
    "This is a good example of what the article calls reflection on action.",
)
CLOSERS = (
    "", "", "", "What do others think?", "I would be glad to hear other experiences.",
    "I will try it again next month and report back.", "Any suggestions are welcome.",
)
APPLY_POSTS = (
    "In my next course in {city} I will {idea_lower} I expect the hardest part to be the time: "
    "our timetable is fixed.",
    "I will try this with the new teachers in my school in the autumn. {idea} I will post what "
    "happens.",
    "My plan: {idea_lower} I will ask a colleague to observe and tell me whether it worked.",
    "I have already started. {experience} Next I want to {question_lower}",
)
EDIT_NOTES = (
    "*Edit: I meant the second session, not the first.*",
    "*Edit: corrected the timing.*",
    "*Edit: added the question at the end.*",
    "*Edit: a typo.*",
)
PERSIAN_POSTS = (
    "به نظرم این ایده در کلاس‌های ما هم جواب می‌دهد، اما باید وقت بیشتری برای آن گذاشت.",
    "من این کار را در دورهٔ تابستان امتحان کردم و معلم‌ها خیلی استقبال کردند.",
    "مشکل اصلی در استان ما این است که پس از دوره هیچ پیگیری‌ای انجام نمی‌شود.",
    "ممنون از این پرسش. تجربهٔ من کمی متفاوت است: شرکت‌کنندگان اول مقاومت می‌کنند.",
    "فکر می‌کنم باید از نیازهای خود معلم‌ها شروع کنیم، نه از سرفصل‌هایی که به ما می‌دهند.",
    "در جلسهٔ بعد حتماً این را امتحان می‌کنم و نتیجه را اینجا می‌نویسم.",
    "آیا کسی این روش را با معلم‌های باتجربه امتحان کرده است؟",
    "کاملاً موافقم. بازخورد دادن پس از مشاهده بدون پرسیدن نظر خود معلم فایده‌ای ندارد.",
    "نوشتن یادداشت روزانه برای من سخت بود، ولی بعد از یک ماه عادت کردم.",
    "به نظرم گروه‌بندی شرکت‌کنندگان مهم‌ترین بخش این جلسه است.",
)


def _theme(topic: Topic) -> Theme:
    title = topic.title.lower()
    for theme in THEMES:
        if any(key in title for key in theme.keys):
            return theme
    return GENERIC


def _first_name(user: User) -> str:
    return str(user.display_name).split()[0]


def _city(user: User) -> str:
    institution = user.institution or ""
    for separator in (", ", " campus"):
        if separator in institution:
            return institution.split(", ")[-1].replace(" campus", "")
    return user.region or "my town"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


class Writer:
    """Composes believable posts from the theme's snippets."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def _fill(self, text: str, author: User, to: User | None) -> str:
        return text.format(city=_city(author), name=_first_name(to) if to else "")

    def persian(self) -> str:
        return " ".join(self.rng.sample(PERSIAN_POSTS, self.rng.choice((1, 2, 2, 3))))

    def answer(self, theme: Theme, author: User) -> str:
        rng = self.rng
        parts = [rng.choice(OPENERS), rng.choice(theme.experiences + GENERIC.experiences)]
        if rng.random() < 0.7:
            parts.append(rng.choice(theme.ideas))
        if rng.random() < 0.15:
            ideas = rng.sample(theme.ideas, min(2, len(theme.ideas)))
            parts.append("What I would suggest:\n\n" + "\n".join(f"- {i}" for i in ideas) + "\n")
        parts.append(rng.choice(CLOSERS + theme.questions[:1]))
        return self._fill(" ".join(p for p in parts if p), author, None)

    def reply(self, theme: Theme, author: User, to: User, *, facilitating: bool) -> str:
        rng = self.rng
        if facilitating and rng.random() < 0.7:
            return self._fill(rng.choice(FACILITATOR_REPLIES), author, to)
        parts = [rng.choice(REPLY_OPENERS)]
        if rng.random() < 0.6:
            parts.append(rng.choice(theme.experiences + theme.ideas))
        if rng.random() < 0.35:
            parts.append(rng.choice(theme.questions + GENERIC.questions))
        return self._fill(" ".join(parts), author, to)

    def apply(self, theme: Theme, author: User) -> str:
        rng = self.rng
        idea = rng.choice(theme.ideas)
        text = (rng.choice(APPLY_POSTS)
                .replace("{idea_lower}", _lower_first(idea)).replace("{idea}", idea)
                .replace("{experience}", rng.choice(theme.experiences))
                .replace("{question_lower}", _lower_first(rng.choice(theme.questions))))
        return self._fill(text, author, None)


# People ----------------------------------------------------------------------------------------

@dataclass
class Cast:
    """Who writes: regular posters with zipf-like weights, occasional posters with a quota of
    one or two posts, and everyone else, who only reads."""

    regulars: list[User]
    weights: list[float]
    occasional: list[User]
    quota: dict[int, int]
    readers: list[User]  # every member of the main community
    facilitators: set[int] = field(default_factory=set)


def _cast(ctx: DemoContext) -> Cast:
    rng = ctx.rng
    members = [m.user for m in ctx.memberships if m.role == Role.MEMBER]
    tiers = {m.user.pk: m.tier for m in ctx.memberships}
    # Trainers and master trainers post more than the teachers they train.
    likely = [u for u in members if tiers[u.pk] != Tier.TEACHER]
    others = [u for u in members if tiers[u.pk] == Tier.TEACHER]
    rng.shuffle(likely)
    rng.shuffle(others)
    pool = likely + others
    regulars = [u for u in pool if u.pk != ctx.member.pk][: REGULAR_POSTERS - 1]
    regulars.insert(min(6, len(regulars)), ctx.member)  # the demo member posts, mid-rank
    occasional = [u for u in pool if u not in regulars][:OCCASIONAL_POSTERS]
    weights = [1 / (rank + 1) ** ZIPF_EXPONENT for rank in range(len(regulars))]
    return Cast(
        regulars=regulars, weights=weights, occasional=occasional,
        quota={u.pk: rng.choice((1, 1, 2)) for u in occasional},
        readers=[m.user for m in ctx.memberships],
        facilitators={m.user.pk for m in ctx.memberships
                      if m.role in (Role.FACILITATOR, Role.STEWARD)},
    )


# Posts -----------------------------------------------------------------------------------------

@dataclass
class Draft:
    """A post before it has an id: its place in the tree is an index into its thread's list."""

    thread: Thread
    author: User
    body: str
    created_at: datetime
    parent: "Draft | None" = None
    depth: int = 0
    post: Post | None = None  # once created
    edited_body: str | None = None
    edited_at: datetime | None = None


@dataclass
class ThreadPlan:
    thread: Thread
    theme: Theme
    facilitators: list[User]
    starts: datetime
    ends: datetime
    posts: int
    drafts: list[Draft] = field(default_factory=list)


def _window(topic: Topic, now: datetime) -> tuple[datetime, datetime] | None:
    ends = min(topic.ends_at, now - timedelta(minutes=30))
    return (topic.starts_at, ends) if ends > topic.starts_at else None


def _times(rng: random.Random, starts: datetime, ends: datetime, count: int) -> list[datetime]:
    """Front-loaded: most posts come in a topic's first days."""
    span = (ends - starts).total_seconds()
    return sorted(starts + timedelta(seconds=span * rng.random() ** 1.5) for _ in range(count))


def _pick_author(rng: random.Random, cast: Cast, plan: ThreadPlan, previous: User | None
                 ) -> User:
    for _attempt in range(5):
        roll = rng.random()
        if roll < FACILITATOR_SHARE and plan.facilitators:
            author = rng.choice(plan.facilitators)
        elif roll < FACILITATOR_SHARE + 0.03 and any(cast.quota.values()):
            waiting = [u for u in cast.occasional if cast.quota[u.pk]]
            author = rng.choice(waiting)
            cast.quota[author.pk] -= 1
        else:
            author = rng.choices(cast.regulars, weights=cast.weights)[0]
        if previous is None or author.pk != previous.pk:
            return author
    return author


def _write_thread(rng: random.Random, writer: Writer, cast: Cast, plan: ThreadPlan,
                  opener: Draft) -> None:
    drafts = [opener]
    for moment in _times(rng, plan.starts, plan.ends, plan.posts):
        previous = drafts[-1].author
        author = _pick_author(rng, cast, plan, previous)
        facilitating = author.pk in cast.facilitators
        parent = None
        if len(drafts) > 1 and rng.random() < (0.75 if facilitating else 0.5):
            candidates = drafts[1:]
            parent = (rng.choice(candidates[-8:]) if rng.random() < 0.6
                      else rng.choice(candidates))
            while parent.depth >= MAX_DEMO_DEPTH and parent.parent is not None:
                parent = parent.parent
            if parent.author.pk == author.pk:
                parent = parent.parent if parent.parent is not opener else None
        if plan.thread.kind == Kind.APPLY and parent is None:
            body = writer.apply(plan.theme, author)
        elif parent is None:
            body = writer.answer(plan.theme, author)
        else:
            body = writer.reply(plan.theme, author, parent.author, facilitating=facilitating)
        if author.locale == "fa" and rng.random() < (
                0.45 if not str(author.display_name).isascii() else 0.12):
            body = writer.persian()
        if parent is not None and rng.random() < QUOTE_RATE:
            quoted = parent.body.split("\n\n")[0].split(". ")[0].rstrip(".") + "."
            body = f"> {parent.author.display_name} wrote:\n>\n> {quoted}\n\n{body}"
        draft = Draft(thread=plan.thread, author=author, body=body, created_at=moment,
                      parent=parent, depth=0 if parent is None else parent.depth + 1)
        if rng.random() < EDIT_RATE:
            draft.edited_body = f"{body}\n\n{rng.choice(EDIT_NOTES)}"
            draft.edited_at = moment + timedelta(minutes=rng.randint(3, 600))
        drafts.append(draft)
    plan.drafts = drafts[1:]


def _existing_opener(thread: Thread) -> Draft:
    post = Post.objects.select_related("author").filter(thread=thread).order_by("path").first()
    if post is None:
        raise ValueError(f"thread {thread.pk} has no opening post")
    return Draft(thread=thread, author=post.author, body=post.body, created_at=post.created_at,
                 post=post)


def _new_thread(ctx: DemoContext, topic: Topic, kind: str, title: str, body: str,
                author: User, at: datetime) -> Thread:
    thread = Thread.objects.create(community=ctx.community, topic=topic, kind=kind, title=title,
                                   created_by=author, created_at=at)
    post = Post.objects.create(thread=thread, author=author, body=body,
                               body_html=render_markdown(body), created_at=at,
                               path=f"~{thread.pk}")
    Post.objects.filter(pk=post.pk).update(path=path_of(post.pk, None))
    Thread.objects.filter(pk=thread.pk).update(post_count=1, last_post_at=at,
                                               latest_post_id=post.pk)
    return thread


def _plans(ctx: DemoContext, cast: Cast, writer: Writer) -> list[ThreadPlan]:
    rng = ctx.rng
    topics = list(Topic.objects.filter(community=ctx.community).order_by("starts_at", "title"))
    # Posts stop at the last full hour, so two runs with one seed in the same hour match.
    last_hour = ctx.now.replace(minute=0, second=0, microsecond=0)
    windows = {t.pk: w for t in topics if (w := _window(t, last_hour)) is not None}
    budget = {pk: (ends - starts).total_seconds() ** 0.8 for pk, (starts, ends) in windows.items()}
    scale = TARGET_POSTS / (sum(budget.values()) or 1)
    plans = []
    for topic in topics:
        if topic.pk not in windows:
            continue
        starts, ends = windows[topic.pk]
        theme = _theme(topic)
        facilitators = sorted(topic.facilitators.all(), key=lambda u: u.email)
        for user in facilitators:
            cast.facilitators.add(user.pk)
        # A few member questions and session plans, started during the topic.
        for titles, kind, chance in ((theme.member_threads, Kind.MEMBER, 0.8),
                                     (theme.plan_threads, Kind.SESSION_PLAN, 0.6)):
            if titles and rng.random() < chance:
                title, body = rng.choice(titles)
                author = rng.choices(cast.regulars, weights=cast.weights)[0]
                at = starts + (ends - starts) * rng.uniform(0.05, 0.5)
                _new_thread(ctx, topic, kind, title, body.format(city=_city(author)), author, at)
        threads = list(Thread.objects.select_related("topic").filter(topic=topic)
                       .order_by("position", "title"))
        shares: dict[str, float] = {Kind.QUESTION: 1.0, Kind.APPLY: 0.7, Kind.MEMBER: 0.45,
                                    Kind.SESSION_PLAN: 0.35}
        total = budget[topic.pk] * scale
        weight_sum = sum(shares.get(t.kind, 0.5) for t in threads) or 1
        for thread in threads:
            thread_starts = starts
            if thread.kind == Kind.APPLY:
                thread_starts = topic.apply_from
            elif thread.kind in (Kind.MEMBER, Kind.SESSION_PLAN):
                thread_starts = thread.created_at
            if thread_starts >= ends:
                continue
            count = round(total * shares.get(thread.kind, 0.5) / weight_sum
                          * rng.uniform(0.75, 1.25))
            plans.append(ThreadPlan(thread=thread, theme=theme, facilitators=facilitators,
                                    starts=thread_starts, ends=ends, posts=max(count, 1)))
    for plan in plans:
        _write_thread(rng, writer, cast, plan, _existing_opener(plan.thread))
    return plans


def _save(plans: list[ThreadPlan]) -> list[Draft]:
    """Creates every post in time order, then sets parents and paths from the new ids."""
    drafts = sorted((d for plan in plans for d in plan.drafts), key=lambda d: d.created_at)
    posts = Post.objects.bulk_create(
        [Post(thread=d.thread, author=d.author, body=d.edited_body or d.body,
              body_html=render_markdown(d.edited_body or d.body), created_at=d.created_at,
              word_count=count_words(d.edited_body or d.body),
              edited_at=d.edited_at, depth=d.depth, path=f"~{index}")
         for index, d in enumerate(drafts)],
        batch_size=500,
    )
    for draft, post in zip(drafts, posts, strict=True):
        draft.post = post
    rows = []
    for draft in drafts:  # parents come earlier in time, so their paths are known
        assert draft.post is not None
        parent = draft.parent.post if draft.parent else None
        draft.post.path = path_of(draft.post.pk, parent.path if parent else None)
        rows.append((parent.pk if parent else None, draft.post.path, draft.post.pk))
    table = connection.ops.quote_name(Post._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET parent_id = %s, path = %s WHERE id = %s",  # noqa: S608
            rows,
        )
    PostRevision.objects.bulk_create(
        PostRevision(post=d.post, body=d.body, edited_by=d.author, created_at=d.edited_at)
        for d in drafts if d.edited_at is not None
    )
    return drafts


def _update_counters(ctx: DemoContext, plans: list[ThreadPlan]) -> None:
    """The posts went in by bulk inserts: the threads' and topics' counters from the rows."""
    counters.recount(thread_ids=[plan.thread.pk for plan in plans],
                     topic_ids=Topic.objects.filter(community=ctx.community)
                     .values_list("pk", flat=True))


def _read_marks(ctx: DemoContext, cast: Cast, plans: list[ThreadPlan]) -> int:
    """Who read what: posters read their threads; most members read some threads (lurkers),
    a few read nearly everything, some hardly anything."""
    rng = ctx.rng
    appetite = {}
    for user in cast.readers:
        roll = rng.random()
        appetite[user.pk] = (rng.uniform(0.6, 0.95) if roll < 0.35 else
                             rng.uniform(0.2, 0.6) if roll < 0.8 else rng.uniform(0.0, 0.1))
    for user in cast.regulars:
        appetite[user.pk] = max(appetite[user.pk], 0.7)
    for pk in cast.facilitators:
        appetite[pk] = 0.95
    appetite[ctx.member.pk] = 0.8
    marks = []
    for plan in plans:
        thread_posts = [d.post for d in sorted(plan.drafts, key=lambda d: d.created_at)]
        every = [p for p in thread_posts if p is not None]
        posters = {d.author.pk for d in plan.drafts}
        running = plan.thread.topic.state in (Topic.State.OPEN, Topic.State.APPLY)
        for user in cast.readers:
            if user.pk not in posters and rng.random() >= appetite[user.pk]:
                continue
            if not every:
                upto = plan.thread.latest_post_id
                last_at = plan.starts
            else:
                caught_up = rng.random() < (0.45 if running else 0.85)
                index = len(every) - 1 if caught_up else int(len(every) * rng.random() ** 0.7)
                upto, last_at = every[index].pk, every[index].created_at
            first_at = min(last_at, plan.starts + timedelta(hours=rng.uniform(1, 48)))
            marks.append(ThreadRead(
                user=user, thread=plan.thread, last_read_post_id=upto, first_read_at=first_at,
                last_read_at=last_at + timedelta(minutes=rng.randint(1, 300)),
                visits=1 + int(rng.expovariate(0.35)),
            ))
    ThreadRead.objects.bulk_create(marks, batch_size=1000)
    _visit_days(marks)
    return len(marks)


def _visit_days(marks: list[ThreadRead]) -> None:
    """Each reader's visits spread over the days between their first and last reading, the
    first and last days among them, as ``record_reading`` keeps them (engagement reports
    count readers from these). A generator of its own leaves the rest of the demo as it was."""
    rng = random.Random(2116)
    days: Counter[tuple[int, int, int, date]] = Counter()
    for mark in marks:
        first, last = mark.first_read_at.date(), mark.last_read_at.date()
        span = max((last - first).days, 0)
        chosen = [first, last][:mark.visits]
        chosen += [first + timedelta(days=rng.randint(0, span))
                   for _ in range(mark.visits - len(chosen))]
        for day in chosen:
            days[(mark.thread.community_id, mark.user.pk, mark.thread.pk, day)] += 1
    ThreadVisitDay.objects.bulk_create(
        [ThreadVisitDay(community_id=community, user_id=user, thread_id=thread, day=day,
                        visits=visits)
         for (community, user, thread, day), visits in days.items()], batch_size=1000)


def _busiest_quarter(drafts: list[Draft], user: User) -> int:
    """The most posts a person wrote in any 91 days."""
    times = sorted(d.created_at for d in drafts if d.author.pk == user.pk)
    best, start = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] > timedelta(days=91):
            start += 1
        best = max(best, end - start + 1)
    return best


HELPFUL_RATE = 0.3  # of posts that someone found helpful
WILL_USE_RATE = 0.07  # of posts someone will use in their own training
FLAG_REASONS = (
    "This names a trainee from my course and describes her problems. Please hide it.",
    "This quotes the whole post above and adds one line; could a moderator tidy it?",
)


def _reactions_and_moderation(ctx: DemoContext, cast: Cast, drafts: list[Draft]) -> str:
    """Reactions on a share of the posts, two flags (one dealt with), a hidden post and a
    pinned thread, each moderation act in the log."""
    rng = ctx.rng
    reactions = []
    for draft in drafts:
        assert draft.post is not None
        for kind, rate, most in ((Reaction.Kind.HELPFUL, HELPFUL_RATE, 6),
                                 (Reaction.Kind.WILL_USE, WILL_USE_RATE, 3)):
            if draft.parent is None and rng.random() < 0.5:
                continue  # openers are questions: fewer reactions
            if rng.random() < rate:
                others = [u for u in cast.readers if u.pk != draft.author.pk]
                for person in rng.sample(others, rng.randint(1, most)):
                    reactions.append(Reaction(post=draft.post, user=person, kind=kind,
                                              created_at=draft.created_at + timedelta(hours=6)))
    Reaction.objects.bulk_create(reactions, batch_size=1000, ignore_conflicts=True)

    replies = [d for d in drafts if d.parent is not None and d.author.pk not in cast.facilitators]
    flagged, hidden = rng.sample(replies, 2)
    assert flagged.post is not None and hidden.post is not None
    moderator = ctx.facilitator
    Flag.objects.create(post=flagged.post, flagged_by=rng.choice(cast.regulars),
                        reason=FLAG_REASONS[1], created_at=ctx.now - timedelta(hours=5))
    Flag.objects.create(post=hidden.post, flagged_by=ctx.member, reason=FLAG_REASONS[0],
                        created_at=ctx.now - timedelta(days=2), resolved_at=ctx.now
                        - timedelta(days=1), resolved_by=moderator)
    reason = "It names a trainee; please post it again without her name."
    Post.objects.filter(pk=hidden.post.pk).update(
        is_hidden=True, hidden_reason=reason, hidden_by=moderator,
        hidden_at=ctx.now - timedelta(days=1))
    pinned = max((d.thread for d in drafts if d.thread.kind == Thread.Kind.APPLY
                  and d.thread.topic.is_running), key=lambda t: t.pk, default=None)
    actions = [ModerationAction(
        community=ctx.community, actor=moderator, action=ModerationAction.Action.HIDE,
        thread=hidden.thread, post=hidden.post, reason=reason,
        created_at=ctx.now - timedelta(days=1))]
    if pinned is not None:
        Thread.objects.filter(pk=pinned.pk).update(is_pinned=True)
        actions.append(ModerationAction(
            community=ctx.community, actor=moderator, action=ModerationAction.Action.PIN,
            thread=pinned, reason="The apply phase has started: everyone, please post here.",
            created_at=ctx.now - timedelta(hours=20)))
    ModerationAction.objects.bulk_create(actions)
    return (f"{len(reactions)} reactions, 1 open flag, 1 hidden post, "
            f"{len(actions)} moderation acts in the log")


def build(ctx: DemoContext) -> None:
    """Adds the members' posts and read marks to the main community's topics."""
    cast = _cast(ctx)
    writer = Writer(ctx.rng)
    plans = _plans(ctx, cast, writer)
    if not plans:
        ctx.summary.append("Discussions: no running or past topics, so no posts.")
        return
    drafts = _save(plans)
    _update_counters(ctx, plans)
    reads = _read_marks(ctx, cast, plans)
    moderation = _reactions_and_moderation(ctx, cast, drafts)
    members = len(cast.readers)
    posters = Counter(d.author.pk for d in drafts)
    non_leaders = [pk for pk in posters if pk not in cast.facilitators]
    top = max(cast.regulars, key=lambda u: posters[u.pk])
    readers = ThreadRead.objects.filter(thread__community=ctx.community).values(
        "user").distinct().count()
    ctx.summary.append(
        f"Discussions in {ctx.community.name}: {len(drafts)} posts in {len(plans)} threads; "
        f"{len(non_leaders)} of {members} members posted (the most engaged, "
        f"{top.display_name}, {posters[top.pk]} posts, at most "
        f"{_busiest_quarter(drafts, top)} in three months), "
        f"{math.floor(100 * (members - len(posters)) / members)} % never posted; "
        f"{reads} read marks by {readers} readers; {moderation}"
    )
