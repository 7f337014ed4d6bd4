"""The library's pages: adding, correcting, removing, opening, citing; bad input changes
nothing; each page asks a bounded number of queries whatever the library holds."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from praxis.library import services
from praxis.library.models import Resource, ResourceRead, Tag
from praxis.library.tests.documents import PDF, docx
from praxis.topics.tests.factories import TopicFactory


def _url(name, cast, resource=None):
    slug = cast.community.slug
    return reverse(f"library:{name}", args=[slug, resource.pk] if resource else [slug])


def _link_form(**overrides):
    return {"kind": "link", "url": "https://doi.org/10.1093/elt/ccn056",
            "title": "Reflective practice: the state of the art", "work_type": "article",
            "authors": "Farrell, Thomas S. C.", "year": "2016", "source": "ELT Journal",
            "volume": "70", "issue": "2", "pages": "215-220",
            "doi": "https://doi.org/10.1093/elt/ccn056", "licence": "link-only",
            "tags": "reflection, critical friends", "citation": "", **overrides}


def test_a_member_adds_a_link_with_its_citation_and_tags(cast, client):
    client.force_login(cast.member)
    response = client.post(_url("add", cast), _link_form())
    resource = Resource.objects.get()
    assert response["Location"] == resource.get_absolute_url()
    assert (resource.added_by, resource.doi, resource.year) == (
        cast.member, "10.1093/elt/ccn056", 2016)
    assert resource.tag_names == "critical friends, reflection"
    page = client.get(resource.get_absolute_url()).content.decode()
    assert "Farrell, T. S. C. (2016)." in page
    assert "@article{farrell2016reflective," in page
    assert "TY  - JOUR" in page
    assert _url("open", cast, resource) in page


def test_a_member_uploads_a_document(cast, client):
    client.force_login(cast.member)
    client.post(_url("add", cast), _link_form(
        kind="file", url="", title="", file=SimpleUploadedFile("Loop input.docx", docx())))
    resource = Resource.objects.get()
    assert (resource.kind, resource.title) == ("file", "Loop input")
    response = client.get(_url("open", cast, resource))
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == docx()
    assert ResourceRead.objects.filter(user=cast.member, resource=resource).exists()


@pytest.mark.parametrize("overrides,message", [
    ({"url": ""}, "Enter the web address."),
    ({"url": "javascript:alert(1)"}, "Enter a valid URL."),
    ({"title": ""}, "Give the title."),
    ({"doi": "not a doi"}, "A DOI starts with 10."),
    ({"year": "3000"}, "less than or equal to 2100"),
    ({"licence": "mine"}, "Select a valid choice."),
    ({"kind": "file", "file": SimpleUploadedFile("a.pdf", b"<html>")}, "is not a PDF"),
    ({"kind": "file"}, "Choose the file to upload."),
])
def test_bad_input_gets_a_clear_message_and_adds_nothing(cast, client, overrides, message):
    client.force_login(cast.member)
    response = client.post(_url("add", cast), _link_form(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Resource.objects.exists() and not Tag.objects.exists()


def test_who_added_it_corrects_it_and_a_link_keeps_its_kind(cast, client):
    resource = services.add_link(community=cast.community, added_by=cast.member, title="X",
                                 url="https://example.org/x", tags=["old"])
    client.force_login(cast.member)
    assert client.get(_url("edit", cast, resource)).status_code == 200
    response = client.post(_url("edit", cast, resource), _link_form(kind="file"))
    assert response.status_code == 302
    resource.refresh_from_db()
    assert (resource.kind, resource.title, resource.tag_names) == (
        "link", "Reflective practice: the state of the art", "critical friends, reflection")


def test_removal_needs_its_confirmation(cast, client):
    resource = services.add_link(community=cast.community, added_by=cast.member, title="X",
                                 url="https://example.org/x")
    client.force_login(cast.member)
    client.post(_url("delete", cast, resource))
    assert Resource.objects.exists()
    response = client.post(_url("delete", cast, resource), {"confirm": "yes"})
    assert response["Location"] == _url("home", cast)
    assert not Resource.objects.exists()


def test_opening_a_link_logs_the_member_and_redirects(cast, client):
    resource = services.add_link(community=cast.community, added_by=cast.steward, title="X",
                                 url="https://example.org/x")
    client.force_login(cast.member)
    response = client.get(_url("open", cast, resource))
    assert response["Location"] == "https://example.org/x"
    assert ResourceRead.objects.get().user == cast.member
    page = client.get(_url("home", cast)).content.decode()
    assert "Most read this month" in page and "1 reader" in page


def test_the_seed_article_of_a_topic_logs_its_reader_too(cast, client, media_root):
    resource = services.add_file(community=cast.community, added_by=cast.steward,
                                 upload=SimpleUploadedFile("a.pdf", PDF))
    topic = TopicFactory(community=cast.community, seed_resource=resource)
    client.force_login(cast.member)
    client.get(reverse("topics:seed_article", args=[cast.community.slug, topic.slug]))
    assert ResourceRead.objects.get().user == cast.member
    page = client.get(resource.get_absolute_url()).content.decode()
    assert topic.title in page and "1 member" in page


@pytest.mark.parametrize("name,content_type,start", [
    ("bibtex", "application/x-bibtex; charset=utf-8", "@article{"),
    ("ris", "application/x-research-info-systems; charset=utf-8", "TY  - JOUR"),
])
def test_citations_download_with_their_content_types(cast, client, name, content_type, start):
    resource = services.add_link(community=cast.community, added_by=cast.member, title="X",
                                 url="https://example.org/x",
                                 details={"authors": "Farrell, T.", "year": 2016})
    client.force_login(cast.member)
    response = client.get(_url(name, cast, resource))
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment; filename=\"farrell2016")
    assert response.content.decode().startswith(start)


def _fill(cast, count):
    resources = []
    people = [cast.member, cast.facilitator, cast.steward]
    for number in range(count):
        resource = services.add_link(
            community=cast.community, added_by=people[number % 3], title=f"Reading {number}",
            url="https://example.org", details={"authors": f"Author{number}, A.\nB, C."},
            tags=[f"tag{number % 4}", "shared"])
        for reader in people[: number % 3 + 1]:
            services.record_read(resource=resource, reader=reader)
        TopicFactory(community=cast.community, seed_resource=resource,
                     starts_at=timezone.now() - timedelta(days=number))
        resources.append(resource)
    return resources


@pytest.mark.parametrize("name", ["home", "all", "topics", "tag", "resource", "add"])
def test_each_page_asks_a_bounded_number_of_queries(cast, client, name,
                                                    django_assert_max_num_queries):
    client.force_login(cast.member)
    for count in (2, 12):
        resources = _fill(cast, count if count == 2 else count - 2)
        url = (reverse("library:tag", args=[cast.community.slug, "shared"]) if name == "tag"
               else _url(name, cast, resources[0] if name == "resource" else None))
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


def test_a_file_is_corrected_without_asking_for_a_web_address(cast, client):
    resource = services.add_file(community=cast.community, added_by=cast.member,
                                 upload=SimpleUploadedFile("a.pdf", PDF))
    client.force_login(cast.facilitator)
    response = client.post(_url("edit", cast, resource), _link_form(url=""))
    assert response.status_code == 302
    resource.refresh_from_db()
    assert (resource.kind, resource.url, resource.authors) == (
        "file", "", "Farrell, Thomas S. C.")


def test_the_search_page_finds_a_resource_by_its_author_and_leads_to_its_page(cast, client):
    resource = services.add_link(community=cast.community, added_by=cast.member,
                                 title="Through the lens of a critical friend",
                                 url="https://example.org/c",
                                 details={"authors": "Costa, Arthur L.\nKallick, Bena"},
                                 tags=["critical friends"])
    client.force_login(cast.member)
    url = reverse("discussions:community_search", args=[cast.community.slug])
    for query in ("kallick", "critical friends"):
        page = client.get(url, {"q": query, "kind": "resource"}).content.decode()
        assert f'href="{resource.get_absolute_url()}"' in page, query
