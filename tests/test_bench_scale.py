"""The million-post bench's generator (``bench/scale``) at a tiny size: the shape of what it
makes, not how fast (timings are the bench's business, never a test's)."""

import pytest
from django.db.models import Count

from bench.scale.generator import SLUG, build
from praxis.accounts.models import User
from praxis.communities.models import Community, Membership
from praxis.discussions.models import Post, Thread
from praxis.discussions.services import path_of

POSTS, MEMBERS, SEED = 300, 50, 7


def _quiet(_line: str) -> None:
    pass


def _shape(community: Community) -> list[tuple[str, int, int | None, int]]:
    """Each post in order, ids made relative: its text, its thread's place, its parent's
    place (or None) and its depth."""
    posts = list(Post.objects.filter(thread__community=community).order_by("pk")
                 .values_list("pk", "thread_id", "parent_id", "depth", "body"))
    first_post = posts[0][0]
    first_thread = min(thread for _, thread, _, _, _ in posts)
    return [(body, thread - first_thread, None if parent is None else parent - first_post,
             depth) for _, thread, parent, depth, body in posts]


@pytest.mark.django_db
def test_a_tiny_community_has_the_shape_of_the_million():
    built = build(POSTS, SEED, members=MEMBERS, report=_quiet, analyze=False)
    community = built.community

    posts = Post.objects.filter(thread__community=community)
    assert posts.count() == POSTS
    assert Membership.objects.filter(community=community).count() == MEMBERS
    # The large thread holds a tenth of the posts.
    assert built.big_thread.post_count == POSTS // 10
    # Every thread's count is its real number of posts, its latest post its newest.
    real = dict(posts.values("thread").annotate(n=Count("pk")).values_list("thread", "n"))
    for thread in Thread.objects.filter(community=community):
        assert thread.post_count == real.get(thread.pk, 0)
        assert thread.latest_post_id == max(thread.posts.values_list("pk", flat=True))
    # Paths are the parents' paths and the post's own id, as the site makes them.
    by_id = {post.pk: post for post in posts}
    replies = 0
    for post in by_id.values():
        parent = by_id.get(post.parent_id) if post.parent_id else None
        assert post.path == path_of(post.pk, parent.path if parent else None)
        assert post.depth == (parent.depth + 1 if parent else 0)
        if parent:
            assert parent.thread_id == post.thread_id
            replies += 1
    assert replies > POSTS // 4
    # The member whose pages are measured is an ordinary member.
    assert Membership.objects.get(community=community, user=built.reader).role == "member"

    # The same seed makes the same community again.
    shape = _shape(community)
    community.delete()
    User.objects.filter(email__endswith="@example.org").delete()
    again = build(POSTS, SEED, members=MEMBERS, report=_quiet, analyze=False)
    assert again.community.slug == SLUG
    assert _shape(again.community) == shape
