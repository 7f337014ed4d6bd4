from datetime import UTC, date, datetime

from django.utils import timezone, translation

from praxis.core.templatetags.praxis import localnumber, when

# 24 November 2026, 21:00 UTC is 25 November 00:30 in Tehran: 4 Azar 1405.
LATE_EVENING_UTC = datetime(2026, 11, 24, 21, 0, tzinfo=UTC)


def test_persian_readers_see_solar_hijri_dates_with_persian_digits_in_their_zone():
    with translation.override("fa"), timezone.override("Asia/Tehran"):
        assert when(LATE_EVENING_UTC) == "۴ آذر ۱۴۰۵"
        assert when(LATE_EVENING_UTC, "datetime") == "۴ آذر ۱۴۰۵، ۰۰:۳۰"


def test_english_readers_see_gregorian_dates_in_their_zone():
    with translation.override("en"), timezone.override("Europe/London"):
        assert when(LATE_EVENING_UTC) == "Nov. 24, 2026"


def test_plain_dates_and_empty_values():
    with translation.override("fa"):
        assert when(date(2015, 2, 1)) == "۱۲ بهمن ۱۳۹۳"
        assert when(None) == ""


def test_numbers_in_persian_digits():
    with translation.override("fa"):
        assert localnumber(125) == "۱۲۵"
    with translation.override("en"):
        assert localnumber(125) == "125"
