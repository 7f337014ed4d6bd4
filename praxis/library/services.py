"""Writes in the library: adding something to read, as a link or an uploaded document.

Callers pass the permission door first; these functions keep the library's own rules: an
uploaded file is checked by its content and stored under a name Praxis chooses.
"""

import os
import uuid

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from praxis.accounts.models import User
from praxis.communities.models import Community
from praxis.library.models import Resource
from praxis.library.validators import validate_document


@transaction.atomic
def add_link(*, community: Community, added_by: User, title: str, url: str,
             citation: str = "") -> Resource:
    """Adds a link to something to read elsewhere, with the citation members would quote."""
    return Resource.objects.create(
        community=community, kind=Resource.Kind.LINK, title=title, url=url,
        citation=citation, added_by=added_by,
    )


@transaction.atomic
def add_file(*, community: Community, added_by: User, upload: UploadedFile, title: str = "",
             citation: str = "") -> Resource:
    """Stores an uploaded PDF, Word or OpenDocument file; refuses anything else
    (``ValidationError``). The stored name is random, the original name is kept for display."""
    kind = validate_document(upload)
    original = os.path.basename(upload.name or "")[:255] or f"document.{kind.extension}"
    resource = Resource(
        community=community, kind=Resource.Kind.FILE,
        title=title or os.path.splitext(original)[0][:300], citation=citation,
        original_name=original, content_type=kind.content_type, size=upload.size or 0,
        added_by=added_by,
    )
    # The file is written before the row; a rolled-back row leaves an orphan file, which is
    # harmless and cheaper than the reverse (a row pointing at nothing).
    resource.file.save(f"{uuid.uuid4().hex}.{kind.extension}", upload, save=False)
    resource.save()
    return resource
