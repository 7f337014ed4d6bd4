"""What communities keeps about a person: their memberships, invitations and requests to
join (``core.personal_data``), and what goes of it when they erase their account
(``accounts.hooks.account_erased``). Registered in ``CommunitiesConfig.ready``."""

from collections.abc import Iterator

from django.db.models import Prefetch, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from praxis.accounts.hooks import Erasure, ErasureRefused
from praxis.accounts.models import User
from praxis.communities import services
from praxis.communities.models import Cohort, Invitation, JoinRequest, Membership
from praxis.core.personal_data import Absolute, Field, Row, Section, later

COMMUNITY = Field("community", _("community"))
COMMUNITY_URL = Field("community_url", _("community's address"), "link")


def _memberships(user: User, absolute: Absolute) -> Iterator[Row]:
    memberships = (Membership.objects.filter(user=user).select_related("community")
                   .prefetch_related(Prefetch("cohorts", queryset=Cohort.objects.only("name")),
                                     Prefetch("cohorts_trained",
                                              queryset=Cohort.objects.only("name")))
                   .order_by("joined_at", "pk"))
    for membership in memberships:
        yield {
            "community": membership.community.name,
            "community_url": absolute(membership.community.get_absolute_url()),
            "role": membership.role, "role_name": membership.get_role_display(),
            "tier": membership.tier, "tier_name": membership.get_tier_display(),
            "joined_at": membership.joined_at,
            "cohorts": [cohort.name for cohort in membership.cohorts.all()],
            "cohorts_trained": [cohort.name for cohort in membership.cohorts_trained.all()],
        }


MEMBERSHIPS = Section(
    key="memberships", order=20,
    title=_("Your communities and roles"),
    fields=(
        COMMUNITY, COMMUNITY_URL, Field("role", _("role")), Field("role_name", _("role (name)")),
        Field("tier", _("cascade tier")), Field("tier_name", _("cascade tier (name)")),
        Field("joined_at", _("joined"), "when"), Field("cohorts", _("cohorts")),
        Field("cohorts_trained", _("cohorts you trained")),
    ),
    rows=_memberships,
    purpose=_("To know who belongs to a community, what they may do in it, and who trained "
              "whom in the cascade."),
    retention=_("Until you leave the community or erase your account."),
    seen_by=_("The community's members (the member directory); its stewards change roles."),
)


def _invitations(user: User, absolute: Absolute) -> Iterator[Row]:
    # Invitations to the person's address, and those they sent: whom they invited is another
    # person's address, so it is not in the export, only that they sent one.
    invitations = (Invitation.objects.filter(Q(email__iexact=user.email) | Q(invited_by=user))
                   .select_related("community", "invited_by").order_by("created_at", "pk"))
    for invitation in invitations.iterator(chunk_size=500):
        to_you = invitation.email.lower() == user.email.lower()
        yield {
            "direction": gettext("to you") if to_you else gettext("sent by you"),
            "community": invitation.community.name,
            "community_url": absolute(invitation.community.get_absolute_url()),
            "role": invitation.role, "sent_at": invitation.created_at,
            "expires_at": invitation.expires_at, "status": invitation.status,
            "invited_by": str(invitation.invited_by or "") if to_you else "",
            "message": invitation.message,
        }


INVITATIONS = Section(
    key="invitations", order=21,
    title=_("Invitations"),
    fields=(
        Field("direction", _("direction")), COMMUNITY, COMMUNITY_URL, Field("role", _("role")),
        Field("sent_at", _("sent"), "when"), Field("expires_at", _("expires"), "when"),
        Field("status", _("status")), Field("invited_by", _("invited by")),
        Field("message", _("personal message"), "long"),
    ),
    rows=_invitations,
    purpose=_("To let the person invited join once, with the role the steward chose."),
    retention=later(lambda: gettext(
        "Kept as the community's record of who was invited; deleted when the person "
        "invited erases their account.")),
    seen_by=_("The community's stewards, and the person invited."),
)


def _join_requests(user: User, absolute: Absolute) -> Iterator[Row]:
    requests = (JoinRequest.objects.filter(user=user).select_related("community")
                .order_by("created_at", "pk"))
    for join_request in requests.iterator(chunk_size=500):
        yield {
            "community": join_request.community.name,
            "community_url": absolute(join_request.community.get_absolute_url()),
            "message": join_request.message, "status": join_request.status,
            "status_name": join_request.get_status_display(),
            "created_at": join_request.created_at, "decided_at": join_request.decided_at,
            "reason": join_request.reason,
        }


JOIN_REQUESTS = Section(
    key="join_requests", order=22,
    title=_("Your requests to join"),
    fields=(
        COMMUNITY, COMMUNITY_URL, Field("message", _("message to the stewards"), "long"),
        Field("status", _("status")), Field("status_name", _("status (name)")),
        Field("created_at", _("requested"), "when"), Field("decided_at", _("decided"), "when"),
        Field("reason", _("reason"), "long"),
    ),
    rows=_join_requests,
    purpose=_("To let the stewards decide who joins a community open on request."),
    retention=_("Until you erase your account."),
    seen_by=_("The community's stewards."),
)

SECTIONS = (MEMBERSHIPS, INVITATIONS, JOIN_REQUESTS)


def forget_erased_member(erasure: Erasure) -> None:
    """Registered on ``accounts.hooks.account_erased``: the person leaves every community
    through ``remove_member`` (so ``membership_ended`` tells the apps above), refused where
    they are its last steward; their requests to join and the invitations to their address
    go. Invitations they sent stay, as the community's record, signed "Former member"."""
    user = erasure.user
    memberships = Membership.objects.filter(user=user).select_related("community")
    for membership in memberships.order_by("community__slug"):
        try:
            services.remove_member(membership=membership, actor=user)
        except services.CommunityRuleError as error:
            raise ErasureRefused(
                gettext("You are the only steward of %(community)s. Make someone else a "
                        "steward there first.") % {"community": membership.community.name},
            ) from error
        erasure.communities_left.append(membership.community.slug)
    JoinRequest.objects.filter(user=user).delete()
    Invitation.objects.filter(email__iexact=user.email).delete()
