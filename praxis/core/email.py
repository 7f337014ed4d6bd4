"""What every email needs: the reader's language and time zone, absolute links; and the one
way any service owes a person an email (``send_notice``)."""

import zoneinfo
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.template import engines
from django.utils import timezone, translation

from praxis.core.hooks import Hook


@contextmanager
def in_language_and_zone(language: str, zone: str) -> Iterator[None]:
    """Renders as a reader sees it: their language, their time zone."""
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(zone)):
        yield


def render_text(template_name: str, context: Mapping[str, object]) -> str:
    """A plain-text email part or subject line: rendered without HTML escaping."""
    return engines["text"].get_template(template_name).render(dict(context))


def absolute_url(site_url: str | None, path: str) -> str:
    return (site_url or settings.SITE_URL).rstrip("/") + path


# The outbox (``praxis.notifications``) carries every notice: it registers itself here.
notice_owed: Hook[[AbstractBaseUser | str, str, str, dict[str, object], bool]] = Hook(
    "notice_owed", required=True)


def send_notice(*, to: AbstractBaseUser | str, subject_template: str, body_template: str,
                context: dict[str, object], private_link: bool = False) -> None:
    """An email a write owes one person (an invitation, a decision on their request or
    proposal, a password reset), to a member or to a bare address. The outbox renders it in
    the reader's language and queues it with the write, so a write that rolls back owes
    nothing. ``private_link``: the email carries a link that signs in or joins."""
    notice_owed.fire(to, subject_template, body_template, context, private_link)
