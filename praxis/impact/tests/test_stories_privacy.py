"""Who reads a value-creation story: every way into one against every kind of visitor,
researchers and site admins included (``ALL_VISITORS``).

The member tells three stories, one private, one for the leaders (facilitators and stewards)
and one for the community, and keeps a fourth as a draft. The words of each are unique, so a
page, a list, a search, the back office or an export that leaks one is caught by looking for
them.
"""

import io
import zipfile
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from praxis.accounts import services as account_services
from praxis.communities.tests.cast import ALL_VISITORS, Cast
from praxis.impact.models import CascadeEvent, UsePromise, ValueStory
from praxis.impact.tests.story_factories import tell

pytestmark = pytest.mark.django_db

LOGIN = "login"
SECRET = {
    "private": "Quokkaprivate: my trainees laughed at my rules",
    "leaders": "Quokkaleaders: I tried loop input and lost the thread",
    "community": "Quokkacommunity: the diary changed how trainees plan",
    "draft": "Quokkadraft: half a story about reflection",
}
TITLES = {kind: f"Xylophone {kind} story" for kind in SECRET}

# ALL_VISITORS order: anonymous, outsider, member (the author), facilitator, steward,
# researcher (a member who works in the back office), site_admin (no member).
READS = {
    "private": (LOGIN, 404, 200, 404, 404, 404, 404),
    "leaders": (LOGIN, 404, 200, 200, 200, 404, 404),
    "community": (LOGIN, 404, 200, 200, 200, 200, 404),
    "draft": (LOGIN, 404, 200, 404, 404, 404, 404),
}
CHANGES = {
    "private": (LOGIN, 404, 200, 404, 404, 404, 404),
    "leaders": (LOGIN, 404, 200, 403, 403, 404, 404),
    "community": (LOGIN, 404, 200, 403, 403, 403, 404),
    "draft": (LOGIN, 404, 200, 404, 404, 404, 404),
}
# Acknowledging (POST): facilitators and stewards who may read a told story.
ACKNOWLEDGES = {
    "private": (LOGIN, 404, 403, 404, 404, 404, 404),
    "leaders": (LOGIN, 404, 403, 302, 302, 404, 404),
    "community": (LOGIN, 404, 403, 302, 302, 403, 404),
    "draft": (LOGIN, 404, 403, 404, 404, 404, 404),
}
# The list: the community's readers; telling a story: its members.
LIST = (LOGIN, 403, 200, 200, 200, 200, 200)
TELL = (LOGIN, 403, 200, 200, 200, 200, 403)


@dataclass
class Stories:
    cast: Cast
    stories: dict[str, ValueStory]


@pytest.fixture
def world(full_cast) -> Stories:
    cast = full_cast
    stories = {}
    for kind in SECRET:
        stories[kind] = tell(cast.community, cast.member, tell=kind != "draft",
                             title=TITLES[kind], realised=SECRET[kind],
                             visibility="leaders" if kind == "draft" else kind)
    return Stories(cast=cast, stories=stories)


def _client(cast: Cast, who: str) -> Client:
    client = Client()
    person = cast.person(who)
    if person is not None:
        client.force_login(person)
    return client


def _assert_answer(response, expected, label):
    if expected == LOGIN:
        assert response.status_code == 302, f"{label}: {response.status_code}"
        assert response["Location"].startswith(reverse("accounts:login")), label
    else:
        assert response.status_code == expected, (
            f"{label}: {response.status_code}, expected {expected}")


def _visible_to(who: str) -> set[str]:
    return {kind for kind, answers in READS.items()
            if answers[ALL_VISITORS.index(who)] == 200}


def _leaks(text: str, visible: set[str]) -> set[str]:
    return {kind for kind in SECRET if kind not in visible
            and (SECRET[kind] in text or TITLES[kind] in text)}


def _url(name, cast, *args):
    return reverse(f"impact:{name}", args=[cast.community.slug, *args])


@pytest.mark.parametrize("index,who", list(enumerate(ALL_VISITORS)))
def test_each_story_s_pages_answer_each_visitor_as_the_matrix_says(world, index, who):
    cast = world.cast
    client = _client(cast, who)
    for kind, story in world.stories.items():
        response = client.get(_url("story", cast, story.pk))
        _assert_answer(response, READS[kind][index], f"{who} reads {kind}")
        if response.status_code == 200:
            assert SECRET[kind] in response.content.decode()
        else:
            assert not _leaks(response.content.decode(), set()), f"{who} {kind}"
        for name in ("story_edit", "story_delete"):
            _assert_answer(client.get(_url(name, cast, story.pk)), CHANGES[kind][index],
                           f"{who} {name} {kind}")
            if who != "member":
                _assert_answer(client.post(_url(name, cast, story.pk),
                                           {"realised": "Mine now", "visibility": "community",
                                            "tell": ""}),
                               CHANGES[kind][index], f"{who} posts {name} {kind}")
        if who != "member":
            _assert_answer(client.post(_url("evidence_add", cast, story.pk),
                                       {"kind": "comments", "text": "Mine now"}),
                           CHANGES[kind][index], f"{who} adds evidence to {kind}")
    for kind, story in world.stories.items():
        _assert_answer(client.post(_url("story_acknowledge", cast, story.pk)),
                       ACKNOWLEDGES[kind][index], f"{who} acknowledges {kind}")
    assert ValueStory.objects.count() == 4
    assert not ValueStory.objects.filter(realised="Mine now").exists()
    acknowledged = set(ValueStory.objects.filter(acknowledged_at__isnull=False)
                       .values_list("title", flat=True))
    expected = {TITLES[kind] for kind in SECRET if ACKNOWLEDGES[kind][index] == 302}
    assert acknowledged == expected


@pytest.mark.parametrize("index,who", list(enumerate(ALL_VISITORS)))
def test_lists_searches_and_home_show_only_what_the_visitor_may_read(world, index, who):
    cast = world.cast
    client = _client(cast, who)
    _assert_answer(client.get(_url("stories", cast)), LIST[index], f"{who} list")
    _assert_answer(client.get(_url("story_create", cast)), TELL[index], f"{who} tell")
    visible = _visible_to(who)
    listed = client.get(_url("stories", cast)).content.decode()
    if who not in ("member",):
        assert {kind for kind in visible if TITLES[kind] in listed} == visible, who
    pages = [_url("stories", cast), reverse("core:home"),
             reverse("communities:detail", args=[cast.community.slug]),
             reverse("discussions:search") + "?q=Quokkaprivate",
             reverse("discussions:community_search", args=[cast.community.slug])
             + "?q=Quokkaprivate"]
    for url in pages:
        text = client.get(url).content.decode()
        assert not _leaks(text, visible), (who, url)


def test_the_back_office_never_shows_a_story_s_words_to_a_site_admin(world):
    cast = world.cast
    client = _client(cast, "site_admin")
    story = world.stories["private"]
    pages = ["/admin/", "/admin/impact/", "/admin/impact/valuestory/",
             "/admin/impact/valuestory/?q=Quokkaprivate",
             f"/admin/impact/valuestory/{story.pk}/change/",
             f"/admin/communities/community/{cast.community.pk}/delete/",
             f"/admin/accounts/user/{cast.member.pk}/delete/"]
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 404), url
        assert not _leaks(response.content.decode(), set()), url
    assert client.get("/admin/impact/storyevidence/").status_code == 404


@pytest.mark.parametrize("who", [w for w in ALL_VISITORS if w not in ("anonymous", "member")])
def test_no_one_else_s_data_export_holds_the_member_s_stories(world, who):
    client = _client(world.cast, who)
    response = client.post(reverse("accounts:data_export"))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    for name in archive.namelist():
        assert not _leaks(archive.read(name).decode(errors="replace"), set()), (who, name)


def test_the_author_s_export_holds_every_story_drafts_and_private_ones_too(world):
    client = _client(world.cast, "member")
    response = client.post(reverse("accounts:data_export"))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    assert {"json/value_stories.json", "html/value_stories.html",
            "json/use_promises.json", "json/cascade_events.json"} <= names
    stories = archive.read("json/value_stories.json").decode()
    assert all(SECRET[kind] in stories for kind in SECRET)


def test_erasing_keeping_posts_keeps_only_shared_told_stories_as_by_a_former_member(world):
    cast = world.cast
    UsePromise.objects.create(community=cast.community, user=cast.member,
                              session_date="2026-05-01")
    CascadeEvent.objects.create(community=cast.community, trainer=cast.member,
                                held_on="2026-04-01", kind="course", audience="teachers",
                                people=20, notes="Quokkanotes")
    account_services.erase_account(user=cast.member, keep_posts=True)
    kept = ValueStory.objects.all()
    assert {story.title for story in kept} == {TITLES["leaders"], TITLES["community"]}
    assert all(story.author_id is None for story in kept)
    assert not UsePromise.objects.exists()
    event = CascadeEvent.objects.get()
    assert event.trainer_id is None and event.people == 20 and event.notes == "Quokkanotes"


def test_erasing_removing_posts_removes_every_story_and_the_events_notes(world):
    cast = world.cast
    CascadeEvent.objects.create(community=cast.community, trainer=cast.member,
                                held_on="2026-04-01", kind="course", audience="teachers",
                                people=20, notes="Quokkanotes")
    account_services.erase_account(user=cast.member, keep_posts=False)
    assert not ValueStory.objects.exists()
    event = CascadeEvent.objects.get()
    assert event.trainer_id is None and event.notes == ""
