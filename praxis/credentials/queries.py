"""Reads the certificate pages share: a community's programmes with their counts, a
programme's certificates, one person's certificates."""

from django.db.models import Count, Q, QuerySet

from praxis.communities.models import Community
from praxis.credentials.models import Certificate, Programme


def programmes_of(community: Community) -> QuerySet[Programme]:
    """The community's programmes, newest first, each with ``issued`` (every certificate
    issued under it) and ``revoked`` counted: one query."""
    return (Programme.objects.filter(community=community)
            .annotate(issued=Count("certificates"),
                      revoked=Count("certificates",
                                    filter=Q(certificates__revoked_at__isnull=False))))


def has_certificates(programme: Programme) -> bool:
    """Whether any certificate was issued under the programme (revoked ones count): then
    what its certificates state (name, period, hours, criteria) no longer changes."""
    return programme.pk is not None and Certificate.objects.filter(
        programme_id=programme.pk).exists()


def certificates_of(programme: Programme) -> QuerySet[Certificate]:
    """A programme's certificates by the holder's name, revoked ones too."""
    return (Certificate.objects.filter(programme=programme)
            .order_by("recipient_name", "pk"))


def certificates_held(community: Community, user_id: int) -> QuerySet[Certificate]:
    """One person's certificates in a community, newest first."""
    return (Certificate.objects.filter(community=community, recipient_id=user_id)
            .select_related("programme").order_by("-issued_at", "pk"))
