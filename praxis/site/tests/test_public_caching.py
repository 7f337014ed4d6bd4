"""Pages for signed-out visitors can be kept by a proxy in front; nothing personal can."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from praxis.communities.models import Community
from praxis.discussions.models import ThreadRead
from praxis.discussions.services import VISIT_GAP
from praxis.discussions.tests.factories import make_thread, make_topic, reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def public(make_cast):
    cast = make_cast(visibility=Community.Visibility.PUBLIC)
    topic = make_topic(cast.community, facilitators=[cast.facilitator])
    thread = make_thread(topic, cast.facilitator)
    reply(thread, cast.member)
    thread.refresh_from_db()
    return cast, topic, thread


def _directives(response) -> set[str]:
    return {d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()}


def _public_pages(cast, topic, thread) -> list[str]:
    slug = cast.community.slug
    return [reverse("core:home"), reverse("communities:detail", args=[slug]),
            reverse("topics:list", args=[slug]), topic.get_absolute_url(),
            thread.get_absolute_url(), reverse("discussions:search") + "?q=loop"]


def test_signed_out_pages_set_no_cookie_and_are_shared(public, settings):
    settings.PRAXIS_PUBLIC_CACHE_SECONDS = 120
    client = Client()
    for url in _public_pages(*public):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="fa")
        assert response.status_code == 200, url
        assert not response.cookies, (url, response.cookies)
        assert "Cookie" not in response.get("Vary", ""), url
        assert "Accept-Language" in response["Vary"], url
        assert _directives(response) == {"public", "max-age=0", "s-maxage=120"}, url
        assert b"csrfmiddlewaretoken" not in response.content, url


def test_a_visitor_with_a_session_or_a_language_cookie_is_not_shared(public):
    cast, _topic, thread = public
    client = Client()
    client.post(reverse("core:set_language"), {"language": "fa", "next": "/"})
    response = client.get(thread.get_absolute_url())
    assert "lang=\"fa\"" in response.content.decode()
    assert "public" not in _directives(response)
    client.force_login(cast.member)
    response = client.get(thread.get_absolute_url())
    assert {"private", "no-cache"} <= _directives(response)
    assert "Cookie" in response["Vary"]


def test_the_login_page_with_its_form_is_not_shared(public):
    response = Client().get(reverse("accounts:login"))
    assert response.cookies and "public" not in _directives(response)


def test_switching_language_signed_out_needs_no_token_but_signed_in_does(public):
    cast, _topic, thread = public
    visitor = Client(enforce_csrf_checks=True)
    response = visitor.post(reverse("core:set_language"),
                            {"language": "fa", "next": thread.get_absolute_url()})
    assert response.status_code == 302 and response.cookies["django_language"].value == "fa"
    member = Client(enforce_csrf_checks=True)
    member.force_login(cast.member)
    response = member.post(reverse("core:set_language"), {"language": "fa", "next": "/"})
    assert response.status_code == 403
    cast.member.refresh_from_db()
    assert cast.member.locale != "fa"
    page = member.get(thread.get_absolute_url())
    token = page.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = member.post(reverse("core:set_language"),
                           {"language": "fa", "next": "/", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    cast.member.refresh_from_db()
    assert cast.member.locale == "fa"


def test_the_read_mark_is_written_only_when_it_moves(public, client):
    cast, _topic, thread = public
    client.force_login(cast.steward)
    url = thread.get_absolute_url()
    client.get(url)
    mark = ThreadRead.objects.get(user=cast.steward, thread=thread)
    assert (mark.last_read_post_id, mark.visits) == (thread.latest_post_id, 1)

    def writes() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        # The read mark's table only: a new visit also counts its day (ThreadVisitDay).
        return [q["sql"] for q in queries.captured_queries
                if ThreadRead._meta.db_table in q["sql"]
                and q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]

    assert writes() == []  # a reload: same mark, same sitting
    newer = reply(thread, cast.member)
    assert len(writes()) == 1
    mark.refresh_from_db()
    assert (mark.last_read_post_id, mark.visits) == (newer.pk, 2)
    ThreadRead.objects.filter(pk=mark.pk).update(
        last_read_at=mark.last_read_at - VISIT_GAP - timedelta(minutes=1))
    assert len(writes()) == 1  # back after a while: a new visit, counted
    mark.refresh_from_db()
    assert mark.visits == 3
