"""What the library keeps of a person: in their data export, and after their erasure."""

import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from praxis.accounts import services as account_services
from praxis.library import queries, services
from praxis.library.models import Resource, ResourceRead
from praxis.library.tests.documents import PDF


def _export(client, person) -> zipfile.ZipFile:
    client.force_login(person)
    response = client.post(reverse("accounts:data_export"))
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_export_holds_what_a_member_added_and_read(cast, client):
    added = services.add_link(community=cast.community, added_by=cast.member,
                              title="Loop input by Woodward", url="https://example.org/a",
                              details={"authors": "Woodward, Tessa"}, tags=["loop input"])
    read = services.add_link(community=cast.community, added_by=cast.steward,
                             title="Read by the member", url="https://example.org/b")
    services.record_read(resource=read, reader=cast.member)
    archive = _export(client, cast.member)
    resources = archive.read("json/library_resources.json").decode()
    assert added.title in resources and "Woodward, Tessa" in resources
    assert "Read by the member" not in resources
    assert "Read by the member" in archive.read("json/library_reading.json").decode()
    assert "html/library_reading.html" in archive.namelist()


def test_another_member_s_export_holds_none_of_it(cast, client):
    resource = services.add_link(community=cast.community, added_by=cast.member,
                                 title="Mine alone", url="https://example.org/a")
    services.record_read(resource=resource, reader=cast.member)
    archive = _export(client, cast.facilitator)
    for name in archive.namelist():
        assert "Mine alone" not in archive.read(name).decode(errors="replace"), name


def test_erasure_removes_the_reading_log_and_keeps_what_was_added_anonymously(cast):
    resource = services.add_link(community=cast.community, added_by=cast.member, title="Kept",
                                 url="https://example.org/a")
    services.record_read(resource=resource, reader=cast.member)
    services.record_read(resource=resource, reader=cast.facilitator)
    account_services.erase_account(user=cast.member, keep_posts=False)
    assert list(ResourceRead.objects.values_list("user", flat=True)) == [cast.facilitator.pk]
    kept = Resource.objects.get()
    assert kept.added_by_id == cast.member.pk
    kept.added_by.refresh_from_db()
    assert cast.member.email not in str(kept.added_by)


def _upload(cast, title):
    return services.add_file(community=cast.community, added_by=cast.member, title=title,
                             upload=SimpleUploadedFile("article.pdf", PDF))


@pytest.mark.parametrize("keep_posts", [True, False])
def test_erasure_removes_uploaded_files_only_if_the_member_removes_their_posts(
        cast, keep_posts, django_capture_on_commit_callbacks):
    upload = _upload(cast, "My own upload")
    link = services.add_link(community=cast.community, added_by=cast.member, title="A link",
                             url="https://example.org/a")
    others = services.add_file(community=cast.community, added_by=cast.facilitator,
                               title="Theirs", upload=SimpleUploadedFile("b.pdf", PDF))
    stored = upload.file.name
    with django_capture_on_commit_callbacks(execute=True):
        account_services.erase_account(user=cast.member, keep_posts=keep_posts)
    assert Resource.objects.filter(pk=upload.pk).exists() == keep_posts
    assert default_storage.exists(stored) == keep_posts
    assert Resource.objects.filter(pk__in=[link.pk, others.pk]).count() == 2
    assert default_storage.exists(others.file.name)


def test_erasure_drops_the_month_s_most_read_list_it_counted_in(cast):
    resource = services.add_link(community=cast.community, added_by=cast.steward,
                                 title="Read", url="https://example.org/a")
    services.record_read(resource=resource, reader=cast.member)
    assert [r.readers for r in queries.most_read(cast.community)] == [1]
    account_services.erase_account(user=cast.member, keep_posts=True)
    assert queries.most_read(cast.community) == []
