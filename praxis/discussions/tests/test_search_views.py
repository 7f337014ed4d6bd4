"""The search pages: who may use them, and what they show."""

import pytest
from django.urls import reverse

from praxis.communities.models import Community
from praxis.communities.tests.cast import VISITORS
from praxis.discussions.tests.test_moderation_support import make_discussion, reply

LOGIN = "login"

COMMUNITY_SEARCH = {
    Community.Visibility.PUBLIC: (200, 200, 200, 200, 200),
    Community.Visibility.LISTED: (LOGIN, 403, 200, 200, 200),
    Community.Visibility.PRIVATE: (404, 404, 200, 200, 200),
}


@pytest.mark.parametrize("visibility", list(COMMUNITY_SEARCH))
@pytest.mark.parametrize("visitor_index,visitor", list(enumerate(VISITORS)))
def test_search_pages_answer_each_visitor_as_the_matrix_says(
    make_cast, as_visitor, visibility, visitor_index, visitor
):
    cast = make_cast(visibility=visibility)
    discussion = make_discussion(cast)
    client = as_visitor(cast, visitor)
    expected = COMMUNITY_SEARCH[visibility][visitor_index]
    response = client.get(reverse("discussions:community_search", args=[discussion.slug]),
                          {"q": "loop"})
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == expected
    if expected == 200:
        assert b"<mark>loop</mark>" in response.content
    # The site-wide page answers everyone, and shows only what they may read.
    site = client.get(reverse("discussions:search"), {"q": "loop"})
    assert site.status_code == 200
    assert (b"<mark>loop</mark>" in site.content) is (expected == 200)
    # Asking for the community by name does not open it.
    named = client.get(reverse("discussions:search"),
                       {"q": "loop", "community": cast.community.slug})
    assert (b"<mark>loop</mark>" in named.content) is (expected == 200)
    # Nor does its name appear in the community filter of those who may not read it.
    assert (cast.community.name.encode() in site.content) is (expected == 200)


def test_the_header_has_a_search_form_on_every_page(client, db):
    page = client.get("/").content.decode()
    assert f'action="{reverse("discussions:search")}"' in page
    assert 'role="search"' in page


def test_the_results_page_shows_highlighted_escaped_snippets(cast, client):
    discussion = make_discussion(cast)
    reply(discussion.thread, cast.member, "<script>alert(1)</script> Peer feedback works")
    client.force_login(cast.member)
    page = client.get(reverse("discussions:search"), {"q": "feedback"}).content.decode()
    assert "<mark>feedback</mark>" in page
    assert "<script>alert" not in page
    assert discussion.thread.title in page
    assert f"/c/{discussion.slug}/posts/" in page


@pytest.mark.parametrize("query", ['"', "AND(", "*", "'; --", "NEAR(", "\\", "%"])
def test_odd_queries_answer_normally(cast, client, query):
    make_discussion(cast)
    client.force_login(cast.member)
    for url in (reverse("discussions:search"),
                reverse("discussions:community_search", args=[cast.community.slug])):
        response = client.get(url, {"q": query, "page": "x", "kind": "nonsense"})
        assert response.status_code == 200


def test_an_empty_search_shows_the_form_only(client, db):
    page = client.get(reverse("discussions:search")).content.decode()
    assert 'id="search-q"' in page and "search-results" not in page


def test_nothing_found_says_so(cast, client):
    make_discussion(cast)
    client.force_login(cast.member)
    page = client.get(reverse("discussions:search"), {"q": "zebra"}).content.decode()
    assert "Nothing found for" in page


def test_results_pages_link_to_each_other(cast, client):
    discussion = make_discussion(cast)
    for n in range(25):
        reply(discussion.thread, cast.member, f"Microteaching idea {n}")
    client.force_login(cast.member)
    url = reverse("discussions:community_search", args=[cast.community.slug])
    first = client.get(url, {"q": "microteaching"}).content.decode()
    assert 'rel="next" href="?q=microteaching&amp;page=2"' in first
    second = client.get(url, {"q": "microteaching", "page": 2}).content.decode()
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert second.count("<mark>") == 5


def test_results_with_some_of_the_words_say_so_and_keep_saying_it_on_later_pages(
    cast, client
):
    discussion = make_discussion(cast)
    for n in range(25):
        reply(discussion.thread, cast.member, f"Microteaching idea {n}")
    client.force_login(cast.member)
    url = reverse("discussions:search")
    first = client.get(url, {"q": "zebra microteaching"}).content.decode()
    assert "these have some of them" in first
    assert 'href="?q=zebra+microteaching&amp;any=1&amp;page=2"' in first
    second = client.get(url, {"q": "zebra microteaching", "any": "1", "page": "2"})
    assert second.content.decode().count("<mark>") == 5


def test_kind_filter_on_the_page(cast, client):
    discussion = make_discussion(cast)
    client.force_login(cast.member)
    page = client.get(reverse("discussions:search"),
                      {"q": "open session", "kind": "thread"}).content.decode()
    assert "How do you <mark>open</mark> a <mark>session</mark>?" in page
    assert f"/threads/{discussion.thread.pk}/" in page and "/posts/" not in page


def test_the_search_page_asks_a_constant_number_of_queries(
    cast, client, django_assert_max_num_queries
):
    discussion = make_discussion(cast)
    client.force_login(cast.member)
    url = reverse("discussions:search")
    reply(discussion.thread, cast.member, "Portfolio one")
    with django_assert_max_num_queries(10) as small:
        client.get(url, {"q": "portfolio"})
    for n in range(30):
        reply(discussion.thread, cast.steward, f"Portfolio {n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url, {"q": "portfolio"})
