"""What several management commands read from their options the same way."""

from datetime import date

from django.core.management.base import CommandError


def day(text: str, option: str) -> date:
    """A day given as YYYY-MM-DD, or a CommandError naming the option."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{option} {text}: not a date; write it as YYYY-MM-DD.") from None
