"""Writing value-creation stories: saving one (a draft, or told), adding and removing its
evidence, acknowledging it, deleting it.

Every function is keyword-only and one transaction: a story, its picked sources and its
status are saved together or not at all. A story is told only when it reaches at least one
cycle; a draft may be saved at any point.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from praxis.accounts.models import User
from praxis.communities.models import Community
from praxis.core.history import rewritten
from praxis.discussions.attachments import FileRefused, check_file
from praxis.impact.models import StoryEvidence, ValueStory
from praxis.impact.story_queries import reaches
from praxis.library.validators import validate_document
from praxis.practice.models import PlanVersion

MAX_EVIDENCE = 10
TEXT_FIELDS = ("title", "immediate", "potential", "applied", "session_audience", "realised",
               "reframing")


class StoryRuleError(Exception):
    """A write the rules refuse; its message is for the person."""


@dataclass(frozen=True)
class StoryDraft:
    """What a story says, as the form gives it."""

    title: str = ""
    visibility: str = ValueStory.Visibility.LEADERS
    immediate: str = ""
    potential: str = ""
    applied: str = ""
    session_date: Any = None
    session_audience: str = ""
    trainee_count: int | None = None
    realised: str = ""
    reframing: str = ""
    sources: dict[str, Iterable[Any]] = field(default_factory=dict)


SOURCE_FIELDS = ("source_topics", "source_posts", "source_resources", "source_versions",
                 "source_feedback")


@transaction.atomic
def save_story(*, community: Community, author: User, draft: StoryDraft,
               story: ValueStory | None = None, tell: bool = False) -> ValueStory:
    """Creates or updates a story; ``tell`` makes it told (it stays told once told: saving
    it again keeps it so). Refuses to tell a story that reaches no cycle."""
    now = timezone.now()
    if story is None:
        story = ValueStory(community=community, author=author, created_at=now)
    elif story.author_id != author.pk or story.community_id != community.pk:
        raise StoryRuleError(_("Only its author may change a story."))
    if draft.visibility not in ValueStory.Visibility.values:
        raise StoryRuleError(_("Choose who can read the story."))
    for name in TEXT_FIELDS:
        setattr(story, name, (getattr(draft, name) or "").strip())
    story.visibility = draft.visibility
    story.session_date = draft.session_date
    story.trainee_count = draft.trainee_count
    story.updated_at = now
    story.save()
    for name in SOURCE_FIELDS:
        if name in draft.sources:
            getattr(story, name).set(list(draft.sources[name]))
    if tell or story.status == ValueStory.Status.TOLD:
        if not reaches(story):
            raise StoryRuleError(_(
                "A story is told once it says something: pick what it came from or write "
                "at least one of its parts. You can save it as a draft meanwhile."))
        if story.status != ValueStory.Status.TOLD:
            story.status = ValueStory.Status.TOLD
            story.told_at = now
            story.save(update_fields=["status", "told_at"])
    return story


def check_photo(upload: UploadedFile) -> tuple[str, str]:
    """A JPEG or PNG, checked by its content: (extension, content type), or ValidationError
    with a message for the person."""
    try:
        checked = check_file(upload)
    except FileRefused as refusal:
        raise ValidationError(str(refusal), code="refused") from refusal
    if checked.kind not in ("jpeg", "png"):
        raise ValidationError(
            _("“%(name)s” is not a JPEG or PNG photo. Take or save the photo as one and "
              "upload it again.") % {"name": checked.original_name}, code="not_photo")
    return ("jpg" if checked.kind == "jpeg" else "png"), checked.content_type


@transaction.atomic
def add_evidence(*, story: ValueStory, kind: str, caption: str = "", text: str = "",
                 upload: UploadedFile | None = None,
                 plan_version: PlanVersion | None = None) -> StoryEvidence:
    """Adds one piece of evidence; the file (a photo or a document) is checked by its
    content before anything is stored."""
    if story.evidence.count() >= MAX_EVIDENCE:
        raise StoryRuleError(_("A story holds at most %(count)s pieces of evidence.")
                             % {"count": MAX_EVIDENCE})
    evidence = StoryEvidence(story=story, kind=kind, caption=caption.strip()[:300])
    match kind:
        case StoryEvidence.Kind.PHOTO | StoryEvidence.Kind.DOCUMENT:
            if upload is None:
                raise StoryRuleError(_("Choose the file to upload."))
            try:
                if kind == StoryEvidence.Kind.PHOTO:
                    extension, content_type = check_photo(upload)
                else:
                    document = validate_document(upload)
                    extension, content_type = document.extension, document.content_type
            except ValidationError as error:
                raise StoryRuleError(" ".join(error.messages)) from error
            evidence.original_name = (upload.name or "")[-255:]
            evidence.content_type = content_type
            evidence.size = upload.size or 0
            evidence.file.save(f"{uuid.uuid4().hex}.{extension}", upload, save=False)
        case StoryEvidence.Kind.COMMENTS:
            if not text.strip():
                raise StoryRuleError(_("Write the trainees' comments."))
            evidence.text = text.strip()
        case StoryEvidence.Kind.PLAN:
            if plan_version is None or plan_version.plan.community_id != story.community_id:
                raise StoryRuleError(_("Choose a session plan version of this community."))
            evidence.plan_version = plan_version
        case _:
            raise StoryRuleError(_("Choose what kind of evidence it is."))
    evidence.save()
    return evidence


@transaction.atomic
def remove_evidence(*, evidence: StoryEvidence) -> None:
    if evidence.file:
        name = evidence.file.name
        storage = evidence.file.storage
        transaction.on_commit(lambda: storage.delete(name))
    evidence.delete()


@transaction.atomic
def acknowledge(*, story: ValueStory, by: User) -> ValueStory:
    """A facilitator or steward acknowledges a told story (the door decides who); once."""
    if story.status != ValueStory.Status.TOLD:
        raise StoryRuleError(_("Only a told story can be acknowledged."))
    if story.acknowledged_at is None:
        story.acknowledged_by = by
        story.acknowledged_at = timezone.now()
        story.save(update_fields=["acknowledged_by", "acknowledged_at"])
    return story


@transaction.atomic
def delete_story(*, story: ValueStory) -> None:
    """Deletes a story with its evidence and their files (after the commit)."""
    names = [str(name) for name in story.evidence.exclude(file="")
             .values_list("file", flat=True)]
    storage = StoryEvidence._meta.get_field("file").storage  # type: ignore[union-attr]
    rewritten(story.community_id, story.told_at)  # a draft was never counted
    story.delete()
    if names:
        transaction.on_commit(lambda: _delete_files(storage, names))


def _delete_files(storage: Any, names: list[str]) -> None:
    for name in names:
        storage.delete(name)
