"""Private means private: every way into a diary entry against every kind of visitor,
researchers and site admins included (``ALL_VISITORS``).

The member writes three entries: a private one, one shared with their critical friends (the
facilitator is their friend) and one shared with the community. The words of each are
unique, so a page, a file, a feed, a search, an email or an export that leaks one is caught
by looking for them.
"""

import io
import zipfile
from dataclasses import dataclass
from datetime import date

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from praxis.accounts import services as account_services
from praxis.communities.tests.cast import ALL_VISITORS, Cast
from praxis.discussions.tests.factories import make_thread, make_topic
from praxis.practice.models import Friendship, JournalEntry
from praxis.practice.services import diary as services
from praxis.practice.services.diary import EntryDraft

pytestmark = pytest.mark.django_db

LOGIN = "login"
SECRET = {
    "private": "Quokkaprivate: I felt lost in the second stage",
    "friends": "Quokkafriends: the jigsaw took too long",
    "community": "Quokkacommunity: the podcast clip worked",
}
TITLES = {"private": "Xylophone private title", "friends": "Xylophone friends title",
          "community": "Xylophone community title"}

# Who reads each entry's page: ALL_VISITORS order (anonymous, outsider, member, facilitator,
# steward, researcher, site_admin). The member wrote them; the facilitator is their friend;
# the researcher is a member of the community.
READS = {
    "private": (LOGIN, 404, 200, 404, 404, 404, 404),
    "friends": (LOGIN, 404, 200, 200, 404, 404, 404),
    "community": (LOGIN, 404, 200, 200, 200, 200, 404),
}
# The author alone changes or deletes; a reader is refused, anyone else finds nothing.
CHANGES = {
    "private": (LOGIN, 404, 200, 404, 404, 404, 404),
    "friends": (LOGIN, 404, 200, 403, 404, 404, 404),
    "community": (LOGIN, 404, 200, 403, 403, 403, 404),
}
# The community's pages of friends and shared reflections: its members only.
MEMBERS_ONLY = (LOGIN, 403, 200, 200, 200, 200, 403)


@dataclass
class Diary:
    cast: Cast
    entries: dict[str, JournalEntry]
    friendship: Friendship


def _write(cast: Cast, visibility: str) -> JournalEntry:
    draft = EntryDraft(written_on=date(2026, 3, 1), visibility=visibility,
                       title=TITLES[visibility], parts={"text": SECRET[visibility]},
                       community=cast.community)
    return services.create_entry(author=cast.member, draft=draft)


@pytest.fixture
def diary(full_cast, django_capture_on_commit_callbacks) -> Diary:
    cast = full_cast
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_friend(community=cast.community, inviter=cast.member,
                                            invitee=cast.facilitator)
        friendship = services.answer_invitation(friendship=invitation,
                                                actor=cast.facilitator, accept=True)
        entries = {visibility: _write(cast, visibility) for visibility in SECRET}
    return Diary(cast=cast, entries=entries, friendship=friendship)


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


def _leaks(text: str, visible: set[str]) -> set[str]:
    """Which entries' words or titles a text holds that it should not."""
    return {kind for kind in SECRET if kind not in visible
            and (SECRET[kind] in text or TITLES[kind] in text)}


@pytest.mark.parametrize("index,who", list(enumerate(ALL_VISITORS)))
def test_each_entry_s_pages_answer_each_visitor_as_the_matrix_says(diary, index, who):
    client = _client(diary.cast, who)
    for kind, entry in diary.entries.items():
        response = client.get(reverse("practice:entry", args=[entry.pk]))
        _assert_answer(response, READS[kind][index], f"{who} reads {kind}")
        if response.status_code == 200:
            assert SECRET[kind] in response.content.decode()
        else:
            assert not _leaks(response.content.decode(), set()), f"{who} {kind}"
        for name in ("practice:entry_edit", "practice:entry_delete"):
            url = reverse(name, args=[entry.pk])
            _assert_answer(client.get(url), CHANGES[kind][index], f"{who} {name} {kind}")
            if who != "member":
                _assert_answer(client.post(url, {"model": "free", "part_text": "Mine now",
                                                 "written_on": "2026-03-01",
                                                 "visibility": "private"}),
                               CHANGES[kind][index], f"{who} posts {name} {kind}")
    assert JournalEntry.objects.count() == 3
    assert not JournalEntry.objects.filter(parts__text="Mine now").exists()


def _visible_to(who: str) -> set[str]:
    return {kind for kind, answers in READS.items()
            if answers[ALL_VISITORS.index(who)] == 200}


@pytest.mark.parametrize("index,who", list(enumerate(ALL_VISITORS)))
def test_lists_feeds_searches_and_downloads_show_only_what_the_visitor_may_read(
        diary, index, who):
    cast = diary.cast
    slug = cast.community.slug
    client = _client(cast, who)
    thread = make_thread(make_topic(cast.community, state="open"), cast.facilitator)
    visible = _visible_to(who)
    for name in ("practice:reflections", "practice:friends"):
        response = client.get(reverse(name, args=[slug]))
        _assert_answer(response, MEMBERS_ONLY[index], f"{who} {name}")
    reflections = client.get(reverse("practice:reflections", args=[slug])).content.decode()
    if who != "member":  # the author's own entries are in their diary, not this list
        shared = {kind for kind in visible if SECRET[kind] in reflections}
        assert shared == visible, who
    assert not _leaks(reflections, visible), who
    pages = [
        reverse("practice:diary"), reverse("practice:diary_html"), reverse("core:home"),
        reverse("communities:detail", args=[slug]),
        reverse("discussions:search") + "?q=Quokkaprivate",
        reverse("discussions:search") + "?q=jigsaw",
        reverse("discussions:community_search", args=[slug]) + "?q=Quokkaprivate",
        reverse("interop:community_feed", args=[slug]),
        reverse("interop:topic_feed", args=[slug, thread.topic.slug]),
        reverse("interop:topic_offline", args=[slug, thread.topic.slug]),
    ]
    own = set(SECRET) if who == "member" else set()
    for url in pages:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        mine = own if url.startswith(reverse("practice:diary")) else set()
        assert not _leaks(body.decode(errors="replace"), mine), f"{who} {url}"
    pdf = client.get(reverse("practice:diary_pdf"))
    if who == "anonymous":
        _assert_answer(pdf, LOGIN, "anonymous pdf")
    else:
        assert pdf.status_code == 200


def test_the_diary_and_its_exports_hold_all_of_the_author_s_own_entries(diary):
    client = _client(diary.cast, "member")
    for name in ("practice:diary", "practice:diary_html"):
        body = client.get(reverse(name)).content.decode()
        for kind in SECRET:
            assert TITLES[kind] in body, name
    exported = client.get(reverse("practice:diary_html")).content.decode()
    assert all(SECRET[kind] in exported for kind in SECRET)


def test_no_email_carries_an_entry(diary):
    # The invitation and acceptance wrote emails (to the facilitator); none holds an entry.
    assert mail.outbox
    for message in mail.outbox:
        text = message.subject + message.body + "".join(
            str(content) for content, _type in getattr(message, "alternatives", []))
        assert not _leaks(text, set())


def test_a_friend_loses_a_friends_entry_when_the_friendship_ends(diary):
    cast = diary.cast
    client = _client(cast, "facilitator")
    url = reverse("practice:entry", args=[diary.entries["friends"].pk])
    assert client.get(url).status_code == 200
    services.end_friendship(friendship=diary.friendship, actor=cast.member)
    assert client.get(url).status_code == 404
    reflections = client.get(reverse("practice:reflections", args=[cast.community.slug]))
    assert SECRET["friends"] not in reflections.content.decode()
    assert SECRET["community"] in reflections.content.decode()


def test_a_friend_who_leaves_the_community_loses_the_friends_entry(diary):
    cast = diary.cast
    cast.facilitator.memberships.filter(community=cast.community).delete()
    client = _client(cast, "facilitator")
    assert client.get(reverse("practice:entry", args=[diary.entries["friends"].pk])
                      ).status_code == 404


def test_the_back_office_never_shows_an_entry_to_a_site_admin(diary):
    cast = diary.cast
    client = _client(cast, "site_admin")
    assert client.get("/admin/practice/journalentry/").status_code == 404
    assert client.get(f"/admin/practice/journalentry/{diary.entries['private'].pk}/change/"
                      ).status_code == 404
    pages = ["/admin/", "/admin/practice/",
             f"/admin/communities/community/{cast.community.pk}/delete/",
             f"/admin/accounts/user/{cast.member.pk}/delete/",
             f"/admin/accounts/user/{cast.member.pk}/change/",
             "/admin/admin/logentry/"]
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 404), url
        assert not _leaks(response.content.decode(), set()), url


@pytest.mark.parametrize("who", [w for w in ALL_VISITORS if w not in ("anonymous", "member")])
def test_no_one_else_s_data_export_holds_the_member_s_entries(diary, who):
    client = _client(diary.cast, who)
    response = client.post(reverse("accounts:data_export"))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    for name in archive.namelist():
        assert not _leaks(archive.read(name).decode(errors="replace"), set()), (who, name)


def test_the_author_s_export_holds_every_entry_and_the_friendship(diary):
    client = _client(diary.cast, "member")
    response = client.post(reverse("accounts:data_export"))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    assert {"json/reflection_diary.json", "html/critical_friends.html"} <= names
    diary_json = archive.read("json/reflection_diary.json").decode()
    assert all(SECRET[kind] in diary_json for kind in SECRET)
    assert diary.cast.facilitator.display_name in archive.read(
        "json/critical_friends.json").decode()


def test_erasing_the_account_removes_the_diary_and_the_friendships(diary):
    cast = diary.cast
    account_services.erase_account(user=cast.member, keep_posts=True)
    assert not JournalEntry.objects.exists()
    assert not Friendship.objects.exists()
