"""The "Certificates issued" panel of the report to leadership (``praxis.analytics.report``,
which sits below credentials and so learns of it by ``register_panel``, in ``apps.py``):
the certificates issued in the period, per programme, the revoked ones counted apart (one
query)."""

from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from praxis.analytics.engagement import Scope
from praxis.analytics.report import Panel
from praxis.communities.models import Community
from praxis.credentials.models import Certificate


def certificates_panel(community: Community, start: date, end: date) -> Panel:
    window = Scope(community=community, start=start, end=end)
    revoked = Q(revoked_at__isnull=False)
    rows = list(Certificate.objects.filter(community=community, issued_at__gte=window.since,
                                           issued_at__lt=window.until)
                .order_by().values("programme_id", "programme__name")
                .annotate(valid=Count("pk", filter=~revoked), revoked=Count("pk", filter=revoked))
                .order_by("programme__name", "programme_id"))
    return Panel(
        title=_("Certificates issued"),
        figures=[(_("Certificates in force"), sum(row["valid"] for row in rows)),
                 (_("Revoked since"), sum(row["revoked"] for row in rows))],
        columns=[_("Programme"), _("In force"), _("Revoked")],
        rows=[(row["programme__name"], row["valid"], row["revoked"]) for row in rows],
        note=_("Certificates issued in the period; those revoked since are counted apart."))
