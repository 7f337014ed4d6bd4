import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from praxis.accounts.tests.factories import UserFactory
from praxis.communities.models import Cohort, Community, Invitation, JoinRequest, Membership
from praxis.communities.tests.factories import CohortFactory, MembershipFactory

pytestmark = pytest.mark.django_db

# Emails leave on commit, so tests that read them commit for real.
commits = pytest.mark.django_db(transaction=True)


def test_a_steward_creates_a_community_through_the_form(cast, client):
    client.force_login(cast.steward)
    response = client.post(reverse("communities:create"), {
        "name": "Observation and supervision", "slug": "observation",
        "description": "Clinical supervision in practice.",
        "visibility": "private", "join_policy": "invitation",
    })
    assert response.status_code == 302
    community = Community.objects.get(slug="observation")
    assert response["Location"] == reverse("communities:invitations", args=["observation"])
    assert community.memberships.get().user == cast.steward


def test_a_reserved_or_taken_slug_is_explained_and_nothing_is_created(cast, client):
    client.force_login(cast.steward)
    for slug in ["new", cast.community.slug]:
        response = client.post(reverse("communities:create"), {
            "name": "X", "slug": slug, "visibility": "listed", "join_policy": "open",
        })
        assert response.status_code == 200
        assert response.context["form"].errors["slug"]
    assert Community.objects.count() == 2  # the cast's community and the outsider's


def test_settings_change_everything_but_the_slug(cast, client):
    client.force_login(cast.steward)
    response = client.post(reverse("communities:settings", args=[cast.community.slug]), {
        "name": "Renamed", "slug": "hijacked", "description": "New words",
        "visibility": "public", "join_policy": "open",
    })
    assert response.status_code == 302
    cast.community.refresh_from_db()
    assert (cast.community.name, cast.community.visibility) == ("Renamed", "public")
    assert cast.community.slug != "hijacked"


@commits
def test_inviting_several_addresses_at_once(cast, client):
    client.force_login(cast.steward)
    response = client.post(reverse("communities:invitations", args=[cast.community.slug]), {
        "emails": "a@example.org, b@example.org\nc@example.org", "role": "member",
        "tier": "trainer", "message": "Welcome!",
    })
    assert response.status_code == 302
    assert sorted(Invitation.objects.values_list("email", flat=True)) == [
        "a@example.org", "b@example.org", "c@example.org"]
    assert len(mail.outbox) == 3


def test_a_bad_address_in_an_invitation_list_sends_nothing(cast, client):
    client.force_login(cast.steward)
    response = client.post(reverse("communities:invitations", args=[cast.community.slug]), {
        "emails": "good@example.org not-an-address", "role": "member",
    })
    assert response.status_code == 200
    assert "not-an-address" in str(response.context["form"].errors["emails"])
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_a_forged_role_in_the_invitation_form_is_refused(cast, client):
    client.force_login(cast.steward)
    response = client.post(reverse("communities:invitations", args=[cast.community.slug]), {
        "emails": "good@example.org", "role": "overlord",
    })
    assert response.status_code == 200
    assert not Invitation.objects.exists()


def _invite(client, cast, email):
    client.force_login(cast.steward)
    client.post(reverse("communities:invitations", args=[cast.community.slug]),
                {"emails": email, "role": "member"})
    client.logout()
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/invitations/" in line)
    return link[link.index("/invitations/"):]


@commits
def test_an_invitee_signs_up_and_accepts(cast, client):
    path = _invite(client, cast, "newcomer@example.org")
    page = client.get(path)
    assert page.status_code == 200
    assert b"newcomer@example.org" in page.content
    response = client.post(reverse("accounts:signup") + "?next=" + path, {
        "display_name": "Newcomer", "email": "newcomer@example.org",
        "password": "a-long-enough-password", "locale": "fa", "next": path,
    })
    assert response["Location"] == path
    response = client.post(path)
    assert response["Location"] == reverse("communities:detail", args=[cast.community.slug])
    assert cast.community.memberships.filter(user__email="newcomer@example.org").exists()
    assert client.post(path).status_code == 302  # a second use is explained, not an error
    assert cast.community.memberships.filter(user__email="newcomer@example.org").count() == 1


@commits
def test_accepting_while_signed_out_asks_to_log_in(cast, client):
    path = _invite(client, cast, "newcomer@example.org")
    response = client.post(path)
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not Invitation.objects.get().accepted_at


def test_an_unknown_invitation_link_is_404(client):
    assert client.get(reverse("communities:invitation", args=["nope"])).status_code == 404


@commits
def test_the_steward_withdraws_an_invitation(cast, client):
    _invite(client, cast, "late@example.org")
    client.force_login(cast.steward)
    invitation = Invitation.objects.get()
    client.post(reverse("communities:invitation_revoke",
                        args=[cast.community.slug, invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_joining_an_open_community_from_its_page(make_cast, client):
    cast = make_cast(join_policy=Community.JoinPolicy.OPEN)
    client.force_login(cast.outsider)
    client.post(reverse("communities:join", args=[cast.community.slug]))
    assert cast.community.memberships.filter(user=cast.outsider).exists()


def test_asking_to_join_and_the_steward_approving(cast, client):
    client.force_login(cast.outsider)
    client.post(reverse("communities:join", args=[cast.community.slug]),
                {"message": "I lead workshops in Shiraz"})
    page = client.get(reverse("communities:detail", args=[cast.community.slug]))
    assert page.context["pending_request"] is not None
    join_request = JoinRequest.objects.get(user=cast.outsider)
    client.force_login(cast.steward)
    page = client.get(reverse("communities:join_requests", args=[cast.community.slug]))
    assert b"I lead workshops in Shiraz" in page.content
    client.post(reverse("communities:join_request_decide",
                        args=[cast.community.slug, join_request.pk]), {"decision": "approve"})
    assert cast.community.memberships.filter(user=cast.outsider).exists()


@commits
def test_declining_with_a_reason(cast, client):
    client.force_login(cast.outsider)
    client.post(reverse("communities:join", args=[cast.community.slug]))
    join_request = JoinRequest.objects.get(user=cast.outsider)
    client.force_login(cast.steward)
    client.post(reverse("communities:join_request_decide",
                        args=[cast.community.slug, join_request.pk]),
                {"decision": "decline", "reason": "Only for project trainers"})
    join_request.refresh_from_db()
    assert join_request.status == "declined"
    assert "Only for project trainers" in mail.outbox[-1].body


def test_an_invitation_only_community_takes_no_requests(make_cast, client):
    cast = make_cast(join_policy=Community.JoinPolicy.INVITATION)
    client.force_login(cast.outsider)
    response = client.post(reverse("communities:join", args=[cast.community.slug]))
    assert response.status_code == 403
    assert not JoinRequest.objects.exists()


def test_the_steward_changes_role_tier_and_cohorts(cast, client):
    cohort = CohortFactory(community=cast.community)
    membership = cast.community.memberships.get(user=cast.member)
    client.force_login(cast.steward)
    response = client.post(
        reverse("communities:member_edit", args=[cast.community.slug, membership.pk]),
        {"role": "facilitator", "tier": "master_trainer", "cohorts": [cohort.pk]},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.role, membership.tier) == ("facilitator", "master_trainer")
    assert list(membership.cohorts.all()) == [cohort]


def test_a_member_of_another_community_cannot_be_edited_through_this_one(cast, client):
    elsewhere = MembershipFactory()
    client.force_login(cast.steward)
    response = client.get(
        reverse("communities:member_edit", args=[cast.community.slug, elsewhere.pk])
    )
    assert response.status_code == 404


def test_the_steward_removes_a_member(cast, client):
    membership = cast.community.memberships.get(user=cast.member)
    client.force_login(cast.steward)
    client.post(reverse("communities:member_remove", args=[cast.community.slug, membership.pk]))
    assert not cast.community.memberships.filter(user=cast.member).exists()


def test_the_only_steward_is_told_why_they_cannot_leave(cast, client):
    client.force_login(cast.steward)
    response = client.post(reverse("communities:leave", args=[cast.community.slug]),
                           follow=True)
    assert "last steward" in response.content.decode()
    assert cast.community.memberships.filter(user=cast.steward).exists()


def test_a_member_leaves(cast, client):
    client.force_login(cast.member)
    client.post(reverse("communities:leave", args=[cast.community.slug]))
    assert not cast.community.memberships.filter(user=cast.member).exists()


def test_the_steward_creates_edits_and_deletes_a_cohort(cast, client):
    client.force_login(cast.steward)
    people = {m.user_id: m for m in cast.community.memberships.all()}
    client.post(reverse("communities:cohort_create", args=[cast.community.slug]), {
        "name": "Master trainers trained in 2012", "year": "2012",
        "trainers": [people[cast.facilitator.pk].pk], "members": [people[cast.member.pk].pk],
    })
    cohort = Cohort.objects.get()
    assert list(cohort.trainers.all()) == [people[cast.facilitator.pk]]
    client.post(reverse("communities:cohort_edit", args=[cast.community.slug, cohort.pk]),
                {"name": "Renamed cohort", "members": []})
    cohort.refresh_from_db()
    assert cohort.name == "Renamed cohort"
    assert not cohort.members.exists()
    client.post(reverse("communities:cohort_delete", args=[cast.community.slug, cohort.pk]))
    assert not Cohort.objects.exists()


def test_the_directory_shows_roles_tiers_and_cohorts_and_filters(cast, client):
    cohort = CohortFactory(community=cast.community, name="Isfahan 2013")
    membership = cast.community.memberships.get(user=cast.member)
    membership.tier = Membership.Tier.TRAINER
    membership.save()
    cohort.members.add(membership)
    client.force_login(cast.member)
    url = reverse("communities:members", args=[cast.community.slug])
    page = client.get(url).content.decode()
    assert "Isfahan 2013" in page and "Trainer" in page and "Steward" in page
    filtered = client.get(url, {"cohort": cohort.pk})
    assert [m.user for m in filtered.context["page"]] == [cast.member]
    filtered = client.get(url, {"role": "steward"})
    assert [m.user for m in filtered.context["page"]] == [cast.steward]
    filtered = client.get(url, {"q": cast.facilitator.display_name})
    assert cast.facilitator in [m.user for m in filtered.context["page"]]


def _queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _grow(community, steward, cohort, count, start):
    for n in range(start, start + count):
        membership = MembershipFactory(community=community, tier="trainer")
        cohort.members.add(membership)
        CohortFactory(community=community).trainers.add(membership)
        JoinRequest.objects.create(community=community, user=UserFactory())
        MembershipFactory(user=steward)
        Invitation.objects.create(community=community, email=f"p{n}@example.org",
                                  token_hash=str(n), expires_at="2100-01-01T00:00Z")


def test_directory_and_community_pages_use_a_constant_number_of_queries(cast, client):
    cohort = CohortFactory(community=cast.community)
    client.force_login(cast.steward)
    urls = [reverse(name, args=[cast.community.slug]) for name in (
        "communities:members", "communities:detail", "communities:cohorts",
        "communities:join_requests", "communities:invitations")] + [reverse("core:home")]
    _grow(cast.community, cast.steward, cohort, count=1, start=0)
    before = [_queries_for(client, url) for url in urls]
    _grow(cast.community, cast.steward, cohort, count=30, start=1)
    after = [_queries_for(client, url) for url in urls]
    assert after == before


def _topics_and_threads(community, author, count, start):
    from datetime import timedelta

    from django.utils import timezone

    from praxis.discussions.services import publish_post, start_thread
    from praxis.topics.models import Topic

    now = timezone.now()
    for n in range(start, start + count):
        topic = Topic.objects.create(
            community=community, title=f"Topic {n}", slug=f"topic-{n}",
            starts_at=now - timedelta(days=2), apply_from=now + timedelta(days=2),
            ends_at=now + timedelta(days=5))
        topic.facilitators.add(author)
        Topic.objects.create(
            community=community, title=f"Later {n}", slug=f"later-{n}",
            starts_at=now + timedelta(days=9), apply_from=now + timedelta(days=12),
            ends_at=now + timedelta(days=16))
        thread = start_thread(topic=topic, author=author, title=f"Question {n}", body="Why?")
        publish_post(thread=thread, author=author, body="Because.")


def test_the_community_home_shows_topics_and_news_in_constant_queries(cast, client):
    _topics_and_threads(cast.community, cast.facilitator, count=1, start=0)
    client.force_login(cast.member)
    url = reverse("communities:detail", args=[cast.community.slug])
    page = client.get(url)
    assert "Topic 0" in page.content.decode() and "Question 0" in page.content.decode()
    before = _queries_for(client, url)
    _topics_and_threads(cast.community, cast.facilitator, count=15, start=1)
    assert _queries_for(client, url) == before
