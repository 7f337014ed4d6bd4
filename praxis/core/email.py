"""Emails that services send: after the transaction commits, in the recipient's language."""

import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from praxis.accounts.models import User


@contextmanager
def in_language_and_zone(language: str, zone: str) -> Iterator[None]:
    """Renders as a reader sees it: their language, their time zone."""
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(zone)):
        yield


def send_on_commit(*, to: User | str, subject_template: str, body_template: str,
                   context: dict[str, object]) -> None:
    """Sends one message after the transaction commits, in the recipient's language and
    time zone (for an address without an account: the sender's language, UTC)."""
    language = to.locale if isinstance(to, User) else translation.get_language()
    zone = to.timezone if isinstance(to, User) else "UTC"
    address = to.email if isinstance(to, User) else to

    def send() -> None:
        with in_language_and_zone(language, zone):
            subject = render_to_string(subject_template, context).strip()
            body = render_to_string(body_template, context)
        send_mail(subject, body, None, [address])

    # robust: a mail server that is down is logged and does not undo or break the request.
    transaction.on_commit(send, robust=True)


def absolute_url(site_url: str | None, path: str) -> str:
    return (site_url or settings.SITE_URL).rstrip("/") + path
