"""A community of practice at scale, made reproducibly from a seed: ``build(posts, seed)``.

One public community of 10,000 members (one password hash for all), two years of topics
(a staff room running all along, twenty closed ones, three running now, one scheduled),
threads spread over them, and ONE thread holding 10 % of the posts (100,000 of a million).
About half the posts are replies, in trees as the site makes them: ``Post.path`` is the
materialised path of zero-padded ids (``services.path_of``), so ids are given beforehand
and rows go in by bulk inserts (COPY / executemany), in time order, batch by batch, each in
its own transaction. The search index fills itself (SQLite triggers, PostgreSQL generated
column). Afterwards each thread's ``post_count``, ``last_post_at`` and ``latest_post_id``
are set by one aggregate UPDATE, and per-topic and per-community counters are recounted
when ``praxis.discussions.counters.recount`` exists.

The engagement report's rows come along: each post keeps its ``word_count``; reading is
recorded as the site records it (``ThreadVisitDay``: a member opened a thread on a day, so
many visits): the author of a post usually has the thread open that day, and one or two
members picked evenly from everyone read it that day, so readers far outnumber writers and
many members read without ever writing (about two visit days per post); and a library of
resources opened now and then (``ResourceRead``). These draw from their own random
generators, so the posts of a seed stay what they were before they were added.

The same seed gives the same community (names, texts, trees, authors, reactions); only the
dates move, relative to the moment of the build, so the running topics are running.
"""

import importlib
import inspect
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count, IntegerField, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from bench.scale import database, words
from praxis.accounts.models import User
from praxis.communities.models import Community, Membership
from praxis.discussions.models import Post, Reaction, Thread, ThreadRead, ThreadVisitDay
from praxis.discussions.services import path_of
from praxis.discussions.words import count_words
from praxis.library.models import Resource, ResourceRead
from praxis.topics.models import Topic

DAY = 86400.0
SLUG = "scale"
READER_EMAIL = "reader@example.org"
BATCH = 20_000  # posts per transaction
RECENT = 8  # a reply answers one of its thread's last few posts
MAX_DEPTH = 12  # deeper replies start a new branch (paths stay far below 255 characters)
FACILITATORS = 24  # members 1..24 facilitate; member 0 is the steward
READER = 30  # the member whose pages are measured: an ordinary member


@dataclass
class Scale:
    posts: int
    seed: int = 2015
    members: int = 10_000
    days: int = 730  # the community's history
    big_share: float = 0.10  # of the posts, in the one large thread
    posts_per_thread: int = 40  # on average, the large thread aside
    reply_share: float = 0.5
    common_share: float = 0.04  # posts with the common word
    persian_share: float = 0.25
    reaction_share: float = 0.08  # posts with reactions (1 to 3)
    read_share: float = 0.3  # threads the reader has opened
    author_reads: float = 0.7  # a writer's visit day to the thread, per post
    readers_per_post: float = 1.3  # members picked evenly who read the thread that day
    resources: int = 200
    resource_reads_per_day: int = 60


@dataclass
class Built:
    scale: Scale
    community: Community
    reader: User
    big_thread: Thread
    thread: Thread  # a thread of a few pages, in a running topic
    topic: Topic  # the running topic holding the large thread
    threads: int
    reactions: int
    counters: str  # what was done about per-topic and per-community counters
    visit_days: int = 0  # ThreadVisitDay rows
    resource_reads: int = 0
    steps: dict[str, float] = field(default_factory=dict)  # seconds per step

    @property
    def seconds(self) -> float:
        return sum(self.steps.values())


@dataclass
class _Topic:
    title: str
    starts: float  # seconds after the origin
    apply_from: float
    ends: float
    archived: bool = False
    id: int = 0


@dataclass
class _Thread:
    topic: int
    opens: float
    span: float
    count: int = 1
    kind: str = Thread.Kind.MEMBER
    position: int = 0
    id: int = 0
    author: int = 0  # who opened it
    # Set while the posts are made:
    made: int = 0
    read_mark: int = 0
    recent: list[tuple[int, str, int]] = field(default_factory=list)  # (id, path, depth)


def _topics(scale: Scale) -> list[_Topic]:
    """Seconds after the origin (``days`` ago): the staff room first, open all along."""
    now = scale.days * DAY
    topics = [_Topic("Staff room: our everyday practice", 0, now + 20 * DAY, now + 30 * DAY)]
    for n in range(20):  # closed, one a month; the oldest archived
        starts = (5 + n * (scale.days - 100) / 20) * DAY
        topics.append(_Topic(words.TOPIC_TITLES[n], starts, starts + 14 * DAY,
                             starts + 21 * DAY, archived=n < 4))
    for n, (starts, apply_from, ends) in enumerate([(-40, -12, 2), (-20, 1, 10), (-5, 9, 16)]):
        topics.append(_Topic(words.TOPIC_TITLES[20 + n], now + starts * DAY,
                             now + apply_from * DAY, now + ends * DAY))
    topics.append(_Topic(words.TOPIC_TITLES[23], now + 14 * DAY, now + 28 * DAY,
                         now + 35 * DAY))  # scheduled: no threads yet
    return topics


def _plan_threads(scale: Scale, rng: random.Random, topics: list[_Topic]
                  ) -> list[_Thread]:
    """The threads, the large one first: their topic, when they open, how long they live
    and how many posts each gets."""
    last = scale.days * DAY - 60  # the latest post: a minute before the build
    big_posts = round(scale.posts * scale.big_share)
    others = scale.posts - big_posts
    count = max(1, min(others, round(others / scale.posts_per_thread)))
    threads = [_Thread(topic=0, opens=0.0, span=last, count=big_posts)]
    with_threads = list(range(1, len(topics) - 1))  # not the scheduled one
    for _ in range(count):
        index = 0 if rng.random() < 0.15 else rng.choice(with_threads)
        topic = topics[index]
        end = min(topic.ends, last)
        opens = topic.starts + rng.random() * 0.9 * (end - topic.starts)
        span = min(end - opens, rng.expovariate(1 / (10 * DAY)))
        threads.append(_Thread(topic=index, opens=opens, span=span))
    weights = [rng.lognormvariate(0, 1.1) for _ in range(count)]
    for index in rng.choices(range(1, count + 1), weights=weights, k=others - count):
        threads[index].count += 1
    # Each topic's first two threads are the facilitators' open questions; some of the
    # others are session plans shared for feedback.
    by_topic: dict[int, list[_Thread]] = {}
    for thread in sorted(threads[1:], key=lambda thread: thread.opens):
        by_topic.setdefault(thread.topic, []).append(thread)
    for topic_threads in by_topic.values():
        for position, thread in enumerate(topic_threads):
            if position < 2:
                thread.kind, thread.position = Thread.Kind.QUESTION, position + 1
            elif rng.random() < 0.1:
                thread.kind = Thread.Kind.SESSION_PLAN
    return threads


def _users(scale: Scale, rng: random.Random) -> list[int]:
    password = make_password("bench")  # one hash for everyone: hashing is slow by design
    people = []
    for n in range(scale.members):
        name = f"{rng.choice(words.FIRST_NAMES)} {rng.choice(words.LAST_NAMES)}"
        people.append(User(
            email=READER_EMAIL if n == READER else f"member-{n:05d}@example.org",
            display_name=name, institution=rng.choice(words.INSTITUTIONS),
            region=rng.choice(words.REGIONS), password=password,
            locale="fa" if rng.random() < 0.3 else "en",
        ))
    people[READER].locale = "fa"  # the reader reads in Persian, as most members do
    made = User.objects.bulk_create(people, batch_size=2000)
    if all(person.pk is not None for person in made):  # ids returned (RETURNING)
        return [person.pk for person in made]
    emails = {person.email: n for n, person in enumerate(people)}
    found = dict(User.objects.filter(email__endswith="@example.org")
                 .values_list("email", "pk"))
    return [found[email] for email in sorted(emails, key=emails.__getitem__)]


def _memberships(community: Community, user_ids: list[int], start: datetime,
                 rng: random.Random) -> None:
    tiers = Membership.Tier.values
    Membership.objects.bulk_create(
        (Membership(community=community, user_id=user_id,
                    role=(Membership.Role.STEWARD if n == 0 else
                          Membership.Role.FACILITATOR if n <= FACILITATORS else
                          Membership.Role.MEMBER),
                    tier=tiers[min(len(tiers) - 1, int(rng.random() ** 0.5 * len(tiers)))],
                    joined_at=start + timedelta(seconds=rng.random() * 30 * DAY))
         for n, user_id in enumerate(user_ids)),
        batch_size=2000,
    )


def _save_topics(community: Community, topics: list[_Topic], user_ids: list[int],
                 origin: datetime) -> list[Topic]:
    saved = []
    for n, plan in enumerate(topics):
        topic = Topic.objects.create(
            community=community, title=plan.title, slug=f"topic-{n:02d}",
            summary=f"Why {plan.title.lower()} matters in our training rooms.",
            starts_at=origin + timedelta(seconds=plan.starts),
            apply_from=origin + timedelta(seconds=plan.apply_from),
            ends_at=origin + timedelta(seconds=plan.ends),
            archived_at=(origin + timedelta(seconds=plan.ends + 30 * DAY)
                         if plan.archived else None),
            created_by_id=user_ids[0],
        )
        topic.facilitators.add(user_ids[1 + n % FACILITATORS],
                               user_ids[1 + (n + 7) % FACILITATORS])
        plan.id = topic.pk
        saved.append(topic)
    return saved


def _save_threads(community: Community, topics: list[_Topic], threads: list[_Thread],
                  user_ids: list[int], origin: datetime, rng: random.Random) -> None:
    first = database.next_id(Thread)
    rows = []
    for n, plan in enumerate(threads):
        plan.id = first + n
        topic = topics[plan.topic]
        author = user_ids[1 + (n % FACILITATORS)] if plan.kind == Thread.Kind.QUESTION \
            else rng.choice(user_ids)
        title = ("Staff room: what worked in your training this week?" if n == 0
                 else words.title(rng))
        rows.append(Thread(
            id=plan.id, community=community, topic_id=topic.id, kind=plan.kind,
            title=title[:300], position=plan.position, created_by_id=author,
            created_at=origin + timedelta(seconds=plan.opens),
        ))
        plan.author = author
    Thread.objects.bulk_create(rows, batch_size=2000)


class _Posts:
    """Makes the posts in time order and inserts them batch by batch."""

    def __init__(self, scale: Scale, rng: random.Random, threads: list[_Thread],
                 user_ids: list[int], origin: datetime, community_id: int = 0) -> None:
        self.scale, self.rng, self.threads = scale, rng, threads
        self.user_ids, self.origin = user_ids, origin
        self.latest = origin + timedelta(days=scale.days)
        self.table = database.Table(Post, ["id", "thread", "author", "parent", "path", "depth",
                                           "body", "body_html", "created_at", "word_count"])
        self.reactions = database.Table(Reaction, ["post", "user", "kind", "created_at"])
        # Reading: its own generator, so the posts stay those of the seed.
        self.reading_rng = random.Random(scale.seed * 7919 + 1)
        self.community_id = community_id
        self.visits = database.Table(ThreadVisitDay, ["community", "user", "thread", "day",
                                                      "visits"])
        # (user, thread, day) -> visits, kept until the posts have moved past that day.
        self.pending: dict[tuple[int, int, str], int] = {}
        self.visit_count = 0
        # A few members write most: weights 1 / rank^0.8 over the members.
        self.cumulative = list(accumulate(1 / (rank + 1) ** 0.8
                                          for rank in range(len(user_ids))))
        self.reaction_count = 0

    def timeline(self) -> list[tuple[float, int]]:
        """(when, thread index) of every post, oldest first; a thread's opener first."""
        rng = self.rng
        events = []
        for index, thread in enumerate(self.threads):
            events.append((thread.opens, index))
            events.extend((thread.opens + 1 + rng.random() * thread.span, index)
                          for _ in range(thread.count - 1))
        events.sort()
        return events

    def make(self, report: Callable[[str], None]) -> int:
        events = self.timeline()
        first = database.next_id(Post)
        authors = self.rng.choices(self.user_ids, cum_weights=self.cumulative, k=len(events))
        started = time.perf_counter()
        for start in range(0, len(events), BATCH):
            chunk = events[start:start + BATCH]
            posts, reactions = self._batch(chunk, first + start, authors[start:start + BATCH])
            last = chunk[-1][0]
            today = (self.origin + timedelta(seconds=last)).date().isoformat()
            with transaction.atomic():
                self.table.insert(posts)
                self.reaction_count += self.reactions.insert(reactions)
                # Days the posts have moved past are complete: their visits go in.
                self._flush(before=today)
            done = start + len(chunk)
            if done % 200_000 < BATCH or done == len(events):
                report(f"  {done:>9,} posts in {time.perf_counter() - started:6.1f} s")
        with transaction.atomic():
            self._flush(before=None)
        return len(events)

    def _flush(self, before: str | None) -> None:
        done = [key for key in self.pending if before is None or key[2] < before]
        self.visit_count += self.visits.insert(
            (self.community_id, user, thread, day, self.pending.pop((user, thread, day)))
            for user, thread, day in done)

    def _read(self, thread_id: int, author: int, created: datetime) -> None:
        """Who had the thread open that day: usually its writer, and one or two members
        picked evenly from everyone (most of them never write)."""
        rng, scale = self.reading_rng, self.scale
        day = created.date().isoformat()
        readers = [author] if rng.random() < scale.author_reads else []
        whole = int(scale.readers_per_post)
        extra = 1 if rng.random() < scale.readers_per_post - whole else 0
        readers += [rng.choice(self.user_ids) for _ in range(whole + extra)]
        for reader in readers:
            key = (reader, thread_id, day)
            self.pending[key] = self.pending.get(key, 0) + 1

    def _batch(self, chunk: list[tuple[float, int]], first_id: int, authors: list[int]
               ) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        rng, scale, threads = self.rng, self.scale, self.threads
        posts: list[tuple[Any, ...]] = []
        reactions: list[tuple[Any, ...]] = []
        for offset, (when, index) in enumerate(chunk):
            post_id = first_id + offset
            thread = threads[index]
            author = authors[offset]
            parent_id: int | None = None
            path, depth = path_of(post_id, None), 0
            if thread.made == 0:  # the opener, by whoever started the thread
                author = thread.author
            elif rng.random() < scale.reply_share:
                parent_id, parent_path, parent_depth = rng.choice(thread.recent)
                if parent_depth < MAX_DEPTH:
                    path, depth = path_of(post_id, parent_path), parent_depth + 1
                else:  # a new branch instead
                    parent_id = None
            thread.recent.append((post_id, path, depth))
            if len(thread.recent) > RECENT:
                del thread.recent[0]
            thread.made += 1
            if thread.made == max(1, thread.count * 9 // 10):
                thread.read_mark = post_id  # where the reader stopped, if they read it
            text, html = words.body(rng, persian=rng.random() < scale.persian_share,
                                    common=rng.random() < scale.common_share)
            created = self.origin + timedelta(seconds=when)
            posts.append((post_id, thread.id, author, parent_id, path, depth, text, html,
                          created, count_words(text)))
            self._read(thread.id, author, created)
            if rng.random() < scale.reaction_share:
                for user_id in rng.sample(self.user_ids, rng.randint(1, 3)):
                    kind = Reaction.Kind.HELPFUL if rng.random() < 0.7 else Reaction.Kind.WILL_USE
                    reacted = created + timedelta(minutes=1 + rng.random() * 600)
                    reactions.append((post_id, user_id, kind, min(reacted, self.latest)))
        return posts, reactions


def _thread_totals(community: Community) -> None:
    """Each thread's post count, latest post and its time: one aggregate UPDATE."""
    posts = Post.objects.filter(thread=OuterRef("pk")).order_by().values("thread")
    Thread.objects.filter(community=community).update(
        post_count=Coalesce(Subquery(posts.annotate(n=Count("pk")).values("n"),
                                     output_field=IntegerField()), Value(0)),
        last_post_at=Subquery(posts.annotate(at=Max("created_at")).values("at")),
        latest_post_id=Coalesce(Subquery(posts.annotate(top=Max("pk")).values("top")),
                                Value(0)),
    )


def _recount(community: Community) -> str:
    """Per-topic and per-community counters, if the module that keeps them is there:
    ``recount()``, or ``recount(community)`` if it asks for the community."""
    try:
        counters = importlib.import_module("praxis.discussions.counters")
    except ModuleNotFoundError as error:
        if error.name not in ("praxis.discussions.counters", "praxis.discussions"):
            raise  # the module is there but fails to import: not to be hidden
        return "no praxis.discussions.counters: nothing to recount"
    recount = getattr(counters, "recount", None)
    if recount is None:
        return "praxis.discussions.counters has no recount(): nothing recounted"
    required = [parameter for parameter in inspect.signature(recount).parameters.values()
                if parameter.default is inspect.Parameter.empty
                and parameter.kind in (inspect.Parameter.POSITIONAL_ONLY,
                                       inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    if required:
        recount(community)
        return "praxis.discussions.counters.recount(community) run"
    recount()
    return "praxis.discussions.counters.recount() run"


def _reads(reader_id: int, threads: list[_Thread], chosen: list[_Thread], read_share: float,
           rng: random.Random, origin: datetime) -> None:
    """The reader has opened some threads and stopped nine tenths of the way through."""
    opened = {thread.id: thread for thread in chosen}
    for thread in threads:
        if rng.random() < read_share:
            opened.setdefault(thread.id, thread)
    ThreadRead.objects.bulk_create(
        (ThreadRead(user_id=reader_id, thread_id=thread.id, last_read_post_id=thread.read_mark,
                    first_read_at=origin + timedelta(seconds=thread.opens),
                    last_read_at=origin + timedelta(seconds=thread.opens + thread.span / 2),
                    visits=1 + rng.randrange(5))
         for thread in opened.values()),
        batch_size=2000,
    )


def _library(scale: Scale, community: Community, user_ids: list[int], origin: datetime
             ) -> int:
    """Resources, and members opening them on some days (one row a member, resource and
    day, as the library records it): their own generator again."""
    rng = random.Random(scale.seed * 7919 + 2)
    first = database.next_id(Resource)
    Resource.objects.bulk_create(
        (Resource(id=first + n, community=community, kind=Resource.Kind.LINK,
                  title=f"Reading for trainers {n}", url=f"https://example.org/reading/{n}",
                  added_by_id=user_ids[1 + n % FACILITATORS],
                  created_at=origin + timedelta(days=n * scale.days / scale.resources))
         for n in range(scale.resources)), batch_size=2000)
    database.reset_sequences(Resource)
    table = database.Table(ResourceRead, ["resource", "user", "day", "opened_at"])
    made = 0
    for day in range(1, scale.days):
        on = (origin + timedelta(days=day)).date()
        midnight = datetime.combine(on, datetime.min.time(), tzinfo=origin.tzinfo)
        opened: dict[tuple[int, int], datetime] = {}
        for _ in range(scale.resource_reads_per_day):
            resource = first + rng.randrange(scale.resources)
            reader = rng.choice(user_ids)
            when = midnight + timedelta(seconds=rng.random() * (DAY - 1))
            opened.setdefault((resource, reader), when)
        made += table.insert((resource, reader, on.isoformat(), when)
                             for (resource, reader), when in opened.items())
    return made


def build(posts: int, seed: int = 2015, *, members: int = 10_000,
          report: Callable[[str], None] = print, analyze: bool = True) -> Built:
    """The community with ``posts`` posts, the same for the same seed, in the database the
    default connection points at (an empty one: see ``database.fresh``). ``analyze=False``
    leaves out the statistics (VACUUM cannot run inside a test's transaction)."""
    if members <= READER:
        raise ValueError(f"at least {READER + 1} members (the steward, {FACILITATORS} "
                         f"facilitators and the reader)")
    if posts < 100:
        raise ValueError("at least 100 posts")
    scale = Scale(posts=posts, seed=seed, members=members)
    rng = random.Random(seed)
    steps: dict[str, float] = {}
    clock = time.perf_counter()

    def step(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        steps[name] = now - clock
        clock = now

    database.tune_for_loading()
    origin = timezone.now() - timedelta(days=scale.days)
    topic_plans = _topics(scale)
    thread_plans = _plan_threads(scale, rng, topic_plans)
    with transaction.atomic():
        community = Community.objects.create(
            name="Teacher educators at scale", slug=SLUG,
            description="A generated community of practice for the scale benchmark.",
            visibility=Community.Visibility.PUBLIC, join_policy=Community.JoinPolicy.OPEN,
            created_at=origin,
        )
        user_ids = _users(scale, rng)
        _memberships(community, user_ids, origin, rng)
    step("members")
    with transaction.atomic():
        topics = _save_topics(community, topic_plans, user_ids, origin)
        _save_threads(community, topic_plans, thread_plans, user_ids, origin, rng)
    step("topics and threads")
    maker = _Posts(scale, rng, thread_plans, user_ids, origin, community.pk)
    made = maker.make(report)
    database.reset_sequences(Thread, Post, Reaction)
    step("posts")
    if analyze:
        # The totals below look up each thread's posts: without statistics on the freshly
        # copied rows PostgreSQL scans the whole table for each thread (over 20 minutes).
        database.analyze()
        step("analyze the posts")
    with transaction.atomic():
        _thread_totals(community)
    step("thread totals")
    with transaction.atomic():
        counters = _recount(community)
    step("counters")
    reader = User.objects.get(email=READER_EMAIL)
    running = {index for index, plan in enumerate(topic_plans)
               if plan.starts <= scale.days * DAY < plan.ends and index > 0}
    # A thread of a few pages in a running topic (any topic in a tiny community): the one
    # nearest 120 posts.
    candidates = [plan for plan in thread_plans[1:] if plan.topic in running] \
        or thread_plans[1:]
    typical = min(candidates, key=lambda plan: (abs(plan.count - 120), plan.id))
    _reads(reader.pk, thread_plans, [thread_plans[0], typical], scale.read_share, rng, origin)
    step("read marks")
    with transaction.atomic():
        resource_reads = _library(scale, community, user_ids, origin)
    step("library")
    if analyze:
        database.analyze()
        step("analyze")
    assert made == posts, (made, posts)
    return Built(
        scale=scale, community=community, reader=reader,
        big_thread=Thread.objects.get(pk=thread_plans[0].id),
        thread=Thread.objects.get(pk=typical.id), topic=topics[0],
        threads=len(thread_plans), reactions=maker.reaction_count, counters=counters,
        steps=steps, visit_days=maker.visit_count, resource_reads=resource_reads,
    )
