"""What accounts keeps about a person: their profile and the security log of their account
(``core.personal_data``; registered in ``AccountsConfig.ready``)."""

from collections.abc import Iterator

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from praxis.accounts.models import User
from praxis.core.models import AuditEvent
from praxis.core.personal_data import Absolute, Field, Row, Section, later, model_field


def _profile(user: User, absolute: Absolute) -> Iterator[Row]:
    yield {
        "email": user.email, "display_name": user.display_name,
        "institution": user.institution, "region": user.region, "bio": user.bio,
        "locale": user.locale, "locale_name": user.get_locale_display(),
        "timezone": user.timezone,
        "digest": user.digest, "digest_name": user.get_digest_display(),
        "email_direct": user.email_direct, "low_bandwidth": user.low_bandwidth,
        "date_joined": user.date_joined, "last_login": user.last_login,
        "is_staff": user.is_staff, "is_site_admin": user.is_superuser,
        "password": str(_("Kept only as a one-way hash: nobody can read it, so it is not "
                          "in this file.")),
        "profile_url": absolute("/accounts/profile/"),
    }


PROFILE = Section(
    key="profile", order=10,
    title=_("Your account"),
    fields=(
        model_field(User, "email"), model_field(User, "display_name"),
        model_field(User, "institution"), model_field(User, "region"),
        model_field(User, "bio", "long"),
        model_field(User, "locale"), Field("locale_name", _("language (name)")),
        model_field(User, "timezone"),
        model_field(User, "digest"), Field("digest_name", _("email notifications (name)")),
        model_field(User, "email_direct", "flag"), model_field(User, "low_bandwidth", "flag"),
        model_field(User, "date_joined", "when"), Field("last_login", _("last login"), "when"),
        model_field(User, "is_staff", "flag"), Field("is_site_admin", _("site admin"), "flag"),
        Field("password", _("password")), Field("profile_url", _("your profile"), "link"),
    ),
    rows=_profile,
    purpose=_("To let you log in, show your name beside what you write, and write to you in "
              "your language and time zone."),
    retention=_("Until you erase your account."),
    seen_by=_("You; your name, institution, region and bio: the members of your communities; "
              "your address: site admins."),
)


def _security_events(user: User, absolute: Absolute) -> Iterator[Row]:
    events = AuditEvent.objects.filter(actor=user).order_by("created_at", "pk")
    for event in events.iterator(chunk_size=500):
        yield {"created_at": event.created_at, "kind": event.kind,
               "kind_name": event.get_kind_display(), "subject": event.subject,
               "address": event.address}


SECURITY_LOG = Section(
    key="security_log", order=90,
    title=_("Security log of your account"),
    fields=(
        Field("created_at", _("when"), "when"), Field("kind", _("kind")),
        Field("kind_name", _("what happened")), Field("subject", _("details")),
        Field("address", _("network address")),
    ),
    rows=_security_events,
    purpose=_("To find out who used an account, and to stop those who try passwords."),
    retention=later(lambda: gettext("%(days)s days, then deleted.")
                    % {"days": settings.PRAXIS_AUDIT_DAYS}),
    seen_by=_("Site admins."),
)

SECTIONS = (PROFILE, SECURITY_LOG)
