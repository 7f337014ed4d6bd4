"""A small community built by hand for the engagement tests: every figure the table, the
charts and the network show for it is counted here, from the rows below.

Window: Thursday 1 January to Saturday 31 January 2026 (weeks from Monday 29 December).
People: Shirin (steward), Farid (facilitator), Maryam (member), the outsider (no member),
and members Ali (trainer, cohort "Cohort 2012"), Reza (trainer, cohort), Sara (teacher),
Nadia (teacher). Topics T1 (seed resource R), T2.

Threads: A in T1 opened by Farid 5 Jan; B in T2 opened by Ali 12 Jan; C in T1 opened by
Sara 20 Dec 2025 (before the window).
Posts (words; -> whom it answers):
  p1  Farid  A opener     5 Jan 10:00       6 words
  p2  Ali    A top level  5 Jan 12:00       3  -> Farid (answers his thread)
  p3  Farid  A re p2      6 Jan 08:00       3  -> Ali
  p4  Ali    A re p2      6 Jan 09:00       3  -> himself (no reply to others)
  p5  Sara   A private    14 Jan 23:59:59   5  -> Farid (a private reply to him: counts)
  p6  Sara   A re p3      15 Jan, HIDDEN    3  (never counts)
  p7  Ali    B opener     12 Jan 09:00      4
  p14 Ali    B top level  13 Jan 09:00      2  -> himself (his own thread)
  p8  Maryam B top level  31 Jan 23:59      5  -> Ali
  p9  Maryam B top level  1 Feb 00:00       2  (after the window)
  p10 Sara   C opener     20 Dec 2025       4  (before the window)
  p11 Ali    C top level  1 Jan 00:00       4  -> Sara
  p12 outsider A top lvl  7 Jan 10:00       3  -> Farid (no member: no row, no edge)
  p13 Shirin A re p12     8 Jan 10:00       9  -> the outsider (a reply to others, no edge)
Reading (ThreadVisitDay): Reza A 7 Jan x2, B 20 Jan x1, A 31 Dec 2025 x5 (outside); Ali A
  5 Jan x1; Sara B 1 Feb x1 (outside). Resource R: Reza 21 Jan.
Feedback: Maryam on Sara's plan (inspired by T2) 22 Jan 10:00.
Stories: Ali told 25 Jan 10:00 citing T1; Maryam's draft (never counts).
Cascade events: Sara 26 Jan (T2); Sara 2 Feb (outside).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from praxis.accounts.models import User
from praxis.communities.models import Cohort, Membership
from praxis.communities.tests.cast import Cast
from praxis.communities.tests.factories import MembershipFactory
from praxis.discussions import services
from praxis.discussions.models import Post, Thread, ThreadVisitDay
from praxis.discussions.tests.factories import make_topic
from praxis.impact.models import CascadeEvent, ValueStory
from praxis.library.models import ResourceRead
from praxis.practice.models import Feedback
from praxis.practice.services.plans import share_plan
from praxis.practice.tests.plan_factories import draft
from praxis.topics.models import Topic
from praxis.topics.tests.factories import LinkResourceFactory

START, END = date(2026, 1, 1), date(2026, 1, 31)


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0,
       second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


@dataclass
class World:
    cast: Cast
    t1: Topic
    t2: Topic
    cohort: Cohort
    ali: User
    reza: User
    sara: User
    nadia: User
    posts: dict[str, Post]

    @property
    def steward(self) -> User:
        return self.cast.steward

    @property
    def farid(self) -> User:
        return self.cast.facilitator

    @property
    def maryam(self) -> User:
        return self.cast.member


def build(cast: Cast) -> World:
    community = cast.community
    for person, name in ((cast.steward, "Shirin"), (cast.facilitator, "Farid"),
                         (cast.member, "Maryam"), (cast.outsider, "Olga")):
        User.objects.filter(pk=person.pk).update(display_name=name)
        person.display_name = name

    def member(name: str, tier: str) -> User:
        return MembershipFactory(community=community, tier=tier,
                                 user__display_name=name).user

    ali = member("Ali", Membership.Tier.TRAINER)
    reza = member("Reza", Membership.Tier.TRAINER)
    sara = member("Sara", Membership.Tier.TEACHER)
    nadia = member("Nadia", Membership.Tier.TEACHER)
    cohort = Cohort.objects.create(community=community, name="Cohort 2012")
    cohort.members.add(*Membership.objects.filter(community=community, user__in=[ali, reza]))
    resource = LinkResourceFactory(community=community)
    t1 = make_topic(community, title="Loop input")
    Topic.objects.filter(pk=t1.pk).update(seed_resource=resource)
    t2 = make_topic(community, title="Reflection")

    posts: dict[str, Post] = {}

    def start(name: str, topic: Topic, author: User, body: str, when: datetime) -> Thread:
        thread = services.start_thread(topic=topic, author=author, title=f"Thread {name}",
                                       body=body)
        Thread.objects.filter(pk=thread.pk).update(created_at=when)
        opener = Post.objects.get(thread=thread)
        Post.objects.filter(pk=opener.pk).update(created_at=when)
        return thread

    def post(name: str, thread: Thread, author: User, body: str, when: datetime,
             parent: str | None = None, **extra: object) -> Post:
        made = services.publish_post(thread=thread, author=author, body=body,
                                     parent=posts[parent] if parent else None, **extra)
        Post.objects.filter(pk=made.pk).update(created_at=when)
        posts[name] = made
        return made

    a = start("A", t1, cast.facilitator, "How do you use loop input?", at(2026, 1, 5))
    posts["p1"] = Post.objects.get(thread=a)
    b = start("B", t2, ali, "Reflection after every session", at(2026, 1, 12, 9))
    posts["p7"] = Post.objects.get(thread=b)
    c = start("C", t1, sara, "My plan for Monday", at(2025, 12, 20))
    posts["p10"] = Post.objects.get(thread=c)
    post("p2", a, ali, "I model it", at(2026, 1, 5, 12), parent="p1")
    post("p3", a, cast.facilitator, "Try it first", at(2026, 1, 6, 8), parent="p2")
    post("p4", a, ali, "And then reflect", at(2026, 1, 6, 9), parent="p2")
    post("p5", a, sara, "Thank you for the idea", at(2026, 1, 14, 23, 59, 59),
         private_to=cast.facilitator)
    post("p6", a, sara, "Hidden words here", at(2026, 1, 15), parent="p3")
    Post.objects.filter(pk=posts["p6"].pk).update(is_hidden=True)
    post("p14", b, ali, "More thoughts", at(2026, 1, 13, 9))
    post("p8", b, cast.member, "This helps me plan well", at(2026, 1, 31, 23, 59))
    post("p9", b, cast.member, "Late reply", at(2026, 2, 1, 0))
    post("p11", c, ali, "Your plan inspired me", at(2026, 1, 1, 0))
    post("p12", a, cast.outsider, "Hello from outside", at(2026, 1, 7))
    post("p13", a, cast.steward, "Please keep the discussion to members of our community",
         at(2026, 1, 8), parent="p12")

    for reader, thread, day, visits in (
            (reza, a, date(2026, 1, 7), 2), (reza, b, date(2026, 1, 20), 1),
            (reza, a, date(2025, 12, 31), 5), (ali, a, date(2026, 1, 5), 1),
            (sara, b, date(2026, 2, 1), 1)):
        ThreadVisitDay.objects.create(community=community, user=reader, thread=thread,
                                      day=day, visits=visits)
    ResourceRead.objects.create(resource=resource, user=reza, day=date(2026, 1, 21),
                                opened_at=at(2026, 1, 21))
    plan = share_plan(community=community, author=sara, draft=draft(), topics=[t2])
    Feedback.objects.create(version=plan.versions.get(), author=cast.member,
                            works="Clear aims.", created_at=at(2026, 1, 22))
    told = ValueStory.objects.create(community=community, author=ali, title="Loop input",
                                     status=ValueStory.Status.TOLD, told_at=at(2026, 1, 25),
                                     applied="I used loop input.")
    told.source_topics.add(t1)
    ValueStory.objects.create(community=community, author=cast.member, title="Draft",
                              applied="Not yet.")
    for held, topics in ((date(2026, 1, 26), [t2]), (date(2026, 2, 2), [])):
        event = CascadeEvent.objects.create(
            community=community, trainer=sara, held_on=held, kind=CascadeEvent.Kind.WORKSHOP,
            audience=CascadeEvent.Audience.TEACHERS, people=10)
        event.topics.add(*topics)
    return World(cast=cast, t1=t1, t2=t2, cohort=cohort, ali=ali, reza=reza, sara=sara,
                 nadia=nadia, posts=posts)
