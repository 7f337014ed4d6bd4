"""A community built by hand for the report to leadership's tests, on the impact
dashboard's (``praxis.impact.tests.dashboard_world``: read its stories, events and reading
there); every number the report shows for it is counted here from the rows below.

Period: 1 January to 31 March 2026 (``PERIOD``).

Members (8): steward, facilitator, member, Ali, Sara, Reza, Nadia, Omid.
Posts in the period: the steward's opener in T1 (5 Jan); the facilitator's two replies in
  T1 (12 Jan, 3 Feb); the member's reply in T1 (4 Feb); the facilitator's opener in T2
  (31 Mar). Reza's opener in T2 is of December 2025 (outside). Posts: 5; by facilitators 3,
  by stewards 1.
Active in the period, neither steward nor facilitator (active participants): member (a post,
  S4), Ali (S1, S2, E1), Sara (S3, S8, E3), Reza (read T2 on 10 Feb), Nadia (read, opened a
  resource), Omid (gave feedback): 6.
Topics: T1 ran 1 Dec 2025 to 15 Jan 2026 (overlaps; its synthesis published), T2 31 Mar to
  1 May 2026 (overlaps by its first day), T3 1 Apr to 1 May 2026 and T4 1 Oct to 31 Dec
  2025 (do not). Posts in the period: T1 4, T2 1.
Quotes (told in the period, reaching applied or realised value, not private; newest first):
  S4 (15 Mar, the member's, community: named) "They wrote.", S8 (1 Mar, Sara's, leaders:
  not named) "I changed my warm-up.", S1 (10 Jan, Ali's, community) "Trainees asked for
  more." Never S2 (private: "Trainees set their own rules.").
Costs for exactly the period: 40 hours at 25.00, hosting 300.00, printing 120.50: total
  1,420.50; per active participant 1,420.50 / 6 = 236.75; per member 1,420.50 / 8 = 177.56.
Certificates issued in the period: two under "Autumn programme" (one revoked since), one
  under "Winter programme"; one issued in April (outside).
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from praxis.analytics.models import CostItem, CostSheet
from praxis.communities.tests.cast import Cast
from praxis.credentials.models import Certificate, Programme
from praxis.discussions.models import Post
from praxis.discussions.tests.factories import make_thread, opener, reply
from praxis.impact.models import ValueStory
from praxis.impact.tests.dashboard_world import World, at, build, story
from praxis.topics import services as topic_services
from praxis.topics.models import Topic

PERIOD = {"start": "2026-01-01", "end": "2026-03-31"}
START, END = date(2026, 1, 1), date(2026, 3, 31)


def moment(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour))


@dataclass
class ReportWorld:
    world: World
    cast: Cast
    t4: Topic
    sheet: CostSheet


def _dated(post: Post, when: datetime) -> None:
    Post.objects.filter(pk=post.pk).update(created_at=when)


def build_report_world(cast: Cast, *, costs: bool = True) -> ReportWorld:
    world = build(cast)
    community = cast.community
    t1, t2, t3 = world.t1, world.t2, world.t3
    topic_services.save_synthesis(
        topic=Topic.objects.get(pk=t1.pk),
        text="We learnt to model **loop input** first, then to step out and name it.",
        published=True)

    thread = Post.objects.get(thread__topic=t1, author=cast.steward).thread
    first = opener(thread)
    _dated(reply(thread, cast.facilitator, parent=first), moment(2026, 1, 12))
    _dated(reply(thread, cast.facilitator, parent=first), moment(2026, 2, 3))
    _dated(reply(thread, cast.member, parent=first), moment(2026, 2, 4))
    late = make_thread(t2, cast.facilitator, title="Reflection at the end")
    Post.objects.filter(thread=late).update(created_at=moment(2026, 3, 31, 12))

    Topic.objects.filter(pk=t1.pk).update(starts_at=moment(2025, 12, 1),
                                          apply_from=moment(2026, 1, 1),
                                          ends_at=moment(2026, 1, 15))
    Topic.objects.filter(pk=t2.pk).update(starts_at=moment(2026, 3, 31, 9),
                                          apply_from=moment(2026, 4, 15),
                                          ends_at=moment(2026, 5, 1))
    Topic.objects.filter(pk=t3.pk).update(starts_at=moment(2026, 4, 1),
                                          apply_from=moment(2026, 4, 15),
                                          ends_at=moment(2026, 5, 1))
    t4 = Topic.objects.create(community=community, title="Assessment for learning",
                              slug="assessment", starts_at=moment(2025, 10, 1),
                              apply_from=moment(2025, 11, 1),
                              ends_at=moment(2025, 12, 31, 23))
    world.stories["S8"] = story(cast, world.sara, date(2026, 3, 1), topics=[t2],
                                title="My warm-up",
                                visibility=ValueStory.Visibility.LEADERS,
                                applied="I changed my warm-up.")

    sheet = CostSheet(community=community, start=START, end=END)
    if costs:
        sheet = CostSheet.objects.create(community=community, start=START, end=END,
                                         currency="EUR", facilitation_hours=Decimal(40),
                                         hourly_rate=Decimal("25.00"))
        CostItem.objects.create(sheet=sheet, label="Platform hosting", amount=Decimal(300))
        CostItem.objects.create(sheet=sheet, label="Printed materials",
                                amount=Decimal("120.50"))

    autumn = Programme.objects.create(community=community, name="Autumn programme",
                                      start=date(2025, 9, 1), end=date(2025, 12, 31))
    winter = Programme.objects.create(community=community, name="Winter programme",
                                      start=date(2026, 1, 1), end=date(2026, 3, 31))
    for index, (programme, person, issued, revoked) in enumerate((
            (autumn, world.ali, at(date(2026, 1, 20)), None),
            (autumn, world.sara, at(date(2026, 1, 20)), at(date(2026, 2, 1))),
            (winter, cast.member, at(date(2026, 3, 31)), None),
            (winter, world.ali, at(date(2026, 4, 2)), None))):
        Certificate.objects.create(programme=programme, community=community, recipient=person,
                                   recipient_name=str(person), status_index=index,
                                   issued_at=issued, revoked_at=revoked)
    return ReportWorld(world=world, cast=cast, t4=t4, sheet=sheet)
