"""Flags and moderation services: the rules, and a log entry for every act."""

import pytest
from django.core.exceptions import PermissionDenied

from praxis.access import moderator_scope, move_targets, topic_access
from praxis.communities.models import Membership
from praxis.communities.tests.factories import MembershipFactory
from praxis.discussions import moderation
from praxis.discussions.models import Flag, ModerationAction, Post, Thread
from praxis.discussions.moderation import ModerationRuleError
from praxis.discussions.tests.test_moderation_support import (
    make_discussion,
    make_thread,
    make_topic,
    opener,
    reply,
)

Action = ModerationAction.Action


@pytest.fixture
def discussion(cast):
    return make_discussion(cast)


def access_of(person, topic):
    return topic_access(person, topic)


def flag(person, post, reason="Names a participant's child."):
    return moderation.flag_post(access=access_of(person, post.thread.topic), user=person,
                                post=post, reason=reason)


def hide(actor, post, reason="Personal data"):
    return moderation.hide_post(access=access_of(actor, post.thread.topic), actor=actor,
                                post=post, reason=reason)


# Flags ---------------------------------------------------------------------------------------

def test_a_member_flags_a_post_with_a_reason(discussion):
    found = flag(discussion.cast.member, discussion.post)
    assert found.reason == "Names a participant's child."
    assert found.resolved_at is None


def test_a_flag_needs_a_reason(discussion):
    with pytest.raises(ModerationRuleError):
        flag(discussion.cast.member, discussion.post, reason="   ")
    assert not Flag.objects.exists()


def test_one_open_flag_per_person_and_post(discussion):
    flag(discussion.cast.member, discussion.post)
    with pytest.raises(ModerationRuleError):
        flag(discussion.cast.member, discussion.post, reason="Again")
    flag(discussion.cast.steward, discussion.post)  # someone else may
    assert Flag.objects.count() == 2


def test_after_a_flag_is_resolved_the_same_person_may_flag_again(discussion):
    cast = discussion.cast
    flag(cast.member, discussion.post)
    moderation.dismiss_flags(access=access_of(cast.facilitator, discussion.topic),
                             actor=cast.facilitator, post=discussion.post, reason="Fine")
    flag(cast.member, discussion.post, reason="It was edited to name the child again")
    assert Flag.objects.filter(resolved_at=None).count() == 1


def test_nobody_flags_their_own_post(discussion):
    with pytest.raises(ModerationRuleError):
        flag(discussion.author, discussion.post)


def test_an_outsider_cannot_flag_in_a_public_community(make_cast):
    cast = make_cast(visibility="public")
    discussion = make_discussion(cast)
    with pytest.raises(PermissionDenied):
        flag(cast.outsider, discussion.post)


def test_members_flag_posts_of_archived_topics(cast):
    discussion = make_discussion(cast, state="archived")
    assert flag(cast.member, discussion.post).pk


# Hide and restore ---------------------------------------------------------------------------

def test_hiding_a_post_records_who_when_and_why_and_resolves_its_flags(discussion):
    cast = discussion.cast
    flag(cast.member, discussion.post)
    flag(cast.steward, discussion.post, reason="Advertising")
    entry = hide(cast.facilitator, discussion.post, reason="Names a child")
    post = Post.objects.get(pk=discussion.post.pk)
    assert post.is_hidden and post.hidden_reason == "Names a child"
    assert post.hidden_by == cast.facilitator and post.hidden_at is not None
    assert not Flag.objects.filter(resolved_at=None).exists()
    assert set(Flag.objects.values_list("resolved_by", flat=True)) == {cast.facilitator.pk}
    assert (entry.action, entry.actor, entry.post, entry.thread, entry.reason) == (
        Action.HIDE, cast.facilitator, post, discussion.thread, "Names a child"
    )
    assert entry.community == cast.community
    assert entry.details == {"flags_resolved": 2}


def test_hiding_needs_a_reason(discussion):
    with pytest.raises(ModerationRuleError):
        hide(discussion.cast.facilitator, discussion.post, reason="")
    assert not Post.objects.get(pk=discussion.post.pk).is_hidden
    assert not ModerationAction.objects.exists()


def test_a_reason_has_a_length_limit(discussion):
    with pytest.raises(ModerationRuleError):
        hide(discussion.cast.facilitator, discussion.post, reason="x" * 2001)


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_only_moderators_hide_posts(discussion, who):
    with pytest.raises(PermissionDenied):
        hide(getattr(discussion.cast, who), discussion.post)
    assert not ModerationAction.objects.exists()


def test_a_topic_facilitator_moderates_their_topic(discussion):
    guest = MembershipFactory(community=discussion.cast.community,
                              role=Membership.Role.MEMBER).user
    discussion.topic.facilitators.add(guest)
    assert hide(guest, discussion.post).actor == guest


def test_a_post_hidden_already_is_not_hidden_twice(discussion):
    hide(discussion.cast.facilitator, discussion.post)
    with pytest.raises(ModerationRuleError):
        hide(discussion.cast.steward, discussion.post)
    assert ModerationAction.objects.count() == 1


def test_restoring_shows_the_post_again_and_is_logged(discussion):
    cast = discussion.cast
    hide(cast.facilitator, discussion.post)
    entry = moderation.restore_post(access=access_of(cast.steward, discussion.topic),
                                    actor=cast.steward, post=discussion.post,
                                    reason="The name was removed")
    post = Post.objects.get(pk=discussion.post.pk)
    assert not post.is_hidden and post.hidden_by is None and post.hidden_reason == ""
    assert (entry.action, entry.reason) == (Action.RESTORE, "The name was removed")
    assert list(ModerationAction.objects.values_list("action", flat=True)) == [
        Action.RESTORE, Action.HIDE,
    ]


def test_restoring_needs_a_hidden_post_and_a_reason(discussion):
    cast = discussion.cast
    access = access_of(cast.facilitator, discussion.topic)
    with pytest.raises(ModerationRuleError):
        moderation.restore_post(access=access, actor=cast.facilitator, post=discussion.post,
                                reason="Why not")
    hide(cast.facilitator, discussion.post)
    with pytest.raises(ModerationRuleError):
        moderation.restore_post(access=access, actor=cast.facilitator, post=discussion.post,
                                reason=" ")


def test_dismissing_flags_keeps_the_post_and_is_logged(discussion):
    cast = discussion.cast
    flag(cast.member, discussion.post)
    entry = moderation.dismiss_flags(access=access_of(cast.steward, discussion.topic),
                                     actor=cast.steward, post=discussion.post,
                                     reason="A fair disagreement")
    assert not Post.objects.get(pk=discussion.post.pk).is_hidden
    assert (entry.action, entry.details) == (Action.RESOLVE_FLAG, {"flags_resolved": 1})
    with pytest.raises(ModerationRuleError):  # nothing left to dismiss
        moderation.dismiss_flags(access=access_of(cast.steward, discussion.topic),
                                 actor=cast.steward, post=discussion.post, reason="Again")


def test_the_access_must_be_for_the_posts_topic(discussion):
    other_topic = make_topic(discussion.cast.community, title="Another")
    with pytest.raises(ValueError):
        moderation.hide_post(access=access_of(discussion.cast.steward, other_topic),
                             actor=discussion.cast.steward, post=discussion.post,
                             reason="Wrong door")


# Threads: lock, pin, move -------------------------------------------------------------------

@pytest.mark.parametrize("do,undo,field", [
    (moderation.lock_thread, moderation.unlock_thread, "is_locked"),
    (moderation.pin_thread, moderation.unpin_thread, "is_pinned"),
])
def test_lock_and_pin_change_the_thread_and_are_logged(discussion, do, undo, field):
    cast, thread = discussion.cast, discussion.thread
    access = access_of(cast.facilitator, discussion.topic)
    do(access=access, actor=cast.facilitator, thread=thread, reason="Off topic now")
    assert getattr(Thread.objects.get(pk=thread.pk), field) is True
    with pytest.raises(ModerationRuleError):  # already so
        do(access=access, actor=cast.facilitator, thread=thread, reason="Again")
    undo(access=access, actor=cast.steward, thread=thread, reason="Back on topic")
    assert getattr(Thread.objects.get(pk=thread.pk), field) is False
    log = list(ModerationAction.objects.order_by("created_at", "id")
               .values_list("action", "actor", "thread", "reason"))
    verb = field.removeprefix("is_").removesuffix("ed")
    verb = {"lock": "lock", "pinn": "pin"}[verb]
    assert log == [
        (verb, cast.facilitator.pk, thread.pk, "Off topic now"),
        ("un" + verb, cast.steward.pk, thread.pk, "Back on topic"),
    ]


def test_thread_acts_need_a_reason_and_a_moderator(discussion):
    cast = discussion.cast
    with pytest.raises(ModerationRuleError):
        moderation.lock_thread(access=access_of(cast.facilitator, discussion.topic),
                               actor=cast.facilitator, thread=discussion.thread, reason="")
    with pytest.raises(PermissionDenied):
        moderation.pin_thread(access=access_of(cast.member, discussion.topic),
                              actor=cast.member, thread=discussion.thread, reason="Mine")
    assert not ModerationAction.objects.exists()


def test_moving_a_thread_takes_its_posts_and_logs_from_and_to(discussion):
    cast = discussion.cast
    target = make_topic(cast.community, title="Observation and clinical supervision")
    entry = moderation.move_thread(access=access_of(cast.steward, discussion.topic),
                                   actor=cast.steward, thread=discussion.thread,
                                   to=access_of(cast.steward, target),
                                   reason="Belongs with observation")
    thread = Thread.objects.get(pk=discussion.thread.pk)
    assert thread.topic == target
    assert thread.posts.count() == 2
    assert entry.action == Action.MOVE
    assert entry.details == {
        "from_topic": discussion.topic.pk, "from_title": discussion.topic.title,
        "to_topic": target.pk, "to_title": target.title,
    }


def test_a_thread_moves_only_within_its_community(discussion, make_cast):
    elsewhere = make_topic(make_cast().community, title="Elsewhere")
    with pytest.raises(ModerationRuleError):
        moderation.move_thread(access=access_of(discussion.cast.steward, discussion.topic),
                               actor=discussion.cast.steward, thread=discussion.thread,
                               to=access_of(discussion.cast.steward, elsewhere),
                               reason="Wrong place")
    assert Thread.objects.get(pk=discussion.thread.pk).topic == discussion.topic
    assert not ModerationAction.objects.exists()


def test_a_thread_does_not_move_to_its_own_topic_or_an_archived_one(discussion):
    cast = discussion.cast
    access = access_of(cast.steward, discussion.topic)
    archived = make_topic(cast.community, state="archived", title="Old")
    for target in (discussion.topic, archived):
        with pytest.raises(ModerationRuleError):
            moderation.move_thread(access=access, actor=cast.steward,
                                   thread=discussion.thread, to=access_of(cast.steward, target),
                                   reason="Move")


def test_a_topic_facilitator_moves_only_to_topics_they_moderate(discussion):
    cast = discussion.cast
    guest = MembershipFactory(community=cast.community, role=Membership.Role.MEMBER).user
    discussion.topic.facilitators.add(guest)
    theirs = make_topic(cast.community, title="Theirs", facilitators=(guest,))
    others = make_topic(cast.community, title="Others")
    access = access_of(guest, discussion.topic)
    assert list(move_targets(access, guest)) == [theirs]
    with pytest.raises(PermissionDenied):
        moderation.move_thread(access=access, actor=guest, thread=discussion.thread,
                               to=access_of(guest, others), reason="Move")
    moderation.move_thread(access=access, actor=guest, thread=discussion.thread,
                           to=access_of(guest, theirs), reason="Move")


# Reads -------------------------------------------------------------------------------------

def test_the_moderation_queue_groups_open_flags_by_post(discussion, django_assert_num_queries):
    cast = discussion.cast
    second = opener(discussion.thread)
    flag(cast.member, discussion.post)
    flag(cast.steward, discussion.post, reason="Advertising")
    flag(cast.member, second, reason="Rude")
    scope = moderator_scope(cast.facilitator,
                                       topic_access(cast.facilitator,
                                                    discussion.topic).community_access)
    with django_assert_num_queries(1):
        flagged = moderation.flagged_posts(scope)
    assert [(item.post, [f.reason for f in item.flags]) for item in flagged] == [
        (discussion.post, ["Names a participant's child.", "Advertising"]),
        (second, ["Rude"]),
    ]
    assert moderation.flagged_post_count(scope) == 2


def test_a_topic_facilitator_sees_the_flags_and_log_of_their_topics_only(discussion):
    cast = discussion.cast
    guest = MembershipFactory(community=cast.community, role=Membership.Role.MEMBER).user
    theirs = make_topic(cast.community, title="Theirs", facilitators=(guest,))
    their_thread = make_thread(theirs, cast.facilitator)
    their_post = reply(their_thread, cast.steward, "In their topic")
    flag(cast.member, discussion.post)
    flag(cast.member, their_post)
    moderation.lock_thread(access=access_of(cast.steward, discussion.topic),
                           actor=cast.steward, thread=discussion.thread, reason="Elsewhere")
    moderation.pin_thread(access=access_of(guest, theirs), actor=guest,
                          thread=their_thread, reason="Theirs")
    community_access = topic_access(guest, theirs).community_access
    scope = moderator_scope(guest, community_access)
    assert scope is not None and not scope.everywhere
    assert [item.post for item in moderation.flagged_posts(scope)] == [their_post]
    assert [entry.thread for entry in moderation.moderation_log(scope)] == [their_thread]
    assert moderator_scope(
        cast.member, topic_access(cast.member, theirs).community_access
    ) is None
