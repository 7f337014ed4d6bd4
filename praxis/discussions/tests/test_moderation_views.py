"""The reaction, flag and moderation pages: the permission matrix, then what each does."""

import pytest
from django.urls import reverse

from praxis.communities.models import Community, Membership
from praxis.communities.tests.cast import VISITORS
from praxis.communities.tests.factories import MembershipFactory
from praxis.discussions.models import Flag, ModerationAction, Post, Reaction, Thread
from praxis.discussions.tests.test_moderation_support import (
    make_discussion,
    make_thread,
    make_topic,
    reply,
)

LOGIN = "login"

# (method, view) -> answers for (anonymous, outsider, member, facilitator, steward) in a
# listed community. The post belongs to a fifth person, so nobody meets their own post.
LISTED = {
    ("post", "react"): (LOGIN, 403, 302, 302, 302),
    ("get", "flag"): (LOGIN, 403, 200, 200, 200),
    ("post", "flag"): (LOGIN, 403, 302, 302, 302),
    ("get", "post_hide"): (LOGIN, 403, 403, 200, 200),
    ("post", "post_hide"): (LOGIN, 403, 403, 302, 302),
    ("get", "post_restore"): (LOGIN, 403, 403, 200, 200),
    ("post", "flags_dismiss"): (LOGIN, 403, 403, 302, 302),
    ("get", "thread_moderate"): (LOGIN, 403, 403, 200, 200),
    ("post", "thread_moderate"): (LOGIN, 403, 403, 302, 302),
    ("get", "moderation"): (LOGIN, 403, 403, 200, 200),
}
# A private community does not exist for those outside it.
PRIVATE = {key: (404, 404, *answers[2:]) for key, answers in LISTED.items()}
# A public one may be read by anyone, but acting in it needs membership.
PUBLIC = LISTED


def _url(name, discussion):
    slug = discussion.slug
    if name == "thread_moderate":
        return reverse(f"discussions:{name}", args=[slug, discussion.thread.pk])
    if name == "moderation":
        return reverse("discussions:moderation", args=[slug])
    return reverse(f"discussions:{name}", args=[slug, discussion.post.pk])


DATA = {
    "react": {"kind": "helpful"},
    "flag": {"reason": "Personal data"},
    "post_hide": {"reason": "Personal data"},
    "flags_dismiss": {"reason": "Fine"},
    "thread_moderate": {"do": "pin", "pin-reason": "Important"},
}


@pytest.mark.parametrize("visibility,matrix", [
    (Community.Visibility.LISTED, LISTED),
    (Community.Visibility.PRIVATE, PRIVATE),
    (Community.Visibility.PUBLIC, PUBLIC),
])
@pytest.mark.parametrize("visitor_index,visitor", list(enumerate(VISITORS)))
def test_moderation_views_answer_each_visitor_as_the_matrix_says(
    make_cast, as_visitor, visibility, matrix, visitor_index, visitor
):
    cast = make_cast(visibility=visibility)
    client = as_visitor(cast, visitor)
    for (method, name), answers in matrix.items():
        discussion = make_discussion(cast)
        if name == "flags_dismiss":
            Flag.objects.create(post=discussion.post, flagged_by=discussion.author,
                                reason="Check")
        url = _url(name, discussion)
        response = (client.post(url, DATA.get(name, {})) if method == "post"
                    else client.get(url))
        expected = answers[visitor_index]
        label = f"{visitor} {method} {name} ({visibility})"
        if expected == LOGIN:
            assert response.status_code == 302, label
            assert response["Location"].startswith(reverse("accounts:login")), label
        else:
            assert response.status_code == expected, label
            if expected == 302:
                assert not response["Location"].startswith(reverse("accounts:login")), label


@pytest.mark.parametrize("name", ["react", "flags_dismiss"])
def test_post_only_views_refuse_get(cast, client, name):
    discussion = make_discussion(cast)
    client.force_login(cast.steward)
    assert client.get(_url(name, discussion)).status_code == 405


def test_unknown_posts_and_posts_of_other_communities_are_404(cast, make_cast, client):
    discussion = make_discussion(cast)
    other = make_discussion(make_cast())
    client.force_login(cast.steward)
    for post_id in (999999, other.post.pk):
        url = reverse("discussions:flag", args=[discussion.slug, post_id])
        assert client.get(url).status_code == 404
    url = reverse("discussions:thread_moderate", args=[discussion.slug, other.thread.pk])
    assert client.get(url).status_code == 404


def test_signing_in_to_react_brings_a_visitor_back_to_the_post(cast, client):
    discussion = make_discussion(cast)
    response = client.post(_url("react", discussion), {"kind": "helpful"})
    assert response["Location"].endswith(
        f"?next=/c/{discussion.slug}/posts/{discussion.post.pk}/"
    )


# Reactions -----------------------------------------------------------------------------------

def test_reacting_toggles_and_returns_to_the_post(cast, client):
    discussion = make_discussion(cast)
    client.force_login(cast.member)
    response = client.post(_url("react", discussion), {"kind": "helpful"})
    assert response["Location"] == f"/c/{discussion.slug}/posts/{discussion.post.pk}/"
    # "I will use this" leads on to give the session's date (decision 45).
    response = client.post(_url("react", discussion), {"kind": "will_use"})
    assert response["Location"] == (f"/c/{discussion.slug}/impact/promises/new/"
                                    f"?post={discussion.post.pk}")
    assert Reaction.objects.filter(user=cast.member, kind="will_use").count() == 1
    response = client.post(_url("react", discussion), {"kind": "will_use"})
    assert response["Location"] == f"/c/{discussion.slug}/posts/{discussion.post.pk}/"
    client.post(_url("react", discussion), {"kind": "helpful"})
    assert not Reaction.objects.exists()


def test_reacting_to_ones_own_post_says_why_not(cast, client):
    discussion = make_discussion(cast)
    client.force_login(discussion.author)
    response = client.post(_url("react", discussion), {"kind": "helpful"}, follow=False)
    assert response.status_code == 302
    assert not Reaction.objects.exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["You cannot react to your own post."]


# Flags ---------------------------------------------------------------------------------------

def test_the_flag_page_shows_the_post_and_a_form(cast, client):
    discussion = make_discussion(cast)
    client.force_login(cast.member)
    response = client.get(_url("flag", discussion))
    assert b"We use loop input" in response.content
    assert b'name="reason"' in response.content


def test_flagging_records_the_flag_and_says_thank_you(cast, client):
    discussion = make_discussion(cast)
    client.force_login(cast.member)
    response = client.post(_url("flag", discussion), {"reason": "Names a child"}, follow=True)
    assert Flag.objects.get().reason == "Names a child"
    assert b"A moderator will look at this post." in response.content
    # A second visit says it is flagged already, with no form.
    page = client.get(_url("flag", discussion)).content
    assert b"You flagged this post on" in page and b'name="reason"' not in page


def test_a_flag_without_a_reason_shows_the_form_again(cast, client):
    discussion = make_discussion(cast)
    client.force_login(cast.member)
    response = client.post(_url("flag", discussion), {"reason": "  "})
    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert not Flag.objects.exists()


def test_the_author_is_told_they_cannot_flag_their_own_post(cast, client):
    discussion = make_discussion(cast)
    client.force_login(discussion.author)
    response = client.get(_url("flag", discussion))
    assert b"your own post" in response.content and b'name="reason"' not in response.content


# Hide and restore ----------------------------------------------------------------------------

def test_hiding_from_the_confirm_page(cast, client):
    discussion = make_discussion(cast)
    client.force_login(cast.facilitator)
    page = client.get(_url("post_hide", discussion))
    assert b"Hide this post?" in page.content
    response = client.post(_url("post_hide", discussion), {"reason": "Personal data"})
    assert response["Location"] == f"/c/{discussion.slug}/posts/{discussion.post.pk}/"
    post = Post.objects.get(pk=discussion.post.pk)
    assert post.is_hidden and post.hidden_reason == "Personal data"
    assert ModerationAction.objects.get().action == "hide"


def test_hiding_needs_a_reason(cast, client):
    discussion = make_discussion(cast)
    client.force_login(cast.facilitator)
    response = client.post(_url("post_hide", discussion), {"reason": ""})
    assert response.status_code == 200
    assert not Post.objects.get(pk=discussion.post.pk).is_hidden


def test_hiding_goes_back_to_a_local_next_page_only(cast, client):
    discussion = make_discussion(cast)
    client.force_login(cast.facilitator)
    moderation_url = reverse("discussions:moderation", args=[discussion.slug])
    response = client.post(_url("post_hide", discussion),
                           {"reason": "Spam", "next": "https://evil.example/"})
    assert response["Location"] == f"/c/{discussion.slug}/posts/{discussion.post.pk}/"
    client.post(_url("post_restore", discussion), {"reason": "Not spam"})
    response = client.post(_url("post_hide", discussion),
                           {"reason": "Spam", "next": moderation_url})
    assert response["Location"] == moderation_url


def test_restoring_from_the_confirm_page(cast, client):
    discussion = make_discussion(cast)
    client.force_login(cast.steward)
    client.post(_url("post_hide", discussion), {"reason": "Personal data"})
    page = client.get(_url("post_restore", discussion)).content
    assert b"Show this post again?" in page and b"Personal data" in page
    client.post(_url("post_restore", discussion), {"reason": "Name removed"})
    assert not Post.objects.get(pk=discussion.post.pk).is_hidden


def test_the_hide_page_of_a_hidden_post_says_so(cast, client):
    discussion = make_discussion(cast)
    client.force_login(cast.steward)
    client.post(_url("post_hide", discussion), {"reason": "Personal data"})
    page = client.get(_url("post_hide", discussion)).content
    assert b"This post is hidden already." in page and b'name="reason"' not in page


# Threads ------------------------------------------------------------------------------------

def test_locking_pinning_and_moving_from_the_thread_page(cast, client):
    discussion = make_discussion(cast)
    target = make_topic(cast.community, title="Reflection on reflection")
    client.force_login(cast.facilitator)
    url = _url("thread_moderate", discussion)
    page = client.get(url).content.decode()
    assert "Lock the thread" in page and "Pin the thread" in page
    assert "Reflection on reflection" in page
    client.post(url, {"do": "lock", "lock-reason": "Finished"})
    client.post(url, {"do": "pin", "pin-reason": "Model answers"})
    response = client.post(url, {"do": "move", "move-to_topic": target.pk,
                                 "move-reason": "Fits better"})
    assert response["Location"] == url
    thread = Thread.objects.get(pk=discussion.thread.pk)
    assert (thread.is_locked, thread.is_pinned, thread.topic) == (True, True, target)
    page = client.get(url).content.decode()
    assert "Unlock the thread" in page and "Unpin the thread" in page
    assert "Fits better" in page and "Model answers" in page and "Finished" in page


def test_thread_acts_without_a_reason_show_the_error(cast, client):
    discussion = make_discussion(cast)
    client.force_login(cast.facilitator)
    response = client.post(_url("thread_moderate", discussion), {"do": "lock"})
    assert response.status_code == 200 and b"errorlist" in response.content
    assert not Thread.objects.get(pk=discussion.thread.pk).is_locked


def test_a_thread_cannot_be_moved_to_another_communitys_topic(cast, make_cast, client):
    discussion = make_discussion(cast)
    elsewhere = make_topic(make_cast().community, title="Elsewhere")
    client.force_login(cast.steward)
    response = client.post(_url("thread_moderate", discussion), {
        "do": "move", "move-to_topic": elsewhere.pk, "move-reason": "Try"})
    assert response.status_code == 200 and b"errorlist" in response.content
    assert Thread.objects.get(pk=discussion.thread.pk).topic == discussion.topic


def test_an_unknown_thread_action_is_refused_politely(cast, client):
    discussion = make_discussion(cast)
    client.force_login(cast.facilitator)
    response = client.post(_url("thread_moderate", discussion), {"do": "explode"})
    assert response.status_code == 200
    assert not ModerationAction.objects.exists()


def test_a_topic_facilitator_moderates_only_their_topics_threads(cast, client):
    discussion = make_discussion(cast)
    guest = MembershipFactory(community=cast.community, role=Membership.Role.MEMBER).user
    theirs = make_topic(cast.community, title="Theirs", facilitators=(guest,))
    their_thread = make_thread(theirs, cast.member)
    client.force_login(guest)
    url = reverse("discussions:thread_moderate", args=[discussion.slug, their_thread.pk])
    assert client.get(url).status_code == 200
    assert client.get(_url("thread_moderate", discussion)).status_code == 403
    assert client.get(_url("post_hide", discussion)).status_code == 403
    assert client.get(_url("moderation", discussion)).status_code == 200


# The moderation page -------------------------------------------------------------------------

def test_the_moderation_page_lists_open_flags_and_the_log(cast, client):
    discussion = make_discussion(cast)
    Flag.objects.create(post=discussion.post, flagged_by=cast.member, reason="Names a child")
    client.force_login(cast.steward)
    url = _url("moderation", discussion)
    page = client.get(url).content.decode()
    assert "Names a child" in page and "We use loop input" in page
    assert cast.member.display_name in page
    client.post(_url("post_hide", discussion), {"reason": "Child named", "next": url})
    page = client.get(url).content.decode()
    assert "Names a child" not in page  # resolved by hiding
    assert "Hid a post" in page and "Child named" in page
    assert cast.steward.display_name in page


def test_dismissing_flags_from_the_moderation_page(cast, client):
    discussion = make_discussion(cast)
    Flag.objects.create(post=discussion.post, flagged_by=cast.member, reason="Rude?")
    client.force_login(cast.facilitator)
    response = client.post(_url("flags_dismiss", discussion), {"reason": "Fair criticism"})
    assert response["Location"] == _url("moderation", discussion)
    assert not Flag.objects.filter(resolved_at=None).exists()
    assert not Post.objects.get(pk=discussion.post.pk).is_hidden
    assert ModerationAction.objects.get().action == "resolve_flag"


def test_the_moderation_log_is_paginated(cast, client):
    discussion = make_discussion(cast)
    ModerationAction.objects.bulk_create([
        ModerationAction(community=cast.community, actor=cast.steward, action="pin",
                         thread=discussion.thread, reason=f"Reason {n}")
        for n in range(60)
    ])
    client.force_login(cast.steward)
    first = client.get(_url("moderation", discussion)).content.decode()
    second = client.get(_url("moderation", discussion) + "?page=2").content.decode()
    assert first.count("Pinned a thread") == 50 and second.count("Pinned a thread") == 10


def test_the_moderation_page_asks_a_constant_number_of_queries(
    cast, client, django_assert_max_num_queries
):
    discussion = make_discussion(cast)
    client.force_login(cast.steward)

    def grow(n):
        for i in range(n):
            post = reply(discussion.thread, discussion.author, f"Post {i}")
            Flag.objects.create(post=post, flagged_by=cast.member, reason="Check")
            Flag.objects.create(post=post, flagged_by=cast.facilitator, reason="Check too")
            ModerationAction.objects.create(community=cast.community, actor=cast.steward,
                                            action="hide", post=post,
                                            thread=discussion.thread, reason="Test")

    grow(2)
    with django_assert_max_num_queries(12) as small:
        client.get(_url("moderation", discussion))
    grow(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(_url("moderation", discussion))


def test_the_thread_page_shows_reactions_and_moderation_links(cast, client):
    discussion = make_discussion(cast)
    Reaction.objects.create(post=discussion.post, user=cast.member, kind="helpful")
    Reaction.objects.create(post=discussion.post, user=cast.steward, kind="helpful")
    page_url = discussion.thread.get_absolute_url()
    client.force_login(cast.member)
    html = client.get(page_url).content.decode()
    react = f'form="reactions" formaction="{_url("react", discussion)}"'
    assert f'{react} name="kind" value="helpful" class="reaction" aria-pressed="true"' in html
    assert f'{react} name="kind" value="will_use" class="reaction" aria-pressed="false"' in html
    assert '<span class="count">2</span>' in html
    # One form carries the CSRF token for every post's buttons: more posts, no more tokens.
    tokens, buttons = (html.count('name="csrfmiddlewaretoken"'),
                       html.count('form="reactions" formaction='))
    for _ in range(5):
        reply(discussion.thread, cast.steward, "Tried it with my cohort.")
    longer = client.get(page_url).content.decode()
    assert longer.count('form="reactions" formaction=') == buttons + 2 * 5
    assert longer.count('name="csrfmiddlewaretoken"') == tokens
    assert _url("flag", discussion) in html
    assert _url("post_hide", discussion) not in html

    client.force_login(discussion.author)
    html = client.get(page_url).content.decode()
    assert _url("react", discussion) not in html and "Helpful 2" in html
    client.force_login(cast.steward)
    assert _url("post_hide", discussion) in client.get(page_url).content.decode()


def test_the_thread_state_include_shows_badges_to_all_and_the_link_to_moderators(cast):
    from django.template.loader import render_to_string

    from praxis.access import topic_access

    discussion = make_discussion(cast)
    thread = discussion.thread
    thread.is_locked = thread.is_pinned = True
    member_html = render_to_string("discussions/includes/thread_moderation.html", {
        "thread": thread, "topic_access": topic_access(cast.member, discussion.topic)})
    assert "Pinned" in member_html and "Locked" in member_html
    assert "/moderate/" not in member_html
    moderator_html = render_to_string("discussions/includes/thread_moderation.html", {
        "thread": thread, "topic_access": topic_access(cast.facilitator, discussion.topic)})
    assert _url("thread_moderate", discussion) in moderator_html


def test_log_entries_whose_thread_and_actor_are_gone_still_render(cast, client):
    discussion = make_discussion(cast)
    ModerationAction.objects.create(community=cast.community, actor=None, action="move",
                                    thread=None, reason="Old", details={
                                        "from_title": "A", "to_title": "B"})
    client.force_login(cast.steward)
    page = client.get(_url("moderation", discussion)).content.decode()
    assert "Old" in page and "Moved a thread" in page
