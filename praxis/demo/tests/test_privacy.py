"""The privacy part of the demo: a former member whose kept posts name nobody."""

import pytest

from praxis.accounts.models import User
from praxis.communities.models import Membership
from praxis.demo.communities import MAIN_SLUG, STEWARD_EMAIL
from praxis.demo.privacy import ERASED_EMAIL
from praxis.discussions.models import Post

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_former_member_whose_posts_stay(demo, client):
    leaver = User.objects.get(email=ERASED_EMAIL)
    assert leaver.erased_at is not None and not leaver.is_active
    assert str(leaver) == "Former member"
    assert not Membership.objects.filter(user=leaver).exists()
    post = Post.objects.filter(author=leaver, thread__community__slug=MAIN_SLUG).first()
    assert post is not None
    client.force_login(User.objects.get(email=STEWARD_EMAIL))
    page = client.get(post.get_absolute_url(), follow=True).content.decode()
    assert "Former member" in page and "Kamran Jafari" not in page
