"""A small community built by hand for the cascade's tests, with every number counted by hand
in ``EXPECTED`` (the whole tree), ``WINDOWED`` (January to March 2026) and ``COHORT``.

Tiers: the steward is a consultant, the facilitator a master trainer, the member and
``trainer2`` trainers, ``teacher1`` and ``teacher2`` teachers, ``newcomer`` has no tier.
Cohort K holds the member and trainer2.

Events (kind, audience, people, topics):
  e1 facilitator 2026-01-10 course      trainers   12  T1   cohort K formed
  e2 facilitator 2026-02-05 workshop    teachers   30  T1 T2
  e3 member      2026-03-01 course      teachers   25  T2
  e4 member      2026-03-20 informal    colleagues  4
  e5 trainer2    2026-04-02 workshop    teachers   18  T1
  e6 steward     2025-11-01 mentoring   trainers    3
  e7 teacher1    2026-05-01 informal    colleagues  6  T1
  and one in another community, which counts nowhere.
Stories (applied value counts when told and ``applied`` is not blank):
  member told, applied, T1 T2, 2026-03-01; member told, applied, T1, 2026-03-10;
  trainer2 told, applied only spaces, T1; teacher1 a draft, T1;
  facilitator told, applied, T1, 2025-12-01; teacher2 told, applied empty, T2.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from praxis.accounts.models import User
from praxis.communities.models import Cohort, Membership
from praxis.communities.tests.cast import Cast
from praxis.communities.tests.factories import CohortFactory, CommunityFactory, MembershipFactory
from praxis.discussions.tests.factories import make_topic
from praxis.impact.models import CascadeEvent, ValueStory
from praxis.topics.models import Topic

D = datetime.date


@dataclass
class World:
    cast: Cast
    people: dict[str, User]
    topics: dict[str, Topic]
    cohort: Cohort
    events: dict[str, CascadeEvent]


def _event(world_people, community, who, held_on, kind, audience, people, topics=(),
           cohort=None):
    event = CascadeEvent.objects.create(community=community, trainer=world_people[who],
                                        held_on=held_on, kind=kind, audience=audience,
                                        people=people, cohort=cohort)
    event.topics.set(topics)
    return event


def _story(community, author, *, applied, topics, session_date=None, told=True):
    story = ValueStory.objects.create(
        community=community, author=author, applied=applied, session_date=session_date,
        status=ValueStory.Status.TOLD if told else ValueStory.Status.DRAFT,
        told_at=timezone.now() if told else None)
    story.source_topics.set(topics)
    return story


def build(cast: Cast) -> World:
    community = cast.community
    tiers = {"steward": "consultant", "facilitator": "master_trainer", "member": "trainer"}
    for who, tier in tiers.items():
        Membership.objects.filter(community=community, user=getattr(cast, who)).update(tier=tier)
    people = {who: getattr(cast, who) for who in tiers}
    for who, tier in (("trainer2", "trainer"), ("teacher1", "teacher"),
                      ("teacher2", "teacher"), ("newcomer", "")):
        people[who] = MembershipFactory(community=community, tier=tier).user
    cohort = CohortFactory(community=community, name="Trainers of 2026")
    cohort.members.set(Membership.objects.filter(community=community,
                                                 user__in=[people["member"],
                                                           people["trainer2"]]))
    topics = {"T1": make_topic(community, title="Loop input"),
              "T2": make_topic(community, title="Trainees set their own rules"),
              "T3": make_topic(community, title="Presenting at conferences")}
    t1, t2 = topics["T1"], topics["T2"]
    events = {
        "e1": _event(people, community, "facilitator", D(2026, 1, 10), "course", "trainers",
                     12, [t1], cohort),
        "e2": _event(people, community, "facilitator", D(2026, 2, 5), "workshop", "teachers",
                     30, [t1, t2]),
        "e3": _event(people, community, "member", D(2026, 3, 1), "course", "teachers", 25,
                     [t2]),
        "e4": _event(people, community, "member", D(2026, 3, 20), "informal", "colleagues",
                     4),
        "e5": _event(people, community, "trainer2", D(2026, 4, 2), "workshop", "teachers",
                     18, [t1]),
        "e6": _event(people, community, "steward", D(2025, 11, 1), "mentoring", "trainers",
                     3),
        "e7": _event(people, community, "teacher1", D(2026, 5, 1), "informal", "colleagues",
                     6, [t1]),
    }
    elsewhere = CommunityFactory()
    stranger = MembershipFactory(community=elsewhere, tier="trainer").user
    far_topic = make_topic(elsewhere)
    _event({"x": stranger}, elsewhere, "x", D(2026, 2, 1), "course", "teachers", 100,
           [far_topic])
    _story(community, people["member"], applied="Loop input in my course",
           topics=[t1, t2], session_date=D(2026, 3, 1))
    _story(community, people["member"], applied="Again, with rules", topics=[t1],
           session_date=D(2026, 3, 10))
    _story(community, people["trainer2"], applied="   ", topics=[t1])
    _story(community, people["teacher1"], applied="Half done", topics=[t1], told=False)
    _story(community, people["facilitator"], applied="Loop input with master trainers",
           topics=[t1], session_date=D(2025, 12, 1))
    _story(community, people["teacher2"], applied="", topics=[t2])
    _story(elsewhere, stranger, applied="Elsewhere", topics=[far_topic])
    return World(cast=cast, people=people, topics=topics, cohort=cohort, events=events)


# level: (members, trained others, events, people, teachers, trainers, colleagues, cohorts)
EXPECTED = {
    "levels": {
        "consultant": (1, 1, 1, 3, 0, 3, 0, 0),
        "master_trainer": (1, 1, 2, 42, 30, 12, 0, 1),
        "trainer": (2, 2, 3, 47, 43, 0, 4, 0),
        "teacher": (2, 1, 1, 6, 0, 0, 6, 0),
        "": (1, 0, 0, 0, 0, 0, 0, 0),
    },
    # upper level: (events, people)
    "edges": {"consultant": (1, 3), "master_trainer": (1, 12), "trainer": (2, 43)},
    # topic: (applied, events, people)
    "topics": {"T1": (2, 4, 66), "T2": (1, 2, 55), "T3": (0, 0, 0)},
    "totals": (7, 98, 1),
}
WINDOWED = {  # 2026-01-01 to 2026-03-31: e1 to e4; the member's two stories
    "levels": {
        "consultant": (1, 0, 0, 0, 0, 0, 0, 0),
        "master_trainer": (1, 1, 2, 42, 30, 12, 0, 1),
        "trainer": (2, 1, 2, 29, 25, 0, 4, 0),
        "teacher": (2, 0, 0, 0, 0, 0, 0, 0),
        "": (1, 0, 0, 0, 0, 0, 0, 0),
    },
    "edges": {"consultant": (0, 0), "master_trainer": (1, 12), "trainer": (1, 25)},
    "topics": {"T1": (1, 2, 42), "T2": (1, 2, 55), "T3": (0, 0, 0)},
    "totals": (4, 71, 1),
}
COHORT = {  # cohort K: the member and trainer2, their events e3 e4 e5
    "levels": {
        "consultant": (0, 0, 0, 0, 0, 0, 0, 0),
        "master_trainer": (0, 0, 0, 0, 0, 0, 0, 0),
        "trainer": (2, 2, 3, 47, 43, 0, 4, 0),
        "teacher": (0, 0, 0, 0, 0, 0, 0, 0),
    },
    "edges": {"consultant": (0, 0), "master_trainer": (0, 0), "trainer": (2, 43)},
    "topics": {"T1": (1, 1, 18), "T2": (1, 1, 25), "T3": (0, 0, 0)},
    "totals": (3, 47, 0),
}
