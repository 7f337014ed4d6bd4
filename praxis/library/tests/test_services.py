from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from praxis.library import services
from praxis.library.models import Resource
from praxis.library.tests.documents import PDF, odt


def test_a_link_is_added_with_its_citation(cast):
    resource = services.add_link(community=cast.community, added_by=cast.member,
                                 title="Loop input", url="https://doi.org/10.1093/elt/57.3.301",
                                 citation="Woodward, T. (2003)")
    assert (resource.kind, resource.added_by) == (Resource.Kind.LINK, cast.member)


def test_an_upload_is_stored_under_a_name_praxis_chooses(cast, media_root):
    upload = SimpleUploadedFile("../../etc/Reflection on reflection.odt", odt(),
                                content_type="text/html")
    resource = services.add_file(community=cast.community, added_by=cast.member, upload=upload)
    assert resource.original_name == "Reflection on reflection.odt"
    assert resource.title == "Reflection on reflection"
    assert resource.content_type == "application/vnd.oasis.opendocument.text"  # not the sender's
    assert resource.size == len(odt())
    stored = Path(resource.file.path)
    assert stored.is_relative_to(media_root) and stored.suffix == ".odt"
    assert "Reflection" not in stored.name and stored.read_bytes() == odt()


def test_an_upload_that_is_not_a_document_is_not_stored(cast, media_root):
    with pytest.raises(ValidationError):
        services.add_file(community=cast.community, added_by=cast.member,
                          upload=SimpleUploadedFile("x.pdf", b"not a pdf"))
    assert not Resource.objects.exists()
    assert not list(Path(media_root).rglob("*.pdf"))


def test_a_title_given_is_kept(cast):
    resource = services.add_file(community=cast.community, added_by=cast.member,
                                 upload=SimpleUploadedFile("a.pdf", PDF), title="The article")
    assert resource.title == "The article"


# Citations, tags, corrections, removal, the reading log --------------------------------------

def test_a_link_keeps_its_structured_citation_and_tags(cast):
    from praxis.library.models import Tag

    resource = services.add_link(
        community=cast.community, added_by=cast.member, title="Reflective practice",
        url="https://example.org/r",
        details={"authors": "Farrell, Thomas S. C.", "year": 2015, "source": "ELT Journal",
                 "doi": "10.1093/elt/ccv020", "licence": Resource.Licence.CC_BY},
        tags=["Reflection", "critical friends", "تأمل"],
    )
    resource.refresh_from_db()
    assert (resource.year, resource.licence) == (2015, "cc-by")
    assert resource.tag_names == "Reflection, critical friends, تأمل"
    assert set(Tag.objects.values_list("slug", flat=True)) == {
        "reflection", "critical-friends", "تأمل"}


def test_the_same_tag_is_one_row_per_community(cast, make_cast):
    from praxis.library.models import Tag

    other = make_cast()
    for community, person in ((cast.community, cast.member), (cast.community, cast.steward),
                              (other.community, other.member)):
        services.add_link(community=community, added_by=person, title="X",
                          url="https://example.org", tags=["CLT"])
    assert Tag.objects.filter(community=cast.community).count() == 1
    assert Tag.objects.count() == 2


def test_tag_names_are_split_on_commas_trimmed_and_not_repeated():
    assert services.tag_names(" CLT , clt,، reflection،  teacher   research ,,") == [
        "CLT", "reflection", "teacher research"]
    assert len(services.tag_names(",".join(f"t{n}" for n in range(30)))) == services.MAX_TAGS


def test_a_correction_changes_the_citation_and_tags_and_drops_unused_tags(cast):
    from praxis.library.models import Tag

    resource = services.add_link(community=cast.community, added_by=cast.member, title="X",
                                 url="https://example.org/x", tags=["old"])
    services.update_resource(resource=resource, title="Y", citation="", url="https://e.org/y",
                             details={"authors": "Schön, Donald A.", "year": 1983},
                             tags=["new"])
    resource.refresh_from_db()
    assert (resource.title, resource.url, resource.authors, resource.year) == (
        "Y", "https://e.org/y", "Schön, Donald A.", 1983)
    assert list(Tag.objects.values_list("name", flat=True)) == ["new"]


def test_an_unknown_citation_field_is_refused(cast):
    with pytest.raises(ValueError):
        services.add_link(community=cast.community, added_by=cast.member, title="X",
                          url="https://example.org", details={"community_id": 9})


def test_removing_a_file_resource_removes_its_file_and_its_reading_log(
        cast, media_root, django_capture_on_commit_callbacks):
    from praxis.library.models import ResourceRead

    resource = services.add_file(community=cast.community, added_by=cast.member,
                                 upload=SimpleUploadedFile("a.pdf", PDF), tags=["gone"])
    services.record_read(resource=resource, reader=cast.member)
    stored = Path(resource.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_resource(resource=resource)
    assert not stored.exists()
    assert not Resource.objects.exists() and not ResourceRead.objects.exists()


def test_a_member_reading_twice_in_a_day_is_one_row_and_again_the_next_day(cast):
    from datetime import timedelta

    from django.utils import timezone

    from praxis.library.models import ResourceRead

    resource = services.add_link(community=cast.community, added_by=cast.steward, title="X",
                                 url="https://example.org")
    services.record_read(resource=resource, reader=cast.member)
    services.record_read(resource=resource, reader=cast.member)
    assert ResourceRead.objects.count() == 1
    ResourceRead.objects.update(day=timezone.localdate() - timedelta(days=1),
                                opened_at=timezone.now() - timedelta(days=1))
    services.record_read(resource=resource, reader=cast.member)
    services.record_read(resource=resource, reader=cast.facilitator)
    assert ResourceRead.objects.count() == 3


def test_most_read_counts_different_members_in_the_past_month(cast):
    from datetime import timedelta

    from django.utils import timezone

    from praxis.library import queries
    from praxis.library.models import ResourceRead

    popular, quiet, old = (
        services.add_link(community=cast.community, added_by=cast.steward, title=title,
                          url="https://example.org") for title in ("Popular", "Quiet", "Old"))
    for reader in (cast.member, cast.facilitator, cast.steward):
        services.record_read(resource=popular, reader=reader)
    services.record_read(resource=quiet, reader=cast.member)
    services.record_read(resource=old, reader=cast.member)
    ResourceRead.objects.filter(resource=old).update(
        opened_at=timezone.now() - timedelta(days=40))
    assert [(r.title, r.readers) for r in queries.most_read(cast.community)] == [
        ("Popular", 3), ("Quiet", 1)]
    assert queries.reader_count(popular) == 3
    start = timezone.now() - timedelta(days=60)
    assert queries.reads_by_member(cast.community, start=start, end=timezone.now()) == {
        cast.member.pk: 3, cast.facilitator.pk: 1, cast.steward.pk: 1}


def test_the_month_s_most_read_is_counted_once_until_a_new_reader_comes(
        cast, django_assert_num_queries):
    from praxis.library import queries

    first, second = (
        services.add_link(community=cast.community, added_by=cast.steward, title=title,
                          url="https://example.org") for title in ("First", "Second"))
    services.record_read(resource=first, reader=cast.member)
    assert [r.title for r in queries.most_read(cast.community)] == ["First"]
    with django_assert_num_queries(1):  # the resources listed; the count is kept
        assert [r.readers for r in queries.most_read(cast.community)] == [1]
    services.record_read(resource=second, reader=cast.member)
    services.record_read(resource=second, reader=cast.facilitator)
    assert [(r.title, r.readers) for r in queries.most_read(cast.community)] == [
        ("Second", 2), ("First", 1)]
    services.delete_resource(resource=second)
    assert [r.title for r in queries.most_read(cast.community)] == ["First"]
