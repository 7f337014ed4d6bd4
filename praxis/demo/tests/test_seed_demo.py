from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError

from praxis.accounts.models import User
from praxis.accounts.tests.factories import UserFactory
from praxis.communities.models import Cohort, Community, Invitation, JoinRequest, Membership
from praxis.communities.tests.factories import CommunityFactory
from praxis.demo.communities import (
    DEMO_PASSWORD,
    DEMO_SLUGS,
    MAIN_SLUG,
    OPEN_SLUG,
    PEOPLE_DOMAIN,
    PRIVATE_SLUG,
)
from praxis.notifications.models import OutboundEmail

Tier = Membership.Tier
RANK = {Tier.CONSULTANT: 0, Tier.MASTER_TRAINER: 1, Tier.TRAINER: 2, Tier.TEACHER: 3}


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def fingerprint() -> list[tuple]:
    """Who is where, in which role, tier and cohorts: independent of database ids."""
    memberships = (
        Membership.objects.filter(community__slug__in=DEMO_SLUGS)
        .select_related("user", "community").prefetch_related("cohorts")
    )
    rows: list[tuple] = [
        ("member", m.community.slug, m.user.email, m.user.display_name, m.user.region,
         m.tier, m.role, tuple(sorted(c.name for c in m.cohorts.all())))
        for m in memberships
    ]
    for cohort in Cohort.objects.filter(community__slug=MAIN_SLUG).prefetch_related(
        "trainers__user"
    ):
        rows.append(("cohort", cohort.name, cohort.year,
                     tuple(sorted(t.user.email for t in cohort.trainers.all()))))
    rows += [("request", email) for email in
             JoinRequest.objects.values_list("user__email", flat=True)]
    rows += [("invitation", email) for email in
             Invitation.objects.values_list("email", flat=True)]
    return sorted(rows)


@pytest.fixture
def demo(db) -> str:
    return seed()


def main_memberships() -> list[Membership]:
    return list(
        Membership.objects.filter(community__slug=MAIN_SLUG)
        .select_related("user").prefetch_related("cohorts")
    )


def test_main_community_has_the_shape_of_the_study(demo):
    main = Community.objects.get(slug=MAIN_SLUG)
    assert main.visibility == Community.Visibility.LISTED
    assert main.join_policy == Community.JoinPolicy.REQUEST
    assert len(main.description) > 200
    memberships = main_memberships()
    tiers = Counter(m.tier for m in memberships)
    assert 120 <= len(memberships) <= 130
    assert 4 <= tiers[Tier.CONSULTANT] <= 5
    assert 18 <= tiers[Tier.MASTER_TRAINER] <= 22
    assert 1 <= tiers[Tier.TEACHER] <= 10
    assert tiers[Tier.TRAINER] >= 80
    roles = Counter(m.role for m in memberships)
    assert 2 <= roles[Membership.Role.STEWARD] <= 3
    facilitators = [m for m in memberships if m.role == Membership.Role.FACILITATOR]
    assert {m.tier for m in facilitators} == {Tier.CONSULTANT, Tier.MASTER_TRAINER}
    iranians = [m.user for m in memberships if m.tier != Tier.CONSULTANT]
    assert len({user.region for user in iranians}) >= 15
    assert {user.timezone for user in iranians} == {"Asia/Tehran"}
    locales = Counter(user.locale for user in iranians)
    assert locales["fa"] > locales["en"] > 0
    assert any(not user.display_name.isascii() for user in iranians)  # some in Persian script
    consultants = [m.user for m in memberships if m.tier == Tier.CONSULTANT]
    assert all(user.timezone.startswith("Europe/") and user.locale == "en"
               for user in consultants)


def test_cohorts_show_the_cascade(demo):
    for membership in main_memberships():
        if membership.tier in (Tier.MASTER_TRAINER, Tier.TRAINER, Tier.TEACHER):
            assert membership.cohorts.all(), f"{membership.user} is in no cohort"
    cohorts = Cohort.objects.filter(community__slug=MAIN_SLUG).prefetch_related(
        "members", "trainers"
    )
    assert len(cohorts) >= 6
    for cohort in cohorts:
        assert cohort.year and cohort.description
        members = [RANK[m.tier] for m in cohort.members.all()]
        trainers = [RANK[m.tier] for m in cohort.trainers.all()]
        assert members and trainers, cohort.name
        assert max(trainers) <= min(members), cohort.name
        assert min(trainers) == min(members) - 1, cohort.name  # trained one step up
    first = cohorts.get(year=2012)
    assert {m.tier for m in first.trainers.all()} == {Tier.CONSULTANT}


@pytest.mark.parametrize("email", ["steward@example.org", "facilitator@example.org",
                                   "member@example.org"])
def test_demo_accounts_log_in_with_the_demo_password(demo, client, email):
    assert client.login(username=email, password=DEMO_PASSWORD)


def test_accounts_have_their_roles(demo):
    def membership(email: str, slug: str = MAIN_SLUG) -> Membership:
        return Membership.objects.get(user__email=email, community__slug=slug)

    steward = User.objects.get(email="steward@example.org")
    assert steward.is_staff and not steward.is_superuser
    assert membership("steward@example.org").role == Membership.Role.STEWARD
    facilitator = membership("facilitator@example.org")
    assert facilitator.role == Membership.Role.FACILITATOR
    assert facilitator.tier in (Tier.CONSULTANT, Tier.MASTER_TRAINER)
    member = membership("member@example.org")
    assert (member.role, member.tier) == (Membership.Role.MEMBER, Tier.TRAINER)
    assert "steward@example.org" in demo and DEMO_PASSWORD in demo


def test_every_generated_person_shares_the_password(demo):
    person = User.objects.filter(email__endswith="@" + PEOPLE_DOMAIN).order_by("email").first()
    assert authenticate(username=person.email, password=DEMO_PASSWORD) == person


def test_privacy_holds_between_communities(demo):
    private = Community.objects.get(slug=PRIVATE_SLUG)
    assert private.visibility == Community.Visibility.PRIVATE
    assert private.join_policy == Community.JoinPolicy.INVITATION
    team = set(private.memberships.values_list("user__email", flat=True))
    assert "steward@example.org" in team
    assert "facilitator@example.org" not in team and "member@example.org" not in team
    consultants = set(Membership.objects.filter(community__slug=MAIN_SLUG, tier=Tier.CONSULTANT)
                      .values_list("user__email", flat=True))
    assert team == consultants | {"steward@example.org"}

    public = Community.objects.get(slug=OPEN_SLUG)
    assert public.visibility == Community.Visibility.PUBLIC
    assert public.join_policy == Community.JoinPolicy.OPEN
    assert not public.memberships.filter(user__email="member@example.org").exists()
    assert public.memberships.count() >= 4


def test_steward_has_requests_and_invitations_waiting(demo):
    requests = JoinRequest.objects.filter(community__slug=MAIN_SLUG,
                                          status=JoinRequest.Status.PENDING)
    assert requests.count() >= 2
    assert all(request.message for request in requests)
    assert not Membership.objects.filter(
        community__slug=MAIN_SLUG, user__in=[r.user_id for r in requests]
    ).exists()
    invitations = Invitation.objects.filter(community__slug=MAIN_SLUG)
    assert invitations.count() >= 2
    assert all(i.is_pending and len(i.token_hash) == 64 for i in invitations)
    assert {i.invited_by.email for i in invitations} == {"steward@example.org"}


def test_same_seed_gives_the_same_demo_and_another_seed_another(db):
    seed()
    first = fingerprint()
    seed("--reset")
    assert fingerprint() == first
    seed("--reset", "--seed", "7")
    assert fingerprint() != first


def test_if_empty_leaves_a_loaded_demo_alone(demo):
    before = fingerprint()
    people = User.objects.count()
    output = seed("--if-empty")
    assert "already loaded" in output
    assert User.objects.count() == people and fingerprint() == before


def test_if_empty_loads_an_empty_database(db):
    assert "Demo loaded" in seed("--if-empty")
    assert Community.objects.filter(slug=MAIN_SLUG).exists()


def test_refuses_to_load_twice_without_a_flag(demo):
    with pytest.raises(CommandError, match="--reset"):
        seed()


def test_refuses_when_a_demo_address_is_taken(db):
    CommunityFactory(slug=MAIN_SLUG)
    with pytest.raises(CommandError, match="--reset"):
        seed()


def test_reset_spares_what_is_not_the_demo(demo):
    someone = UserFactory(email="admin@example.org")
    theirs = CommunityFactory(slug="our-college")
    seed("--reset")
    assert User.objects.filter(pk=someone.pk).exists()
    assert Community.objects.filter(pk=theirs.pk).exists()
    assert Community.objects.filter(slug__in=DEMO_SLUGS).count() == 3


@pytest.mark.django_db(transaction=True)
def test_no_email_goes_out_while_seeding(settings, capsys, mailoutbox):
    # Here the transaction really commits, so any delivery enqueued on commit would run.
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    seed()
    assert "Subject:" not in capsys.readouterr().out and not mailoutbox
    # The invitations and join requests are in the outbox, as the past's sent email.
    Kind = OutboundEmail.Kind
    notices = OutboundEmail.objects.filter(kind__in=[Kind.NOTICE, Kind.PRIVATE_LINK])
    invitations = notices.filter(kind=Kind.PRIVATE_LINK, user=None)  # to new addresses
    assert invitations.exists() and not invitations.exclude(body_text="").exists()
    assert set(notices.values_list("status", flat=True)) == {OutboundEmail.Status.SENT}
