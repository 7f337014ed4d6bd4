"""A small community built by hand for the credentials' tests; every figure the criteria
read is counted here, from the rows below.

Window: the last 30 days, today included. Topics A and B. Names: steward Sara Tehrani,
facilitator Farid Ahmadi, member Mina Sadeghi.
- facilitator: opens thread T1 in A (1 post); replies to the member's opener in B (a reply
  to others). Posts 2, replies to others 1, topics 2. No story.
- member: opens thread T2 in B (1 post); replies 3 times to the facilitator's opener in T1
  (3 replies to others); answers their own opener once (a reply, not to others). Posts 5,
  replies to others 3, topics 2. Also: a post 60 days ago and a hidden post (neither
  counts). Tells a story of applied value today.
- steward: nothing. Posts 0.
- Nadia (member): one reply to the facilitator in A. Posts 1, replies to others 1, topics 1.
  Her applied story is a draft (does not count).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from praxis.accounts.models import User
from praxis.communities.tests.cast import Cast
from praxis.communities.tests.factories import MembershipFactory
from praxis.credentials.models import Programme
from praxis.discussions.models import Post
from praxis.discussions.tests.factories import make_thread, make_topic, opener, reply
from praxis.impact.tests.story_factories import tell
from praxis.topics.models import Topic


@dataclass
class World:
    cast: Cast
    nadia: User
    a: Topic
    b: Topic
    start: date
    end: date

    def programme(self, **criteria) -> Programme:
        values = {"name": "Reflective practice", "start": self.start, "end": self.end,
                  "hours": 12}
        values.update(criteria)
        return Programme.objects.create(community=self.cast.community, **values)


def build(cast: Cast) -> World:
    community = cast.community
    facilitator, member = cast.facilitator, cast.member
    for person, name in ((cast.steward, "Sara Tehrani"), (facilitator, "Farid Ahmadi"),
                         (member, "Mina Sadeghi")):
        person.display_name = name
        person.save(update_fields=["display_name"])
    nadia = MembershipFactory(community=community, user__display_name="Nadia Karimi").user
    a = make_topic(community, title="Alpha: loop input")
    b = make_topic(community, title="Beta: feedback")
    t1 = make_thread(a, facilitator)
    t2 = make_thread(b, member)
    reply(t2, facilitator, parent=opener(t2))
    for _ in range(3):
        reply(t1, member, parent=opener(t1))
    reply(t2, member, parent=opener(t2))
    old = reply(t1, member, parent=opener(t1))
    Post.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=60))
    hidden = reply(t1, member, parent=opener(t1))
    Post.objects.filter(pk=hidden.pk).update(is_hidden=True)
    reply(t1, nadia, parent=opener(t1))
    tell(community, member)
    tell(community, nadia, tell=False)
    today = timezone.localdate()
    return World(cast=cast, nadia=nadia, a=a, b=b, start=today - timedelta(days=29),
                 end=today)
