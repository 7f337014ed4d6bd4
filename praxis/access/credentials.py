"""The door for certificates: who defines programmes and issues, revokes and reads
certificates.

- A community's programmes and the certificates issued under them (who meets the criteria,
  issuing, revoking) are for its stewards and site admins.
- A member sees their own certificates in each community they belong to.
- Anyone, signed in or not, sees a certificate's verification page and its PDF: the
  address holds an unguessable id, and the holder shares it (on paper, through its QR code).
  A private community stays hidden everywhere else, as ``access_community`` keeps it.

``access_programme`` and ``access_issued_certificate`` find a programme or certificate of a
community for a steward, or refuse: one of another community and one that does not exist
give the same 404.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from praxis.access.community import CommunityAccess, access_community
from praxis.accounts.models import AnyUser
from praxis.credentials.models import Certificate, Programme


def may_manage_certificates(access: CommunityAccess) -> bool:
    """Define programmes, issue and revoke certificates: stewards and site admins."""
    return access.can_manage


def may_hold_certificates(access: CommunityAccess) -> bool:
    """Have one's own certificates page in a community: its members."""
    return access.is_member


def access_certificates(user: AnyUser, slug: str) -> CommunityAccess:
    """The community whose programmes and certificates this person manages, or a refusal
    (404 for a community they may not know, PermissionDenied otherwise)."""
    access = access_community(user, slug, need="see")
    if not may_manage_certificates(access):
        raise PermissionDenied
    return access


def access_own_certificates(user: AnyUser, slug: str) -> CommunityAccess:
    """The community where this person reads their own certificates, or a refusal."""
    access = access_community(user, slug, need="see")
    if not may_hold_certificates(access):
        raise PermissionDenied
    return access


@dataclass(frozen=True)
class ProgrammeAccess:
    community_access: CommunityAccess
    programme: Programme


def access_programme(user: AnyUser, slug: str, programme_id: int) -> ProgrammeAccess:
    """A programme of the community, for one who manages its certificates."""
    access = access_certificates(user, slug)
    programme = Programme.objects.filter(community=access.community, pk=programme_id).first()
    if programme is None:
        raise Http404
    programme.community = access.community
    return ProgrammeAccess(community_access=access, programme=programme)


@dataclass(frozen=True)
class IssuedCertificateAccess:
    community_access: CommunityAccess
    certificate: Certificate


def access_issued_certificate(user: AnyUser, slug: str,
                              certificate_id: int) -> IssuedCertificateAccess:
    """A certificate the community issued, for one who may revoke it."""
    access = access_certificates(user, slug)
    certificate = (Certificate.objects.select_related("programme")
                   .filter(community=access.community, pk=certificate_id).first())
    if certificate is None:
        raise Http404
    certificate.community = access.community
    return IssuedCertificateAccess(community_access=access, certificate=certificate)


def verifiable_certificate(public_id: str) -> Certificate:
    """Any certificate by its public id, for anyone (valid or revoked); 404 when unknown."""
    certificate = (Certificate.objects
                   .select_related("programme", "community", "issued_by")
                   .filter(public_id=public_id).first())
    if certificate is None:
        raise Http404
    return certificate
