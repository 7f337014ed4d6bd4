"""Uploads refused by size while they stream in.

- ``RequestSizeMiddleware`` answers 413 before reading a body whose Content-Length is over
  ``PRAXIS_MAX_REQUEST_MB`` (a post's five attachments and its text fit).
- ``SizeLimitedUploadHandler`` comes first among the upload handlers: once one file passes
  the largest size any form accepts, the rest of it is read and dropped, never written to
  memory or disk, and the form receives an empty stand-in that says how large the file was,
  so it refuses it with its usual message ("… is too large (200.0 MB); the limit is 10 MB").
  A body sent without a length (chunked) is cut off at the request limit.
- One page takes more: a Moodle backup to import, up to ``PRAXIS_IMPORT_MAX_UPLOAD_MB``,
  and only from those who may import into that community (``LARGE_UPLOADS``); a request
  anywhere else, or from anyone else, keeps the limits above.
"""

import io
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from praxis.access.imports import access_imports
from praxis.discussions.attachments import MAX_FILES_PER_POST
from praxis.discussions.attachments import max_bytes as max_attachment_bytes
from praxis.library.validators import MAX_DOCUMENT_BYTES
from praxis.site.notifications.replies import max_inbound_bytes

MB = 1024 * 1024


def max_request_bytes() -> int:
    return int(settings.PRAXIS_MAX_REQUEST_MB) * MB


def largest_file_bytes() -> int:
    """The largest single file any form or endpoint accepts; each refuses its own above."""
    return max(max_attachment_bytes(), MAX_DOCUMENT_BYTES, max_inbound_bytes())


def _import_upload_bytes(request: HttpRequest, kwargs: dict[str, Any]) -> int | None:
    try:
        access_imports(request.user, kwargs["slug"])
    except (Http404, PermissionDenied):
        return None
    return int(settings.PRAXIS_IMPORT_MAX_UPLOAD_MB) * MB


# The views that take a larger file than any form above, each with who may send it and how
# large: (request, the view's URL arguments) -> the file limit in bytes, or None to keep the
# usual limits. The view refuses a file over it itself, with its message.
LARGE_UPLOADS: dict[str, Callable[[HttpRequest, dict[str, Any]], int | None]] = {
    "interop:moodle_import": _import_upload_bytes,
}
# Room for the other fields and the multipart framing around a large file.
FORM_ROOM_BYTES = MB


def large_upload_bytes(request: HttpRequest | None) -> int | None:
    """The file limit of a page in ``LARGE_UPLOADS`` for this request, else None."""
    if request is None or not hasattr(request, "user"):
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    allowed = LARGE_UPLOADS.get(match.view_name)
    return allowed(request, match.kwargs) if allowed else None


def upload_limits(request: HttpRequest | None) -> tuple[int, int]:
    """The (request body, one file) limits in bytes for this request."""
    large = large_upload_bytes(request)
    if large is None:
        return max_request_bytes(), largest_file_bytes()
    return large + FORM_ROOM_BYTES, large


class TooLargeUpload(UploadedFile):
    """What stands for a file dropped while it streamed in: no content, its size as sent."""

    def __init__(self, name: str, content_type: str, size: int) -> None:
        super().__init__(io.BytesIO(), name=name, content_type=content_type, size=size)


class SizeLimitedUploadHandler(FileUploadHandler):
    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.request_limit, self.file_limit = upload_limits(request)
        self.total = 0
        self.received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        self.total += len(raw_data)
        if self.total > self.request_limit:
            raise StopUpload(connection_reset=True)
        # None: the handlers after this one (memory, temporary file) never get the chunk.
        return None if self.received > self.file_limit else raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.received > self.file_limit:
            return TooLargeUpload(self.file_name or "file", self.content_type or "", self.received)
        return None  # the next handler made the file


class RequestSizeMiddleware:
    """413 with a page that says why, before reading a body that is too large."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        large = large_upload_bytes(request) if length else None
        if large is not None:
            if length > large + FORM_ROOM_BYTES:
                message = _("What you sent is %(size)s MB; an import takes files of up to "
                            "%(limit)s MB.") % {"size": f"{length / MB:.1f}",
                                               "limit": large // MB}
                return render(request, "413.html", {"message": message}, status=413)
        elif length > max_request_bytes():
            message = _("What you sent is %(size)s MB; Praxis takes at most %(limit)s MB at "
                        "once (%(files)s files of up to %(each)s MB each with a post). Attach "
                        "fewer or smaller files.") % {
                "size": f"{length / MB:.1f}", "limit": settings.PRAXIS_MAX_REQUEST_MB,
                "files": MAX_FILES_PER_POST, "each": max_attachment_bytes() // MB}
            return render(request, "413.html", {"message": message}, status=413)
        return self.get_response(request)
