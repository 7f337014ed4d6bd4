"""What credentials keep about a person: the certificates issued to them
(``core.personal_data``); and what becomes of them when they erase their account
(``accounts.hooks.account_erased``). Registered in ``CredentialsConfig.ready``.

On erasure a certificate is not deleted (whoever was shown it may still check it): it is
revoked, with the reason "The holder closed their account", its name becomes "Former member"
and it no longer points to the account. Its verification address then says it was revoked,
and names nobody. The words are written in the site's language: they are stored, not shown
through a translation.
"""

from collections.abc import Iterator

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from praxis.accounts.hooks import Erasure
from praxis.accounts.models import User
from praxis.core.personal_data import Absolute, Field, Row, Section
from praxis.credentials.models import Certificate

BATCH = 500


def _certificates(user: User, absolute: Absolute) -> Iterator[Row]:
    certificates = (Certificate.objects.filter(recipient=user)
                    .select_related("programme", "community").order_by("issued_at", "pk"))
    for certificate in certificates.iterator(chunk_size=BATCH):
        programme = certificate.programme
        yield {
            "programme": programme.name, "community": certificate.community.name,
            "name": certificate.recipient_name,
            "period": f"{programme.start.isoformat()} / {programme.end.isoformat()}",
            "hours": str(certificate.hours), "topics": list(certificate.topics),
            "evidence": dict(certificate.evidence),
            "url": absolute(certificate.get_absolute_url()),
            "open_badges_3": absolute(reverse("credentials:ob3_json",
                                              args=[certificate.public_id])),
            "open_badges_2": absolute(reverse("credentials:ob2_json",
                                              args=[certificate.public_id])),
            "issued_at": certificate.issued_at, "revoked_at": certificate.revoked_at,
            "revocation_reason": certificate.revocation_reason,
        }


CERTIFICATES = Section(
    key="certificates", order=80,
    title=_("Your certificates"),
    fields=(Field("programme", _("programme")), Field("community", _("community")),
            Field("name", _("name on the certificate")), Field("period", _("period")),
            Field("hours", _("hours")), Field("topics", _("topics")),
            Field("evidence", _("what you did")),
            Field("url", _("verification address"), "link"),
            Field("open_badges_3", _("Open Badges 3.0 credential"), "link"),
            Field("open_badges_2", _("Open Badges 2.0 assertion"), "link"),
            Field("issued_at", _("issued"), "when"), Field("revoked_at", _("revoked"), "when"),
            Field("revocation_reason", _("reason"), "long")),
    rows=_certificates,
    purpose=_("To certify your taking part in a community's programme, in a form anyone "
              "you show it to can check."),
    retention=_("As long as the community. When you erase your account your certificates "
                "are revoked and no longer name you."),
    seen_by=_("Anyone you give its verification address or its documents to; the "
              "community's stewards."),
)

SECTIONS = (CERTIFICATES,)


def forget_erased_member(erasure: Erasure) -> None:
    """Revokes the person's certificates and strips them of their name (see the module)."""
    with translation.override(settings.LANGUAGE_CODE):
        reason = gettext("The holder closed their account")
        former = gettext("Former member")
    mine = Certificate.objects.filter(recipient=erasure.user)
    mine.filter(revoked_at=None).update(revoked_at=erasure.at, revocation_reason=reason)
    mine.update(recipient=None, recipient_name=former)
