"""Writes on people's accounts."""

import re
from functools import partial
from typing import IO

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from praxis.accounts import hooks
from praxis.accounts.hooks import Erasure, ErasureRefused
from praxis.accounts.models import User
from praxis.core import audit, personal_data, throttle
from praxis.core.email import absolute_url, in_language_and_zone


class EmailAlreadyRegistered(Exception):
    """Raised when someone signs up with an address that already has an account."""


@transaction.atomic
def register_user(*, email: str, display_name: str, password: str, locale: str = "en",
                  timezone: str = "UTC") -> User:
    """Creates a member's account; the address is unique whatever its case."""
    email = User.objects.normalize_email(email.strip()).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise EmailAlreadyRegistered(email)
    return User.objects.create_user(
        email=email,
        password=password,
        display_name=display_name.strip(),
        locale=locale,
        timezone=timezone,
    )


def set_locale(*, user: User, locale: str) -> None:
    """Remembers the language a member chose in the language switcher."""
    if user.locale != locale:
        user.locale = locale
        user.save(update_fields=["locale"])


# Members own their data (docs/privacy.md) ---------------------------------------------------

def export_personal_data(*, user: User, target: IO[bytes], site_url: str | None = None,
                         address: str = "") -> dict[str, int]:
    """Writes everything Praxis keeps about ``user`` into ``target``: a ZIP with a JSON file
    and a readable page per section of ``core.personal_data.sections``, in the member's
    language and time zone, links absolute to ``site_url``. The audit log records that the
    export was made (by whom, from where). Returns the rows written per section."""
    with in_language_and_zone(user.locale, user.timezone):
        counts = personal_data.write_archive(
            user, target, absolute=partial(absolute_url, site_url),
            generated_at=timezone.now())
    audit.record(audit.Kind.EXPORT, actor=user, subject=f"personal data of account {user.pk}",
                 address=address)
    return counts


def erased_address(user_id: int) -> str:
    """The address an erased account keeps: unique, and undeliverable by design
    (``.invalid`` is reserved for that, RFC 2606)."""
    return f"erased-{user_id}@invalid"


def _end_sessions(user: User) -> None:
    """Ends every session signed in as ``user``, on every device. Sessions are not indexed
    by person, so the unexpired ones are read in batches; erasing is rare."""
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    now = timezone.now()
    for session in Session.objects.filter(expire_date__gt=now).iterator(chunk_size=500):
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            store(session_key=session.session_key).delete()


def _forget_admin_log(user: User) -> None:
    """The back office's history names what it changed as it was then: the account, and
    things shown with their author (a post, a membership)."""
    former = _("Former member")
    LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(User),
                            object_id=str(user.pk)).update(object_repr=former)
    if not user.display_name.strip():
        return
    name = re.compile(rf"(?<!\w){re.escape(user.display_name)}(?!\w)")
    for entry in LogEntry.objects.filter(object_repr__contains=user.display_name):
        entry.object_repr = name.sub(former, entry.object_repr)
        entry.save(update_fields=["object_repr"])


@transaction.atomic
def erase_account(*, user: User, keep_posts: bool) -> Erasure:
    """A member erases their account: everything that names them goes, in one transaction.

    The account's row stays, so the posts they chose to keep still have an author, but with
    nothing of theirs in it: no name, no address (``erased_address``), no password, inactive,
    shown as "Former member" (decision 35). Each app forgets or strips what it keeps about
    them through ``hooks.account_erased`` (memberships end, posts are kept or removed,
    reactions, read marks, email choices, queued emails, feed tokens and invitations go);
    the audit log keeps its events without their address or network addresses; every
    session of theirs ends. An app may refuse (``ErasureRefused``: the last steward of a
    community), and then nothing changes."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.erased_at is not None:
        raise ErasureRefused(_("This account has already been erased."))
    erasure = Erasure(user=user, keep_posts=keep_posts, at=timezone.now())
    email = user.email
    hooks.account_erased.fire(erasure)
    placeholder = erased_address(user.pk)
    audit.forget_person(user_id=user.pk, email=email, placeholder=placeholder)
    throttle.forget_person(email=email, user_id=user.pk)
    _forget_admin_log(user)
    _end_sessions(user)
    user.groups.clear()
    user.user_permissions.clear()
    blank = User()
    for name in ("display_name", "institution", "region", "bio", "locale", "timezone",
                 "low_bandwidth", "is_staff", "is_superuser"):
        setattr(user, name, getattr(blank, name))
    user.email = placeholder
    user.digest = User.Digest.OFF
    user.email_direct = False
    user.is_active = False
    user.last_login = None
    user.erased_at = erasure.at
    user.set_unusable_password()
    user.save()
    choice = "kept" if keep_posts else "removed"
    communities = " ".join(f"[{slug}]" for slug in erasure.communities_left)
    audit.record(audit.Kind.ERASURE, actor=user,
                 subject=f"account {user.pk}, posts {choice}; left {communities or '-'}")
    return erasure
