"""Amounts and hours in the report, in the reader's format and digits (as the PDF writes
them: ``praxis.analytics.report.money`` and ``hours``)."""

from decimal import Decimal

from django import template

from praxis.analytics import report

register = template.Library()


@register.filter
def money(value: Decimal | None) -> str:
    return report.money(value)


@register.filter
def hours(value: Decimal | None) -> str:
    return report.hours(value)


@register.filter
def group_name(group: str) -> str:
    """contributor, occasional, lurker or inactive, as the reader says it."""
    return report.group_label(group)
