"""Every write in communities that has rules: one function per use case, transaction inside.

Services trust that the caller passed the permission door (``permissions.access_community``)
for the actor; they enforce the community's own invariants (a community always keeps a
steward, an invitation is used once) and raise ``CommunityRuleError`` with a message fit to
show the person.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from praxis.accounts.models import User
from praxis.communities import hooks
from praxis.communities.models import Cohort, Community, Invitation, JoinRequest, Membership
from praxis.core import audit
from praxis.core.email import absolute_url, send_notice
from praxis.core.tokens import hash_token


class CommunityRuleError(Exception):
    """A request that the community's rules refuse; the message is for the person."""


# Communities ---------------------------------------------------------------------------------

@transaction.atomic
def create_community(*, creator: User, name: str, slug: str, description: str = "",
                     visibility: str = Community.Visibility.LISTED,
                     join_policy: str = Community.JoinPolicy.REQUEST) -> Community:
    """Creates a community with its creator as its first steward."""
    if Community.objects.filter(slug=slug).exists():
        raise CommunityRuleError(_("That web address is taken; choose another."))
    community = Community.objects.create(
        name=name, slug=slug, description=description, visibility=visibility,
        join_policy=join_policy, created_by=creator,
    )
    Membership.objects.create(community=community, user=creator, role=Membership.Role.STEWARD)
    return community


@transaction.atomic
def update_community(*, community: Community, name: str, description: str, visibility: str,
                     join_policy: str) -> Community:
    community.name = name
    community.description = description
    community.visibility = visibility
    community.join_policy = join_policy
    community.save(update_fields=["name", "description", "visibility", "join_policy"])
    return community


# Joining -------------------------------------------------------------------------------------

@transaction.atomic
def join_community(*, user: User, community: Community) -> Membership:
    """Joins an open community at once, as a member."""
    if community.join_policy != Community.JoinPolicy.OPEN:
        raise CommunityRuleError(_("This community does not take members without approval."))
    membership, _created = Membership.objects.get_or_create(community=community, user=user)
    return membership


@transaction.atomic
def request_to_join(*, user: User, community: Community, message: str = "",
                    site_url: str | None = None) -> JoinRequest:
    """Asks the stewards for a place; one request waits at a time."""
    if community.join_policy != Community.JoinPolicy.REQUEST:
        raise CommunityRuleError(_("This community does not take requests to join."))
    if Membership.objects.filter(community=community, user=user).exists():
        raise CommunityRuleError(_("You are already a member of this community."))
    pending = JoinRequest.objects.filter(
        community=community, user=user, status=JoinRequest.Status.PENDING
    ).first()
    if pending:
        return pending
    join_request = JoinRequest.objects.create(community=community, user=user, message=message)
    stewards = User.objects.filter(
        memberships__community=community, memberships__role=Membership.Role.STEWARD,
        is_active=True,
    )
    link = absolute_url(site_url, reverse("communities:join_requests", args=[community.slug]))
    for steward in stewards:
        send_notice(
            to=steward,
            subject_template="communities/email/join_request_subject.txt",
            body_template="communities/email/join_request.txt",
            context={"community": community, "requester": user, "message": message,
                     "link": link, "recipient": steward},
        )
    return join_request


@transaction.atomic
def approve_join_request(*, actor: User, join_request: JoinRequest,
                         site_url: str | None = None) -> Membership:
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.status != JoinRequest.Status.PENDING:
        raise CommunityRuleError(_("This request has already been decided."))
    join_request.status = JoinRequest.Status.APPROVED
    join_request.decided_by = actor
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "decided_by", "decided_at"])
    membership, _created = Membership.objects.get_or_create(
        community=join_request.community, user=join_request.user
    )
    link = absolute_url(site_url, join_request.community.get_absolute_url())
    send_notice(
        to=join_request.user,
        subject_template="communities/email/join_approved_subject.txt",
        body_template="communities/email/join_approved.txt",
        context={"community": join_request.community, "link": link,
                 "recipient": join_request.user},
    )
    return membership


@transaction.atomic
def decline_join_request(*, actor: User, join_request: JoinRequest, reason: str = "") -> None:
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.status != JoinRequest.Status.PENDING:
        raise CommunityRuleError(_("This request has already been decided."))
    join_request.status = JoinRequest.Status.DECLINED
    join_request.decided_by = actor
    join_request.decided_at = timezone.now()
    join_request.reason = reason
    join_request.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    send_notice(
        to=join_request.user,
        subject_template="communities/email/join_declined_subject.txt",
        body_template="communities/email/join_declined.txt",
        context={"community": join_request.community, "reason": reason,
                 "recipient": join_request.user},
    )


# Invitations ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class InvitationOutcome:
    invited: list[str]
    already_members: list[str]


@transaction.atomic
def invite_people(*, actor: User, community: Community, emails: list[str],
                  role: str = Membership.Role.MEMBER, tier: str = "", message: str = "",
                  site_url: str | None = None) -> InvitationOutcome:
    """Emails each address a single-use link to join; a new invitation replaces a pending one."""
    addresses = list(dict.fromkeys(address.strip().lower() for address in emails if address))
    members = set(
        Membership.objects.filter(community=community, user__email__in=addresses)
        .values_list("user__email", flat=True)
    )
    now = timezone.now()
    expires_at = now + timedelta(days=settings.PRAXIS_INVITATION_DAYS)
    invited = []
    for address in addresses:
        if address in members:
            continue
        Invitation.objects.filter(
            community=community, email=address, accepted_at=None, revoked_at=None
        ).update(revoked_at=now)
        token = secrets.token_urlsafe(32)
        invitation = Invitation.objects.create(
            community=community, email=address, role=role, tier=tier, message=message,
            token_hash=hash_token(token), invited_by=actor, expires_at=expires_at,
        )
        link = absolute_url(site_url, reverse("communities:invitation", args=[token]))
        send_notice(
            to=address,
            subject_template="communities/email/invitation_subject.txt",
            body_template="communities/email/invitation.txt",
            context={"community": community, "inviter": actor, "invitation": invitation,
                     "link": link},
            private_link=True,
        )
        invited.append(address)
    return InvitationOutcome(invited=invited, already_members=sorted(members))


def find_invitation(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("community", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )


@transaction.atomic
def revoke_invitation(*, invitation: Invitation) -> None:
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


@transaction.atomic
def accept_invitation(*, user: User, token: str) -> Membership:
    """Turns an invitation into a membership, once, for the person it was sent to."""
    found = find_invitation(token)
    if found is None:
        raise CommunityRuleError(_("This invitation link is not valid."))
    invitation = Invitation.objects.select_for_update().get(pk=found.pk)
    if invitation.accepted_at is not None:
        raise CommunityRuleError(_("This invitation has already been used."))
    if invitation.revoked_at is not None:
        raise CommunityRuleError(_("This invitation has been withdrawn."))
    if invitation.expires_at <= timezone.now():
        raise CommunityRuleError(
            _("This invitation has expired. Ask a steward of the community for a new one.")
        )
    if invitation.email.lower() != user.email.lower():
        raise CommunityRuleError(
            _("This invitation was sent to %(email)s. Log in with that address to accept it.")
            % {"email": invitation.email}
        )
    membership, _created = Membership.objects.get_or_create(
        community=invitation.community, user=user,
        defaults={"role": invitation.role, "tier": invitation.tier},
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    JoinRequest.objects.filter(
        community=invitation.community, user=user, status=JoinRequest.Status.PENDING
    ).update(status=JoinRequest.Status.APPROVED, decided_at=timezone.now(),
             decided_by=invitation.invited_by)
    return membership


# Members -------------------------------------------------------------------------------------

def check_keeps_a_steward(*, membership: Membership, new_role: str | None) -> None:
    """Refuses a change that would leave the community without a steward.

    ``new_role`` None means the membership is being removed.
    """
    if membership.role != Membership.Role.STEWARD or new_role == Membership.Role.STEWARD:
        return
    others = (
        Membership.objects.filter(community=membership.community, role=Membership.Role.STEWARD)
        .exclude(pk=membership.pk)
        .exists()
    )
    if others:
        return
    if new_role is None:
        raise CommunityRuleError(
            _("The last steward cannot leave. Make someone else a steward first.")
        )
    raise CommunityRuleError(
        _("%(name)s is the only steward. Make someone else a steward first.")
        % {"name": membership.user}
    )


def role_change_words(membership: Membership, new_role: str) -> str:
    """How the audit log names a change of role."""
    old = Membership.Role(membership.role).label
    return (f"{membership.user.email}: {old} → {Membership.Role(new_role).label} "
            f"in {membership.community.name}")


@transaction.atomic
def change_member(*, membership: Membership, role: str, tier: str,
                  cohorts: list[Cohort] | None = None, actor: User | None = None,
                  ) -> Membership:
    """Sets a member's role, cascade tier and cohorts; a community always keeps a steward. A
    change of role is a security event: the audit log keeps it, with who made it."""
    membership = (Membership.objects.select_for_update().select_related("user", "community")
                  .get(pk=membership.pk))
    check_keeps_a_steward(membership=membership, new_role=role)
    if role != membership.role:
        audit.record(audit.Kind.ROLE_CHANGED, actor=actor,
                     subject=role_change_words(membership, role))
    membership.role = role
    membership.tier = tier
    membership.save(update_fields=["role", "tier"])
    if cohorts is not None:
        if any(cohort.community_id != membership.community_id for cohort in cohorts):
            raise CommunityRuleError(_("A cohort belongs to another community."))
        membership.cohorts.set(cohorts)
    return membership


@transaction.atomic
def remove_member(*, membership: Membership, actor: User | None = None) -> None:
    """Takes a person out of a community (or lets them leave); their account stays."""
    membership = (Membership.objects.select_for_update().select_related("user", "community")
                  .get(pk=membership.pk))
    check_keeps_a_steward(membership=membership, new_role=None)
    audit.record(audit.Kind.MEMBER_REMOVED, actor=actor,
                 subject=f"{membership.user.email} from {membership.community.name}")
    hooks.membership_ended.fire(membership)
    membership.delete()


# Cohorts -------------------------------------------------------------------------------------

def _check_same_community(community: Community, memberships: list[Membership]) -> None:
    if any(membership.community_id != community.pk for membership in memberships):
        raise CommunityRuleError(_("Cohort members must belong to this community."))


@transaction.atomic
def save_cohort(*, community: Community, name: str, description: str = "",
                year: int | None = None, members: list[Membership] | None = None,
                trainers: list[Membership] | None = None,
                cohort: Cohort | None = None) -> Cohort:
    """Creates a cohort, or updates the given one, with its members and trainers."""
    members, trainers = members or [], trainers or []
    _check_same_community(community, members + trainers)
    clash = Cohort.objects.filter(community=community, name=name)
    if cohort is not None:
        clash = clash.exclude(pk=cohort.pk)
    if clash.exists():
        raise CommunityRuleError(_("A cohort with this name already exists."))
    if cohort is None:
        cohort = Cohort(community=community)
    cohort.name, cohort.description, cohort.year = name, description, year
    try:
        with transaction.atomic():
            cohort.save()
    except IntegrityError as error:
        raise CommunityRuleError(_("A cohort with this name already exists.")) from error
    cohort.members.set(members)
    cohort.trainers.set(trainers)
    return cohort


@transaction.atomic
def delete_cohort(*, cohort: Cohort) -> None:
    """Deletes the grouping only; its members stay in the community."""
    cohort.delete()
