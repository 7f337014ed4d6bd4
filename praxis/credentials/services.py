"""Issuing and revoking certificates.

Issuing is idempotent: a person holds at most one certificate per programme (the model's
unique constraint, and a check before writing), so issuing again, singly or in bulk, never
makes a second one; a revoked certificate stays revoked and counts as already issued. Only
members who meet the criteria when it is issued get one (``criteria.standings``); the others
are refused with what they miss. A bulk issue is one transaction.

Each certificate takes the next free place in its community's status list
(``Certificate.status_index``, the bit a verifier reads): the community's row is locked
(``select_for_update``) while the places are handed out, so two stewards issuing at once
never share one.

Revoking needs a reason, keeps the certificate (its verification address says it was
revoked, when and why) and sets its bit in the status list. Revoking again changes nothing.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from praxis.accounts.models import User
from praxis.communities.models import Community
from praxis.core import audit
from praxis.core.models import AuditEvent
from praxis.credentials import criteria
from praxis.credentials.criteria import Standing
from praxis.credentials.models import Certificate, Programme


@dataclass(frozen=True)
class Refusal:
    user: User
    reasons: list[str]  # what they miss, in words (none when not a member)
    member: bool = True  # False: not a current member of the community

    @property
    def reason(self) -> str:
        if not self.member:
            return gettext("not a member of the community")
        return "; ".join(self.reasons)


@dataclass
class IssueResult:
    issued: list[Certificate] = field(default_factory=list)
    already: list[Certificate] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


def _next_index(community: Community) -> int:
    """The first free place in the community's status list; the caller holds the lock."""
    highest = (Certificate.objects.filter(community=community)
               .aggregate(highest=Max("status_index"))["highest"])
    return 0 if highest is None else highest + 1


def lock_issuing(programme: Programme) -> Programme:
    """Holds off issuing in the programme's community until the caller's transaction ends
    (the lock ``issue`` takes), and reads the programme again: a steward saving its criteria
    sees whether a certificate was issued under it meanwhile (then they are locked)."""
    Community.objects.select_for_update().get(pk=programme.community_id)
    return Programme.objects.get(pk=programme.pk)


@transaction.atomic
def issue(programme: Programme, users: list[User], *, issued_by: User | None,
          now: datetime | None = None, standings: list[Standing] | None = None
          ) -> IssueResult:
    """Issues the programme's certificate to each of ``users`` who meets its criteria and
    has none yet (see the module). ``standings``: the programme's standings when the caller
    has just computed them (``bulk_candidates``), so they are not computed twice; whether
    one already holds a certificate is read again here, under the lock, whatever they say."""
    community = Community.objects.select_for_update().get(pk=programme.community_id)
    result = IssueResult()
    wanted = list({user.pk: user for user in users}.values())
    if not wanted:
        return result
    existing = {certificate.recipient_id: certificate for certificate in
                Certificate.objects.filter(programme=programme,
                                           recipient_id__in=[u.pk for u in wanted])}
    if standings is None:
        standings = criteria.standings(programme)
    by_user = {standing.user.pk: standing for standing in standings}
    to_issue = []
    for user in wanted:
        if user.pk in existing:
            result.already.append(existing[user.pk])
            continue
        standing = by_user.get(user.pk)
        if standing is None:
            result.refused.append(Refusal(user, [], member=False))
        elif not standing.meets:
            result.refused.append(Refusal(user, standing.missing))
        else:
            to_issue.append(standing)
    if not to_issue:
        return result
    titles = criteria.topics_taken_part_in(programme, [standing.user.pk for standing in to_issue])
    index = _next_index(community)
    moment = now or timezone.now()
    window = {"start": programme.start.isoformat(), "end": programme.end.isoformat()}
    certificates = []
    for offset, standing in enumerate(to_issue):
        certificates.append(Certificate(
            programme=programme, community=community, recipient=standing.user,
            recipient_name=standing.row.name or str(standing.user),
            status_index=index + offset, hours=programme.hours,
            topics=titles.get(standing.user.pk, []),
            evidence={**standing.figures, **window}, issued_at=moment, issued_by=issued_by))
    result.issued = Certificate.objects.bulk_create(certificates)
    # As the other events (one per certificate, one INSERT for all): plain words for the
    # admin list, naming the recipient's address, which erasure forgets by matching it.
    AuditEvent.objects.bulk_create([
        AuditEvent(kind=audit.Kind.CERTIFICATE,
                   actor_id=issued_by.pk if issued_by is not None else None,
                   subject=f"issued to {standing.user.email}: {programme.name}"[:300])
        for standing in to_issue])
    return result


@transaction.atomic
def revoke(certificate: Certificate, *, by: User | None, reason: str,
           now: datetime | None = None) -> bool:
    """Revokes the certificate with a reason (``ValueError`` without one); True when it
    was revoked now, False when it already was (nothing changes)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError(gettext("Say why the certificate is revoked."))
    moment = now or timezone.now()
    changed = Certificate.objects.filter(pk=certificate.pk, revoked_at=None).update(
        revoked_at=moment, revoked_by=by, revocation_reason=reason)
    if changed:
        holder = certificate.recipient.email if certificate.recipient else "a former member"
        audit.record(audit.Kind.CERTIFICATE, actor=by,
                     subject=f"revoked for {holder}: {certificate.programme.name}")
        certificate.revoked_at = moment
        certificate.revoked_by = by
        certificate.revocation_reason = reason
    else:
        certificate.refresh_from_db(fields=["revoked_at", "revoked_by", "revocation_reason"])
    return bool(changed)


def bulk_candidates(programme: Programme, standings: list[Standing] | None = None
                    ) -> list[User]:
    """Everyone who meets the criteria and holds no certificate yet ("issue to everyone who
    meets"). Pass the same ``standings`` to ``issue`` to count them once."""
    if standings is None:
        standings = criteria.standings(programme)
    return [s.user for s in standings if s.meets and s.certificate is None]
