"""Uploads are refused by size while they stream in, with the form's own message."""

import io

import pytest
from django.core.files.uploadhandler import TemporaryFileUploadHandler, load_handler
from django.http.multipartparser import MultiPartParser
from django.test import RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from praxis.discussions.models import Post
from praxis.discussions.tests import samples
from praxis.discussions.tests.factories import make_thread, make_topic
from praxis.site import uploads

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


class CountingTemporaryHandler(TemporaryFileUploadHandler):
    """The temporary-file handler, counting the bytes it is given to write."""

    written = 0

    def receive_data_chunk(self, raw_data, start):
        CountingTemporaryHandler.written += len(raw_data)
        return super().receive_data_chunk(raw_data, start)


def _parse(body: bytes, settings):
    request = RequestFactory().get("/")
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(len(body))}
    handlers = [load_handler(path, request) for path in settings.FILE_UPLOAD_HANDLERS[:2]]
    handlers.append(CountingTemporaryHandler(request))
    return MultiPartParser(meta, io.BytesIO(body), handlers).parse()


def test_a_file_larger_than_any_form_takes_is_never_stored(settings, monkeypatch):
    monkeypatch.setattr(uploads, "largest_file_bytes", lambda: 2 * MB)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024  # so a kept file goes to disk
    CountingTemporaryHandler.written = 0
    huge = samples.upload("scan.pdf", samples.pdf() + b"0" * (5 * MB))
    fine = samples.upload("plan.pdf", samples.pdf() + b"0" * (1 * MB))
    _post, files = _parse(encode_multipart(BOUNDARY, {"a": huge}), settings)
    stand_in = files["a"]
    assert isinstance(stand_in, uploads.TooLargeUpload)
    assert stand_in.size > 5 * MB and stand_in.read() == b""
    assert CountingTemporaryHandler.written <= 2 * MB + 64 * 1024  # the first chunks only
    _post, files = _parse(encode_multipart(BOUNDARY, {"a": fine}), settings)
    assert files["a"].size > MB and not isinstance(files["a"], uploads.TooLargeUpload)


def test_the_reply_form_names_the_dropped_file_and_its_size(client, cast, settings,
                                                            monkeypatch, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(uploads, "largest_file_bytes", lambda: 2 * MB)
    settings.PRAXIS_MAX_ATTACHMENT_MB = 1
    thread = make_thread(make_topic(cast.community), cast.facilitator)
    client.force_login(cast.member)
    response = client.post(
        reverse("discussions:reply", args=[cast.community.slug, thread.pk]),
        {"body": "With my scan", "attachments": [
            samples.upload("scan.pdf", samples.pdf() + b"0" * (3 * MB))]})
    assert "“scan.pdf” is too large (3.0 MB); the limit is 1 MB" in response.content.decode()
    assert not Post.objects.filter(body="With my scan").exists()


def test_a_body_over_the_request_limit_is_refused_before_it_is_read(client, cast, settings):
    settings.PRAXIS_MAX_REQUEST_MB = 55
    thread = make_thread(make_topic(cast.community), cast.facilitator)
    client.force_login(cast.member)
    response = client.generic(
        "POST", reverse("discussions:reply", args=[cast.community.slug, thread.pk]),
        b"body=never+read", content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(200 * MB))
    assert response.status_code == 413
    assert "200.0 MB" in response.content.decode() and "55 MB" in response.content.decode()
    assert not Post.objects.filter(body="never read").exists()
