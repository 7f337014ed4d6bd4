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
