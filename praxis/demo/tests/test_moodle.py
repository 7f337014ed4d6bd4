"""The community the demo moved from Moodle: imported by the real importer, its import page
showing the run, its members in cohorts and its readers recorded."""

import pytest
from django.urls import reverse

from praxis.accounts.models import User
from praxis.communities.models import Cohort, Membership
from praxis.demo.communities import STEWARD_EMAIL
from praxis.demo.moodle import SLUG
from praxis.discussions.models import Post, ThreadRead, ThreadVisitDay
from praxis.interop.models import MoodleImport

pytestmark = pytest.mark.django_db


def test_the_moved_community_has_its_history_people_and_readers(demo):
    posts = Post.objects.filter(thread__community__slug=SLUG, source="moodle")
    assert posts.count() > 50
    assert posts.filter(private_to__isnull=False).exists()
    assert posts.filter(author__erased_at__isnull=False).exists()
    assert Cohort.objects.filter(community__slug=SLUG, members__isnull=False).exists()
    members = Membership.objects.filter(community__slug=SLUG)
    assert members.filter(role=Membership.Role.FACILITATOR).count() >= 2
    # Readers who never wrote (lurkers) are there, with their days of reading.
    readers = set(ThreadRead.objects.filter(thread__community__slug=SLUG)
                  .values_list("user", flat=True))
    writers = set(posts.values_list("author", flat=True))
    assert readers - writers
    assert ThreadVisitDay.objects.filter(community__slug=SLUG).exists()
    assert [run.status for run in MoodleImport.objects.filter(community__slug=SLUG)] == [
        MoodleImport.Status.DONE, MoodleImport.Status.FAILED]


def test_the_steward_sees_the_import_and_its_summary(demo, client):
    client.force_login(User.objects.get(email=STEWARD_EMAIL))
    listing = client.get(reverse("interop:moodle_import", args=[SLUG])).content.decode()
    assert "backup-moodle2-course-42" in listing and "course notes.docx" in listing
    run = MoodleImport.objects.get(community__slug=SLUG, status=MoodleImport.Status.DONE)
    page = client.get(reverse("interop:moodle_run", args=[SLUG, run.pk])).content.decode()
    assert "Fars teacher trainers" in page and "Posts imported" in page
