"""Reactions: the rules of toggle_reaction, the counts a thread page shows, and the
"I will use this" reactions later impact records start from."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from praxis.access import topic_access
from praxis.discussions.models import Reaction
from praxis.discussions.moderation import ModerationRuleError, toggle_reaction
from praxis.discussions.reactions import annotate_reactions, will_use_reactions
from praxis.discussions.tests.test_moderation_support import (
    make_discussion,
    make_thread,
    make_topic,
    reply,
)

HELPFUL, WILL_USE = Reaction.Kind.HELPFUL, Reaction.Kind.WILL_USE


@pytest.fixture
def discussion(cast):
    return make_discussion(cast)


def react(person, post, kind=HELPFUL):
    access = topic_access(person, post.thread.topic)
    return toggle_reaction(access=access, user=person, post=post, kind=kind)


def test_a_member_marks_a_post_helpful_and_takes_it_back(discussion):
    member, post = discussion.cast.member, discussion.post
    assert react(member, post) is True
    assert Reaction.objects.filter(post=post, user=member, kind=HELPFUL).exists()
    assert react(member, post) is False
    assert not Reaction.objects.filter(post=post, user=member).exists()


def test_both_kinds_of_reaction_are_separate(discussion):
    member, post = discussion.cast.member, discussion.post
    react(member, post, HELPFUL)
    react(member, post, WILL_USE)
    assert set(post.reactions.values_list("kind", flat=True)) == {HELPFUL, WILL_USE}


@pytest.mark.parametrize("kind", [HELPFUL, WILL_USE])
def test_nobody_reacts_to_their_own_post(discussion, kind):
    with pytest.raises(ModerationRuleError):
        react(discussion.author, discussion.post, kind)
    assert not Reaction.objects.exists()


def test_an_outsider_cannot_react_even_in_a_public_community(make_cast):
    cast = make_cast(visibility="public")
    discussion = make_discussion(cast)
    with pytest.raises(PermissionDenied):
        react(cast.outsider, discussion.post)


def test_reactions_close_when_the_topic_is_archived(cast):
    discussion = make_discussion(cast, state="archived")
    with pytest.raises(ModerationRuleError):
        react(cast.member, discussion.post)


@pytest.mark.parametrize("state", ["scheduled", "open", "apply", "closed"])
def test_members_react_until_the_topic_is_archived(cast, state):
    discussion = make_discussion(cast, state=state)
    assert react(cast.member, discussion.post) is True


def test_a_hidden_post_takes_no_reactions(discussion):
    discussion.post.is_hidden = True
    discussion.post.save()
    with pytest.raises(ModerationRuleError):
        react(discussion.cast.member, discussion.post)


def test_an_unknown_kind_is_refused(discussion):
    with pytest.raises(ModerationRuleError):
        react(discussion.cast.member, discussion.post, "love")


def test_annotate_reactions_counts_a_whole_page_in_two_queries(
    discussion, django_assert_num_queries
):
    cast = discussion.cast
    posts = [discussion.post] + [
        reply(discussion.thread, discussion.author, f"Idea {n}") for n in range(5)
    ]
    for person in (cast.member, cast.facilitator, cast.steward):
        react(person, posts[0], HELPFUL)
    react(cast.member, posts[0], WILL_USE)
    react(cast.steward, posts[3], WILL_USE)
    page = list(type(posts[0]).objects.filter(pk__in=[p.pk for p in posts]).order_by("path"))
    access = topic_access(cast.member, discussion.topic)
    with django_assert_num_queries(2):
        annotate_reactions(page, cast.member, access=access)
    by_id = {post.pk: post for post in page}
    assert by_id[posts[0].pk].reaction_counts == {HELPFUL: 3, WILL_USE: 1}
    assert by_id[posts[0].pk].my_reactions == {HELPFUL, WILL_USE}
    assert by_id[posts[3].pk].reaction_counts == {WILL_USE: 1}
    assert by_id[posts[3].pk].my_reactions == set()
    assert by_id[posts[1].pk].reaction_counts == {}
    assert all(post.can_react and post.can_flag for post in page)


def test_annotate_reactions_for_a_visitor_asks_once_and_allows_nothing(
    discussion, django_assert_num_queries
):
    page = [discussion.post]
    with django_assert_num_queries(1):
        annotate_reactions(page, AnonymousUser())
    assert page[0].my_reactions == set()
    assert page[0].can_react is False and page[0].can_flag is False


def test_annotate_reactions_of_an_empty_page_asks_nothing(django_assert_num_queries, db):
    with django_assert_num_queries(0):
        annotate_reactions([], AnonymousUser())


def test_the_author_may_not_react_to_or_flag_their_own_post(discussion):
    page = [discussion.post]
    annotate_reactions(page, discussion.author,
                       access=topic_access(discussion.author, discussion.topic))
    assert page[0].can_react is False and page[0].can_flag is False


def test_will_use_reactions_of_a_community_only(discussion, make_cast):
    cast = discussion.cast
    react(cast.member, discussion.post, WILL_USE)
    react(cast.steward, discussion.post, HELPFUL)
    elsewhere = make_cast()
    other = make_thread(make_topic(elsewhere.community), elsewhere.facilitator)
    other_post = reply(other, elsewhere.steward, "Elsewhere")
    react(elsewhere.member, other_post, WILL_USE)
    found = list(will_use_reactions(cast.community))
    assert [(r.user, r.post) for r in found] == [(cast.member, discussion.post)]
