"""Template filters for dates a reader understands (their calendar, digits and time zone)
and for text in the other direction than the page's."""

import unicodedata
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
    shown = formats.date_format(value, "DATE_FORMAT")
    if with_time:
        # Not the locale's "6 a.m.": its full stop doubles at the end of a sentence.
        shown += ", " + formats.date_format(value, "g:i A")
    return shown


@register.filter
def localnumber(value: object) -> str:
    """Shows a number in the reader's digits."""
    text = str(value)
    return persian_digits(text) if translation.get_language() == "fa" else text


# Unicode's first-strong isolate and its closing mark (UAX #9): a run of text laid out in its
# own direction, without reordering the words around it.
FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"


def _has_strong(text: str, directions: tuple[str, ...]) -> bool:
    return any(unicodedata.bidirectional(character) in directions for character in text)


@register.filter
def isolate(value: object) -> str:
    """Plain text (an email, a subject line) holding a person's words: isolated when it has
    letters of the other direction than the reader's language, so that an English title in
    a Persian sentence (or the reverse) keeps its words in order. Left as it is otherwise,
    so no invisible marks travel where they are not needed."""
    text = "" if value is None else str(value)
    other = ("L",) if translation.get_language_bidi() else ("R", "AL")
    if not text or not _has_strong(text, other):
        return text
    return isolated(text)


def isolated(text: str) -> str:
    """``text`` as a first-strong isolate, whatever the reader's direction (the PDF)."""
    return FIRST_STRONG_ISOLATE + text + POP_DIRECTIONAL_ISOLATE
