"""A community built by hand for the sampling tests (no tests of its own).

Window: 1 November 2014 to 28 February 2015, as the study's. Members by posts in it:
Amir 5, Bita 3, Cyrus 3 (Bita joined first: lower id), Dara 2, Elham 1, Farah 0 (her post
is on 1 March, the day after); the cast's steward opened the thread in 2010 (outside).
Tiers: Amir, Bita trainers; Cyrus, Dara teachers; Elham, Farah none. Cohorts: "Cohort
2012" (2012): Amir, Cyrus; "Cohort 2013" (2013): Bita, Cyrus (Cyrus counts in 2012's).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from praxis.accounts.models import User
from praxis.communities.models import Cohort, Membership
from praxis.communities.tests.cast import Cast
from praxis.communities.tests.factories import MembershipFactory
from praxis.core.history import rewritten
from praxis.discussions import services
from praxis.discussions.models import Post, Thread
from praxis.discussions.tests.factories import make_topic

SINCE, UNTIL = date(2014, 11, 1), date(2015, 2, 28)


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0,
       second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


@dataclass
class World:
    cast: Cast
    thread: Thread
    people: dict[str, User]

    def __getitem__(self, name: str) -> User:
        return self.people[name]

    def ids(self, *names: str) -> list[int]:
        return [self.people[name].pk for name in names]

    def post(self, name: str, when: datetime) -> Post:
        return post(self.thread, self.people[name], when)


def post(thread: Thread, author: User, when: datetime) -> Post:
    made = services.publish_post(thread=thread, author=author, body="What worked for me")
    Post.objects.filter(pk=made.pk).update(created_at=when)
    rewritten(thread.community_id, when)  # as an import of old posts marks their month
    return made


def build(cast: Cast) -> World:
    community = cast.community
    tiers = {"Amir": Membership.Tier.TRAINER, "Bita": Membership.Tier.TRAINER,
             "Cyrus": Membership.Tier.TEACHER, "Dara": Membership.Tier.TEACHER,
             "Elham": "", "Farah": ""}
    people = {name: MembershipFactory(community=community, tier=tier,
                                      user__display_name=name).user
              for name, tier in tiers.items()}
    topic = make_topic(community, title="Loop input")
    thread = services.start_thread(topic=topic, author=cast.steward, title="What worked?",
                                   body="Tell us")
    Post.objects.filter(thread=thread).update(created_at=at(2010, 1, 1))
    Thread.objects.filter(pk=thread.pk).update(created_at=at(2010, 1, 1))
    world = World(cast=cast, thread=thread, people=people)
    for name, count in (("Amir", 5), ("Bita", 3), ("Cyrus", 3), ("Dara", 2), ("Elham", 1)):
        for n in range(count):
            world.post(name, at(2014, 12, 1 + n))
    world.post("Farah", at(2015, 3, 1, 0))
    for name, year, members in (("Cohort 2013", 2013, ["Bita", "Cyrus"]),
                                ("Cohort 2012", 2012, ["Amir", "Cyrus"])):
        cohort = Cohort.objects.create(community=community, name=name, year=year)
        cohort.members.add(*Membership.objects.filter(
            community=community, user__in=[people[member] for member in members]))
    return world
