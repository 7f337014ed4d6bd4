"""Critical friends: inviting, answering, ending, and the friends page."""

import pytest
from django.core import mail
from django.urls import reverse

from praxis.communities.tests.factories import MembershipFactory
from praxis.practice.models import Friendship
from praxis.practice.queries.diary import friends_board, pending_invitations
from praxis.practice.queries.friends import friend_ids
from praxis.practice.services import diary as services
from praxis.practice.services.diary import DiaryRuleError

pytestmark = pytest.mark.django_db


def _friends(cast) -> Friendship:
    friendship = services.invite_friend(community=cast.community, inviter=cast.member,
                                        invitee=cast.facilitator)
    return services.answer_invitation(friendship=friendship, actor=cast.facilitator,
                                      accept=True)


def test_an_invitation_reaches_the_invitee_by_email(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        friendship = services.invite_friend(community=cast.community, inviter=cast.member,
                                            invitee=cast.facilitator,
                                            message="Shall we read each other's plans?")
    assert friendship.status == Friendship.Status.INVITED
    [message] = mail.outbox
    assert message.to == [cast.facilitator.email]
    assert cast.member.display_name in message.subject
    assert "Shall we read each other's plans?" in message.body
    assert f"/c/{cast.community.slug}/friends/" in message.body


def test_no_email_for_an_invitee_who_wants_none(cast, django_capture_on_commit_callbacks):
    cast.facilitator.email_direct = False
    cast.facilitator.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_friend(community=cast.community, inviter=cast.member,
                               invitee=cast.facilitator)
    assert mail.outbox == []
    assert pending_invitations(cast.facilitator)  # the home page still says so


def test_accepting_makes_friends_both_ways_and_ending_undoes_it(cast):
    friendship = _friends(cast)
    assert friend_ids(cast.member.pk, cast.community) == {cast.facilitator.pk}
    assert friend_ids(cast.facilitator.pk) == {cast.member.pk}
    services.end_friendship(friendship=friendship, actor=cast.facilitator)
    assert friend_ids(cast.member.pk) == set()
    friendship.refresh_from_db()
    assert friendship.status == Friendship.Status.ENDED and friendship.ended_at
    # Once ended, they may start again.
    services.invite_friend(community=cast.community, inviter=cast.facilitator,
                           invitee=cast.member)


def test_declining_leaves_no_friendship(cast):
    friendship = services.invite_friend(community=cast.community, inviter=cast.member,
                                        invitee=cast.steward)
    services.answer_invitation(friendship=friendship, actor=cast.steward, accept=False)
    assert friend_ids(cast.member.pk) == set()
    with pytest.raises(DiaryRuleError):  # answered already
        services.answer_invitation(friendship=friendship, actor=cast.steward, accept=True)


@pytest.mark.parametrize("case", ["self", "outsider", "twice", "reverse", "friends", "long"])
def test_invitations_the_rules_refuse_change_nothing(cast, case):
    inviter, invitee, message = cast.member, cast.facilitator, ""
    if case == "self":
        invitee = cast.member
    elif case == "outsider":
        invitee = cast.outsider
    elif case in ("twice", "reverse"):
        services.invite_friend(community=cast.community, inviter=cast.member,
                               invitee=cast.facilitator)
        if case == "reverse":
            inviter, invitee = cast.facilitator, cast.member
    elif case == "friends":
        _friends(cast)
    elif case == "long":
        message = "x" * 1001
    before = list(Friendship.objects.values_list("pk", "status"))
    with pytest.raises(DiaryRuleError):
        services.invite_friend(community=cast.community, inviter=inviter, invitee=invitee,
                               message=message)
    assert list(Friendship.objects.values_list("pk", "status")) == before


def test_only_the_invitee_answers_and_only_the_two_end(cast):
    friendship = services.invite_friend(community=cast.community, inviter=cast.member,
                                        invitee=cast.facilitator)
    for actor in (cast.member, cast.steward):
        with pytest.raises(DiaryRuleError):
            services.answer_invitation(friendship=friendship, actor=actor, accept=True)
    with pytest.raises(DiaryRuleError):  # the invitee answers rather than ends
        services.end_friendship(friendship=friendship, actor=cast.facilitator)
    with pytest.raises(DiaryRuleError):
        services.end_friendship(friendship=friendship, actor=cast.steward)
    services.end_friendship(friendship=friendship, actor=cast.member)  # withdrawn


def test_friendships_are_per_community(cast, make_cast):
    other = make_cast()
    MembershipFactory(community=other.community, user=cast.member)
    MembershipFactory(community=other.community, user=cast.facilitator)
    _friends(cast)
    assert friend_ids(cast.member.pk, other.community) == set()
    assert friend_ids(cast.member.pk, cast.community) == {cast.facilitator.pk}


def test_the_board_sorts_friends_invitations_and_candidates(cast):
    _friends(cast)
    services.invite_friend(community=cast.community, inviter=cast.steward, invitee=cast.member)
    board = friends_board(cast.member, cast.community)
    assert [f.other(cast.member.pk) for f in board.friends] == [cast.facilitator.pk]
    assert [f.inviter for f in board.incoming] == [cast.steward]
    assert board.outgoing == []
    assert cast.member not in board.candidates and cast.steward not in board.candidates
    assert cast.outsider not in board.candidates


def test_the_friends_page_invites_accepts_and_ends(cast, client,
                                                   django_capture_on_commit_callbacks):
    slug = cast.community.slug
    client.force_login(cast.member)
    page = client.get(reverse("practice:friends", args=[slug]))
    assert page.status_code == 200
    assert cast.facilitator.display_name in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("practice:friend_invite", args=[slug]),
                               {"invitee": cast.facilitator.pk, "message": "Hello"})
    assert response.status_code == 302
    friendship = Friendship.objects.get()
    client.force_login(cast.facilitator)
    client.post(reverse("practice:friend_answer", args=[slug, friendship.pk, "accept"]))
    friendship.refresh_from_db()
    assert friendship.status == Friendship.Status.ACCEPTED
    client.post(reverse("practice:friend_answer", args=[slug, friendship.pk, "end"]))
    friendship.refresh_from_db()
    assert friendship.status == Friendship.Status.ENDED


def test_the_friends_page_refuses_bad_input_with_a_message(cast, client):
    slug = cast.community.slug
    client.force_login(cast.member)
    for data in ({"invitee": cast.outsider.pk}, {"invitee": cast.member.pk}, {"invitee": "x"},
                 {"invitee": cast.facilitator.pk, "message": "x" * 5000}, {}):
        response = client.post(reverse("practice:friend_invite", args=[slug]), data)
        assert response.status_code == 400, data
        assert 'class="errorlist' in response.content.decode()
    assert not Friendship.objects.exists()


def test_someone_else_s_invitation_is_not_found(cast, client):
    friendship = services.invite_friend(community=cast.community, inviter=cast.member,
                                        invitee=cast.facilitator)
    client.force_login(cast.steward)
    url = reverse("practice:friend_answer", args=[cast.community.slug, friendship.pk, "accept"])
    assert client.post(url).status_code == 404
    friendship.refresh_from_db()
    assert friendship.status == Friendship.Status.INVITED


def test_the_friends_page_reads_in_a_bounded_number_of_queries(
        cast, client, django_assert_max_num_queries):
    for _ in range(6):
        person = MembershipFactory(community=cast.community).user
        services.invite_friend(community=cast.community, inviter=person, invitee=cast.member)
    client.force_login(cast.member)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("practice:friends", args=[cast.community.slug])
                          ).status_code == 200


def test_the_home_page_shows_invitations_and_friends_new_versions(
        cast, client, make_cast, django_assert_max_num_queries):
    from praxis.practice.models import PlanVersion, SessionPlan

    friendship = _friends(cast)
    stranger_plan = SessionPlan.objects.create(community=cast.community, author=cast.steward,
                                               title="The steward's plan")
    for plan_author, title in ((cast.facilitator, "Jigsaw reading"),
                               (cast.steward, "The steward's plan")):
        plan = (stranger_plan if plan_author == cast.steward else
                SessionPlan.objects.create(community=cast.community, author=plan_author,
                                           title=title))
        for number in (1, 2):
            PlanVersion.objects.create(plan=plan, number=number, title=title,
                                       audience="teachers", duration_minutes=60, aims="Aims")
    other = make_cast()
    services.invite_friend(community=other.community, inviter=other.member,
                           invitee=MembershipFactory(community=other.community,
                                                     user=cast.member).user)
    client.force_login(cast.member)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("core:home")).content.decode()
    assert page.count("Jigsaw reading") == 2
    assert "The steward&#x27;s plan" not in page and "The steward's plan" not in page
    assert f"/c/{other.community.slug}/friends/" in page
    services.end_friendship(friendship=friendship, actor=cast.member)
    assert "Jigsaw reading" not in client.get(reverse("core:home")).content.decode()


def test_a_member_beyond_the_shown_list_is_found_by_name_and_invited(cast, client,
                                                                      monkeypatch):
    from praxis.practice.queries import diary as diary_queries

    monkeypatch.setattr(diary_queries, "CANDIDATES_SHOWN", 2)
    last = MembershipFactory(community=cast.community, user__display_name="Zahra Yazdani").user
    slug = cast.community.slug
    client.force_login(cast.member)
    page = client.get(reverse("practice:friends", args=[slug])).content.decode()
    assert "Zahra Yazdani" not in page and 'name="q"' in page  # not listed, but findable
    found = client.get(reverse("practice:friends", args=[slug]), {"q": "yazd"})
    assert "Zahra Yazdani" in found.content.decode()
    response = client.post(reverse("practice:friend_invite", args=[slug]), {"invitee": last.pk})
    assert response.status_code == 302
    assert Friendship.objects.get().invitee == last


def test_the_home_page_forgets_a_community_its_member_has_left(cast, client):
    from praxis.communities.services import remove_member
    from praxis.practice.services import plans as plan_services
    from praxis.practice.tests.plan_factories import share

    plan = share(cast.community, cast.facilitator, title="Jigsaw reading")
    plan_services.ask_for_feedback(version=plan.versions.get(), asked_by=cast.facilitator,
                                   audience="chosen", questions="", chosen=[cast.member])
    services.invite_friend(community=cast.community, inviter=cast.steward,
                           invitee=cast.member)
    client.force_login(cast.member)
    home = client.get(reverse("core:home")).content.decode()
    assert "Jigsaw reading" in home and cast.steward.display_name in home
    remove_member(membership=cast.member.memberships.get(community=cast.community),
                  actor=cast.member)
    home = client.get(reverse("core:home")).content.decode()
    assert "Jigsaw reading" not in home and cast.steward.display_name not in home
