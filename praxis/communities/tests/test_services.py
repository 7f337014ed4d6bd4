from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from praxis.accounts.tests.factories import UserFactory
from praxis.communities import services
from praxis.communities.models import Community, Invitation, JoinRequest, Membership
from praxis.communities.tests.factories import (
    CohortFactory,
    CommunityFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db


def _token_from(message) -> str:
    link = next(line for line in message.body.splitlines() if "/invitations/" in line)
    return link.rstrip("/").rsplit("/", 1)[-1]


def test_creating_a_community_makes_the_creator_its_steward(user):
    community = services.create_community(creator=user, name="Loop input", slug="loop-input")
    membership = Membership.objects.get(community=community, user=user)
    assert membership.role == Membership.Role.STEWARD


def test_a_taken_slug_is_refused_and_nothing_is_created(user):
    CommunityFactory(slug="taken")
    with pytest.raises(services.CommunityRuleError):
        services.create_community(creator=user, name="Another", slug="taken")
    assert Community.objects.filter(slug="taken").count() == 1


def test_joining_an_open_community_makes_a_member():
    community = CommunityFactory(join_policy=Community.JoinPolicy.OPEN)
    person = UserFactory()
    membership = services.join_community(user=person, community=community)
    assert membership.role == Membership.Role.MEMBER


@pytest.mark.parametrize("policy", [Community.JoinPolicy.REQUEST, Community.JoinPolicy.INVITATION])
def test_joining_without_approval_is_refused_where_the_policy_says_so(policy):
    community = CommunityFactory(join_policy=policy)
    with pytest.raises(services.CommunityRuleError):
        services.join_community(user=UserFactory(), community=community)
    assert not community.memberships.exists()


def test_a_join_request_reaches_the_stewards_by_email(cast, django_capture_on_commit_callbacks):
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_to_join(user=person, community=cast.community, message="I train in Yazd")
    assert JoinRequest.objects.get(user=person).status == JoinRequest.Status.PENDING
    assert [message.to for message in mail.outbox] == [[cast.steward.email]]
    assert "I train in Yazd" in mail.outbox[0].body


def test_asking_twice_keeps_one_pending_request(cast):
    person = UserFactory()
    first = services.request_to_join(user=person, community=cast.community)
    second = services.request_to_join(user=person, community=cast.community)
    assert first.pk == second.pk


def test_approving_a_request_adds_the_member_and_tells_them(cast,
                                                           django_capture_on_commit_callbacks):
    person = UserFactory()
    join_request = services.request_to_join(user=person, community=cast.community)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_join_request(actor=cast.steward, join_request=join_request)
    assert cast.community.memberships.filter(user=person).exists()
    assert mail.outbox[0].to == [person.email]
    with pytest.raises(services.CommunityRuleError):
        services.approve_join_request(actor=cast.steward, join_request=join_request)


def test_declining_a_request_keeps_the_person_out_and_records_the_reason(cast):
    person = UserFactory()
    join_request = services.request_to_join(user=person, community=cast.community)
    services.decline_join_request(actor=cast.steward, join_request=join_request,
                                  reason="This community is for ITTP trainers")
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.DECLINED
    assert join_request.reason == "This community is for ITTP trainers"
    assert join_request.decided_by == cast.steward
    assert not cast.community.memberships.filter(user=person).exists()


def test_an_invitation_is_emailed_with_a_link_and_only_its_hash_is_stored(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.invite_people(actor=cast.steward, community=cast.community,
                                         emails=["New.Trainer@Example.org"],
                                         site_url="https://praxis.example.org")
    assert outcome.invited == ["new.trainer@example.org"]
    token = _token_from(mail.outbox[0])
    assert "https://praxis.example.org/invitations/" in mail.outbox[0].body
    invitation = Invitation.objects.get()
    assert token not in invitation.token_hash
    assert services.find_invitation(token) == invitation


def test_an_invitation_names_the_community_as_written(cast, django_capture_on_commit_callbacks):
    cast.community.name = "Iran Teacher Trainers' Community"
    cast.community.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_people(actor=cast.steward, community=cast.community,
                               emails=["new@example.org"], site_url="https://x.org")
    (email,) = mail.outbox
    assert email.subject == "You are invited to Iran Teacher Trainers' Community on Praxis"
    assert "join Iran Teacher Trainers' Community," in email.body


def test_inviting_a_member_again_sends_nothing(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.invite_people(actor=cast.steward, community=cast.community,
                                         emails=[cast.member.email])
    assert outcome.already_members == [cast.member.email]
    assert mail.outbox == []


def test_an_invitation_works_once_for_the_invited_address(cast,
                                                        django_capture_on_commit_callbacks):
    invitee = UserFactory(email="invitee@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_people(actor=cast.steward, community=cast.community,
                               emails=[invitee.email], role=Membership.Role.FACILITATOR,
                               tier=Membership.Tier.MASTER_TRAINER)
    token = _token_from(mail.outbox[0])
    membership = services.accept_invitation(user=invitee, token=token)
    assert (membership.role, membership.tier) == ("facilitator", "master_trainer")
    with pytest.raises(services.CommunityRuleError, match="already been used"):
        services.accept_invitation(user=invitee, token=token)


def test_an_invitation_cannot_be_used_by_another_account(cast,
                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_people(actor=cast.steward, community=cast.community,
                               emails=["invitee@example.org"])
    with pytest.raises(services.CommunityRuleError, match="invitee@example.org"):
        services.accept_invitation(user=cast.outsider, token=_token_from(mail.outbox[0]))
    assert not cast.community.memberships.filter(user=cast.outsider).exists()


def test_an_expired_invitation_is_refused(cast, django_capture_on_commit_callbacks):
    invitee = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_people(actor=cast.steward, community=cast.community,
                               emails=[invitee.email])
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(services.CommunityRuleError, match="expired"):
        services.accept_invitation(user=invitee, token=_token_from(mail.outbox[0]))


def test_a_new_invitation_replaces_the_pending_one(cast, django_capture_on_commit_callbacks):
    invitee = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_people(actor=cast.steward, community=cast.community,
                               emails=[invitee.email])
        services.invite_people(actor=cast.steward, community=cast.community,
                               emails=[invitee.email])
    first, second = (_token_from(message) for message in mail.outbox)
    with pytest.raises(services.CommunityRuleError, match="withdrawn"):
        services.accept_invitation(user=invitee, token=first)
    services.accept_invitation(user=invitee, token=second)


def test_a_revoked_invitation_is_refused(cast, django_capture_on_commit_callbacks):
    invitee = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_people(actor=cast.steward, community=cast.community,
                               emails=[invitee.email])
    services.revoke_invitation(invitation=Invitation.objects.get())
    with pytest.raises(services.CommunityRuleError, match="withdrawn"):
        services.accept_invitation(user=invitee, token=_token_from(mail.outbox[0]))


def test_an_unknown_token_is_refused(cast):
    with pytest.raises(services.CommunityRuleError):
        services.accept_invitation(user=cast.member, token="forged")


def test_changing_role_tier_and_cohorts(cast):
    membership = cast.community.memberships.get(user=cast.member)
    cohort = CohortFactory(community=cast.community)
    services.change_member(membership=membership, role=Membership.Role.FACILITATOR,
                           tier=Membership.Tier.MASTER_TRAINER, cohorts=[cohort])
    membership.refresh_from_db()
    assert (membership.role, membership.tier) == ("facilitator", "master_trainer")
    assert list(membership.cohorts.all()) == [cohort]


def test_a_cohort_of_another_community_is_refused(cast):
    membership = cast.community.memberships.get(user=cast.member)
    with pytest.raises(services.CommunityRuleError):
        services.change_member(membership=membership, role="member", tier="",
                               cohorts=[CohortFactory()])
    assert not membership.cohorts.exists()


def test_the_last_steward_cannot_step_down_leave_or_be_removed(cast):
    stewardship = cast.community.memberships.get(user=cast.steward)
    with pytest.raises(services.CommunityRuleError, match="only steward"):
        services.change_member(membership=stewardship, role="member", tier="")
    with pytest.raises(services.CommunityRuleError, match="last steward"):
        services.remove_member(membership=stewardship)
    stewardship.refresh_from_db()
    assert stewardship.role == Membership.Role.STEWARD


def test_a_steward_can_step_down_once_another_steward_exists(cast):
    MembershipFactory(community=cast.community, role=Membership.Role.STEWARD)
    stewardship = cast.community.memberships.get(user=cast.steward)
    services.change_member(membership=stewardship, role="member", tier="")
    stewardship.refresh_from_db()
    assert stewardship.role == Membership.Role.MEMBER


def test_removing_a_member_keeps_their_account(cast):
    services.remove_member(membership=cast.community.memberships.get(user=cast.member))
    cast.member.refresh_from_db()
    assert not cast.community.memberships.filter(user=cast.member).exists()


def test_cohorts_group_members_and_name_their_trainers(cast):
    people = cast.community.memberships.all()
    trainer = people.get(user=cast.facilitator)
    trainee = people.get(user=cast.member)
    cohort = services.save_cohort(community=cast.community, name="Trained in 2012", year=2012,
                                  members=[trainee], trainers=[trainer])
    assert list(cohort.members.all()) == [trainee]
    assert list(trainer.cohorts_trained.all()) == [cohort]
    with pytest.raises(services.CommunityRuleError):
        services.save_cohort(community=cast.community, name="Trained in 2012")


def test_a_cohort_cannot_hold_members_of_another_community(cast):
    stranger = MembershipFactory()
    with pytest.raises(services.CommunityRuleError):
        services.save_cohort(community=cast.community, name="Mixed", members=[stranger])
    assert not cast.community.cohorts.exists()


def test_deleting_a_cohort_keeps_its_members(cast):
    membership = cast.community.memberships.get(user=cast.member)
    cohort = services.save_cohort(community=cast.community, name="2013", members=[membership])
    services.delete_cohort(cohort=cohort)
    assert cast.community.memberships.filter(pk=membership.pk).exists()
