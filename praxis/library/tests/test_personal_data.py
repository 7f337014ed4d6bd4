"""What the library keeps of a person: in their data export, and after their erasure."""

import io
import zipfile

from django.urls import reverse

from praxis.accounts import services as account_services
from praxis.library import services
from praxis.library.models import Resource, ResourceRead


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
