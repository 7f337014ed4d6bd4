"""The library part of the demo: the study's reading with citations, tags and licences, the
seed articles given structured citations, and two months of reading by members and lurkers."""

import pytest
from django.urls import reverse

from praxis.accounts.models import User
from praxis.demo.communities import MAIN_SLUG, MEMBER_EMAIL
from praxis.demo.library import PERSIAN_MEMBER_EMAIL, READINGS
from praxis.discussions.models import Post
from praxis.library import queries
from praxis.library.models import Resource, ResourceRead, Tag

pytestmark = pytest.mark.django_db


def test_the_demo_library_has_the_study_s_reading_with_citations_tags_and_licences(demo):
    resources = Resource.objects.filter(community__slug=MAIN_SLUG)
    titles = set(resources.values_list("title", flat=True))
    assert {reading.title for reading in READINGS} <= titles
    assert resources.filter(kind=Resource.Kind.FILE).exists()
    assert resources.exclude(authors="").count() >= 12
    assert len(set(resources.values_list("licence", flat=True))) >= 4
    assert Tag.objects.filter(community__slug=MAIN_SLUG, slug="critical-friends").exists()
    seeded = resources.filter(seeded_topics__isnull=False).exclude(authors="")
    assert seeded.count() >= 3


def test_the_demo_has_two_months_of_reading_with_lurkers_who_only_read(demo):
    reads = ResourceRead.objects.filter(resource__community__slug=MAIN_SLUG)
    assert reads.count() > 100
    posters = set(Post.objects.filter(thread__community__slug=MAIN_SLUG)
                  .values_list("author_id", flat=True))
    readers = set(reads.values_list("user_id", flat=True))
    assert len(readers - posters) >= 5
    assert reads.filter(user__email=MEMBER_EMAIL).exists()
    assert reads.filter(user__email=PERSIAN_MEMBER_EMAIL).exists()
    community = Resource.objects.filter(community__slug=MAIN_SLUG).first().community
    assert len(queries.most_read(community)) == 5


def test_the_demo_library_pages_show_for_the_member(demo, client):
    client.force_login(User.objects.get(email=MEMBER_EMAIL))
    page = client.get(reverse("library:home", args=[MAIN_SLUG])).content.decode()
    assert "Most read this month" in page and "Critical friends: a protocol" in page
    resource = Resource.objects.get(community__slug=MAIN_SLUG, title__startswith="Loop input")
    page = client.get(resource.get_absolute_url()).content.decode()
    assert "Woodward, T. (2003)." in page and "@article{woodward2003loop," in page
