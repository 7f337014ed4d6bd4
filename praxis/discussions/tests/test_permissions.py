"""The permission matrix: every discussion page against every kind of visitor, in listed,
private and public communities, in a running topic, a closed topic and a locked thread."""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from praxis.communities.models import Community
from praxis.discussions import services
from praxis.discussions.attachments import check_files
from praxis.discussions.tests import samples
from praxis.discussions.tests.factories import make_thread, make_topic, opener, set_state

LOGIN = "login"
# As in the root conftest's VISITORS (not imported: tests/browser has a conftest module too).
VISITORS = ["anonymous", "outsider", "member", "facilitator", "steward"]

# view -> answer per visitor (anonymous, outsider, member, facilitator, steward), listed
# community, running topic. "post_edit" and "post_revisions" are about the member's own post.
LISTED = {
    "thread": (LOGIN, 403, 200, 200, 200),
    "thread_create": (LOGIN, 403, 200, 200, 200),
    "reply": (LOGIN, 403, 200, 200, 200),
    "reply_quote": (LOGIN, 403, 200, 200, 200),
    "post": (LOGIN, 403, 302, 302, 302),
    "post_edit": (LOGIN, 403, 200, 200, 200),
    "post_edit_other": (LOGIN, 403, 403, 200, 200),
    "post_revisions": (LOGIN, 403, 200, 200, 200),
    "post_revisions_other": (LOGIN, 403, 403, 200, 200),
    "attachment": (LOGIN, 403, 200, 200, 200),
    "unread": (LOGIN, 403, 200, 200, 200),
    "mark_all_read": (LOGIN, 403, 302, 302, 302),
}
# Those outside a private community do not learn it exists (but signing in comes first on
# the pages that are only for signed-in members).
PRIVATE = {name: (404, 404, *answers[2:]) for name, answers in LISTED.items()}
PRIVATE["unread"] = (LOGIN, 404, 200, 200, 200)
PRIVATE["mark_all_read"] = (LOGIN, 404, 302, 302, 302)
# Anyone reads a public community; taking part is for its members.
PUBLIC = {
    **LISTED,
    "thread": (200, 200, 200, 200, 200),
    "post": (302, 302, 302, 302, 302),
    "attachment": (200, 200, 200, 200, 200),
}
# A closed topic is read by all who may, answered by its facilitators only.
CLOSED = {
    **LISTED,
    "thread_create": (LOGIN, 403, 403, 200, 200),
    "reply": (LOGIN, 403, 403, 200, 200),
    "reply_quote": (LOGIN, 403, 403, 200, 200),
    "post_edit": (LOGIN, 403, 403, 200, 200),
}
# A locked thread takes no replies (nor edits) but from its moderators.
LOCKED = {
    **LISTED,
    "reply": (LOGIN, 403, 403, 200, 200),
    "reply_quote": (LOGIN, 403, 403, 200, 200),
    "post_edit": (LOGIN, 403, 403, 200, 200),
}


@dataclass
class Scene:
    urls: dict[str, str]


def _scene(cast, *, state="open", locked=False) -> Scene:
    topic = make_topic(cast.community, state="open", facilitators=[cast.facilitator])
    thread = make_thread(topic, cast.facilitator)
    first = opener(thread)
    files = check_files([samples.upload("plan.pdf", samples.pdf())])
    mine = services.publish_post(thread=thread, author=cast.member, body="Mine",
                                 parent=first, attachments=files)
    services.edit_post(post=mine, editor=cast.member, body="Mine, edited")
    services.edit_post(post=first, editor=cast.facilitator, body="Edited question")
    if state != "open":  # the posts were written while it ran; now it is over
        set_state(topic, state)
    if locked:
        thread.is_locked = True
        thread.save()
    slug = cast.community.slug
    attachment = mine.attachments.get()
    return Scene(urls={
        "thread": reverse("discussions:thread", args=[slug, thread.pk]),
        "thread_create": reverse("discussions:thread_create", args=[slug, topic.slug]),
        "reply": reverse("discussions:reply", args=[slug, thread.pk]) + f"?to={first.pk}",
        "reply_quote": reverse("discussions:reply", args=[slug, thread.pk]) + f"?quote={mine.pk}",
        "post": reverse("discussions:post", args=[slug, mine.pk]),
        "post_edit": reverse("discussions:post_edit", args=[slug, mine.pk]),
        "post_edit_other": reverse("discussions:post_edit", args=[slug, first.pk]),
        "post_revisions": reverse("discussions:post_revisions", args=[slug, mine.pk]),
        "post_revisions_other": reverse("discussions:post_revisions", args=[slug, first.pk]),
        "attachment": reverse("discussions:attachment", args=[slug, attachment.pk]),
        "unread": reverse("discussions:unread", args=[slug]),
        "mark_all_read": reverse("discussions:mark_all_read", args=[slug]),
    })


def _answer(client, name, url):
    if name == "mark_all_read":
        return client.post(url)
    return client.get(url)


def _check(matrix, cast, client, scene, visitor_index, label):
    for name, answers in matrix.items():
        response = _answer(client, name, scene.urls[name])
        expected = answers[visitor_index]
        if expected == LOGIN:
            assert response.status_code == 302, f"{label} {name}: {response.status_code}"
            assert response["Location"].startswith(reverse("accounts:login")), (
                f"{label} {name}: {response['Location']}")
        else:
            assert response.status_code == expected, (
                f"{label} {name}: {response.status_code}, expected {expected}")


@pytest.mark.parametrize("case,community_fields,scene_fields,matrix", [
    ("listed", {"visibility": Community.Visibility.LISTED}, {}, LISTED),
    ("private", {"visibility": Community.Visibility.PRIVATE}, {}, PRIVATE),
    ("public", {"visibility": Community.Visibility.PUBLIC}, {}, PUBLIC),
    ("closed topic", {}, {"state": "closed"}, CLOSED),
    ("locked thread", {}, {"locked": True}, LOCKED),
])
@pytest.mark.parametrize("visitor_index,visitor", list(enumerate(VISITORS)))
def test_discussion_pages_answer_each_visitor_as_the_matrix_says(
    make_cast, as_visitor, media, case, community_fields, scene_fields, matrix,
    visitor_index, visitor,
):
    cast = make_cast(**community_fields)
    scene = _scene(cast, **scene_fields)
    client = as_visitor(cast, visitor)
    _check(matrix, cast, client, scene, visitor_index, f"{visitor} ({case})")


def test_an_archived_topic_takes_no_posts_even_from_its_facilitators(cast, as_visitor, media):
    scene = _scene(cast, state="archived")
    for who in ("member", "facilitator", "steward"):
        client = as_visitor(cast, who)
        assert client.get(scene.urls["thread"]).status_code == 200
        assert client.get(scene.urls["reply"]).status_code == 403
        assert client.get(scene.urls["thread_create"]).status_code == 403


def test_a_topic_facilitator_who_is_a_plain_member_moderates_their_topic(cast, client):
    topic = make_topic(cast.community, state="closed", facilitators=[cast.member])
    thread = make_thread(topic, cast.steward)
    client.force_login(cast.member)
    url = reverse("discussions:post_edit", args=[cast.community.slug, opener(thread).pk])
    assert client.get(url).status_code == 200
    reply_url = reverse("discussions:reply", args=[cast.community.slug, thread.pk])
    assert client.get(reply_url).status_code == 200


def test_a_post_of_another_community_is_not_found_under_this_one(cast, client, make_cast):
    other = make_cast()
    thread = make_thread(make_topic(other.community), other.facilitator)
    client.force_login(cast.member)
    for name, arg in (("post", opener(thread).pk), ("thread", thread.pk)):
        url = reverse(f"discussions:{name}", args=[cast.community.slug, arg])
        assert client.get(url).status_code == 404
