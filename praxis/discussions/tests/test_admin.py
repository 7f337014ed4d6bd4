"""Threads and posts in the back office: read-only, and a steward sees only their own."""

from django.urls import reverse

from praxis.discussions.tests.factories import make_thread, make_topic, opener


def test_a_steward_reads_their_communitys_posts_and_not_others(cast, client, make_cast):
    cast.steward.is_staff = True
    cast.steward.save()
    mine = make_thread(make_topic(cast.community), cast.facilitator, title="Ours")
    other = make_cast()
    theirs = make_thread(make_topic(other.community), other.facilitator, title="Theirs")
    client.force_login(cast.steward)
    threads = client.get(reverse("admin:discussions_thread_changelist")).content.decode()
    assert "Ours" in threads and "Theirs" not in threads
    post_url = reverse("admin:discussions_post_change", args=[opener(mine).pk])
    page = client.get(post_url)
    assert page.status_code == 200 and b'name="body"' not in page.content  # read-only
    assert client.post(post_url, {"body": "changed"}).status_code == 403
    other_url = reverse("admin:discussions_post_change", args=[opener(theirs).pk])
    assert client.get(other_url).status_code in (302, 404)
