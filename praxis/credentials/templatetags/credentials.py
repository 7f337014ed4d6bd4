"""Template filters of the certificate pages."""

from decimal import Decimal

from django import template

from praxis.credentials.pdf import hours_shown

register = template.Library()


@register.filter
def hours(value: Decimal | None) -> str:
    """Hours credited as the reader writes them: 12 or 12.5, in Persian digits with the
    Arabic decimal separator."""
    return "" if value is None else hours_shown(value)
