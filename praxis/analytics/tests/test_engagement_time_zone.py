"""The table reads the same whoever asks: its days are UTC days, for stories too."""

from datetime import UTC, date, datetime

from django.utils import timezone

from praxis.analytics.engagement import Scope, engagement_table
from praxis.impact.models import ValueStory
from praxis.impact.tests.story_factories import tell


def test_a_story_told_before_utc_midnight_stays_out_of_the_next_day_in_tehran(cast):
    story = tell(cast.community, cast.member)
    # 22:00 UTC on 28 February is already 1 March in Tehran (UTC+3:30).
    ValueStory.objects.filter(pk=story.pk).update(
        told_at=datetime(2026, 2, 28, 22, 0, tzinfo=UTC))
    scope = Scope(community=cast.community, start=date(2026, 3, 1), end=date(2026, 3, 31),
                  user_id=cast.member.pk)
    earlier = Scope(community=cast.community, start=date(2026, 2, 1), end=date(2026, 2, 28),
                    user_id=cast.member.pk)
    for zone in ("UTC", "Asia/Tehran", "America/Los_Angeles"):
        with timezone.override(zone):
            assert [row.stories for row in engagement_table(scope)] == [0], zone
            assert [row.stories for row in engagement_table(earlier)] == [1], zone
