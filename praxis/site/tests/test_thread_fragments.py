"""What every reader sees the same of a post is rendered once and kept; anything it shows
that changes makes it render again."""

import pytest
from django.core.cache import cache

from praxis.discussions import services
from praxis.discussions.tests.factories import make_thread, make_topic, reply

pytestmark = pytest.mark.django_db
PARTS = {"discussions/includes/post_meta.html", "discussions/includes/post_body.html"}


@pytest.fixture
def page(cast, client):
    cache.clear()
    thread = make_thread(make_topic(cast.community, facilitators=[cast.facilitator]),
                         cast.facilitator)
    post = reply(thread, cast.member, body="I tried **loop input** with my cohort.")
    client.force_login(cast.steward)
    return thread, post


def _rendered_parts(client, thread) -> set[str]:
    response = client.get(thread.get_absolute_url())
    assert response.status_code == 200
    return {template.name for template in response.templates} & PARTS


def test_a_second_reader_gets_the_parts_from_the_cache(page, client, cast):
    thread, _post = page
    assert _rendered_parts(client, thread) == PARTS
    client.force_login(cast.facilitator)
    assert _rendered_parts(client, thread) == set()


def test_an_edit_a_new_name_and_another_language_render_again(page, client, cast):
    thread, post = page
    _rendered_parts(client, thread)
    services.edit_post(post=post, editor=cast.member, body="Loop input, second try.")
    assert "second try" in client.get(thread.get_absolute_url()).content.decode()
    cast.member.display_name = "Shiva F."
    cast.member.save()
    assert "Shiva F." in client.get(thread.get_absolute_url()).content.decode()
    cast.steward.locale = "fa"
    cast.steward.save()
    html = client.get(thread.get_absolute_url()).content.decode()
    assert "۱" in html or "۲" in html  # Persian digits in the dates


def test_a_hidden_post_is_never_kept(page, client, cast):
    thread, post = page
    type(post).objects.filter(pk=post.pk).update(is_hidden=True)
    assert _rendered_parts(client, thread) == PARTS  # the opener, and the hidden post
    assert _rendered_parts(client, thread) == PARTS  # the hidden one again
