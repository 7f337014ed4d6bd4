"""What pages read from query strings: bad input reads as absent, never as a server error.

A query string is anyone's to write. ``str.isdigit()`` accepts "²" (which ``int()`` refuses),
PostgreSQL refuses a NUL inside any text it is asked to compare, and a number can be as long
as the URL. Views read ids, page numbers and words through these instead of by hand.
"""

import re
from collections.abc import Container

# Ids and page numbers fit a 64-bit column with room to spare.
MAX_NUMBER_DIGITS = 18
# C0 and C1 control characters but tab and line breaks: NUL above all.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# The longest an email address can be in the database (RFC 5321's path limit less "<>").
MAX_EMAIL_LENGTH = 254


def number(value: object, *, default: int | None = None) -> int | None:
    """A positive whole number written in ASCII digits (an id, a page), else ``default``."""
    if not isinstance(value, str) or not 0 < len(value) <= MAX_NUMBER_DIGITS:
        return default
    if not (value.isascii() and value.isdecimal()):
        return default
    parsed = int(value)
    return parsed if parsed > 0 else default


def page_number(value: object, *, last: int = 10**6) -> int:
    """A page to show: 1 unless the value is a page number, and never past ``last``."""
    return min(number(value, default=1) or 1, last)


def text(value: object, *, max_length: int) -> str:
    """Words to search or filter by: control characters (NUL) removed, spaces trimmed, cut to
    ``max_length``."""
    if not isinstance(value, str):
        return ""
    return _CONTROL.sub("", value).strip()[:max_length]


def choice(value: object, allowed: Container[str]) -> str:
    """``value`` if it is one of ``allowed``, else ""."""
    return value if isinstance(value, str) and value in allowed else ""
