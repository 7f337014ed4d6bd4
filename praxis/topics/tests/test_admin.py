"""Topics, proposals and resources in the back office: scoped to the steward's communities,
read-only where the site's pages keep the rules."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from praxis.library import services as library
from praxis.topics import services
from praxis.topics.tests.factories import ProposalFactory, TopicFactory


@pytest.fixture
def staff_steward(cast):
    cast.steward.is_staff = True
    cast.steward.save()
    return cast.steward


def _topic(cast):
    now = timezone.now()
    return services.create_topic(community=cast.community, actor=cast.facilitator,
                                 title="Loop input", starts_at=now, apply_from=now,
                                 ends_at=now + timedelta(days=7))


def test_a_steward_reads_their_communities_topics_only(cast, staff_steward, client):
    mine, theirs = _topic(cast), TopicFactory()
    client.force_login(staff_steward)
    listing = client.get(reverse("admin:topics_topic_changelist"))
    assert list(listing.context["cl"].result_list) == [mine]
    assert theirs not in listing.context["cl"].result_list
    page = client.get(reverse("admin:topics_topic_change", args=[mine.pk]))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    response = client.post(reverse("admin:topics_topic_change", args=[mine.pk]),
                           {"title": "Renamed"})
    assert response.status_code == 403
    assert client.get(reverse("admin:topics_topic_add")).status_code == 403


def test_proposals_are_decided_on_the_site_not_in_the_back_office(cast, staff_steward, client):
    proposal = ProposalFactory(community=cast.community)
    ProposalFactory()
    client.force_login(staff_steward)
    listing = client.get(reverse("admin:topics_topicproposal_changelist"))
    assert list(listing.context["cl"].result_list) == [proposal]
    response = client.post(reverse("admin:topics_topicproposal_change", args=[proposal.pk]),
                           {"status": "approved"})
    assert response.status_code == 403


def test_a_steward_corrects_a_resource_title_but_not_its_file(cast, staff_steward, client):
    resource = library.add_link(community=cast.community, added_by=cast.member, title="Loop",
                                url="https://example.org/loop")
    client.force_login(staff_steward)
    url = reverse("admin:library_resource_change", args=[resource.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "Loop input", "citation": "Woodward (2003)",
                                 "work_type": "article", "licence": "link-only",
                                 "url": "https://evil.example.org"})
    assert response.status_code == 302
    resource.refresh_from_db()
    assert (resource.title, resource.url) == ("Loop input", "https://example.org/loop")
    assert client.get(reverse("admin:library_resource_add")).status_code == 403
