"""Template filters for dates a reader understands: their calendar, digits and time zone."""

from datetime import date, datetime

import jdatetime
from django import template
from django.utils import formats, timezone, translation

register = template.Library()

PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def persian_digits(text: str) -> str:
    return text.translate(PERSIAN_DIGITS)


@register.filter
def when(value: datetime | date | None, style: str = "date") -> str:
    """Formats a date (``style`` "date") or a date and time ("datetime") for the reader.

    Persian readers get the Solar Hijri calendar with Persian digits; others get the
    locale's Gregorian format. Aware datetimes are shown in the active time zone.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    with_time = style == "datetime" and isinstance(value, datetime)
    if translation.get_language() == "fa":
        if isinstance(value, datetime):
            shown = jdatetime.datetime.fromgregorian(datetime=value, locale=jdatetime.FA_LOCALE)
        else:
            shown = jdatetime.date.fromgregorian(date=value, locale=jdatetime.FA_LOCALE)
        text = shown.strftime("%-d %B %Y، %H:%M" if with_time else "%-d %B %Y")
        return persian_digits(text)
    return formats.date_format(value, "DATETIME_FORMAT" if with_time else "DATE_FORMAT")


@register.filter
def localnumber(value: object) -> str:
    """Shows a number in the reader's digits."""
    text = str(value)
    return persian_digits(text) if translation.get_language() == "fa" else text
