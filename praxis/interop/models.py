from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FeedToken(models.Model):
    """A member's secret for feed readers, which cannot log in: it opens that member's
    feeds only (never a session). Only the SHA-256 hash of the token is kept; the member
    sees the token once, when it is made."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_token",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("feed address")
        verbose_name_plural = _("feed addresses")

    def __str__(self) -> str:
        return f"feed token of {self.user}"


def import_upload_path(run: "MoodleImport", filename: str) -> str:
    # Kept out of MEDIA_URL's public reach by the random folder; removed when the run ends.
    return f"imports/{timezone.now():%Y/%m}/{filename}"


class MoodleImport(models.Model):
    """One import of a Moodle course backup or forum export into a community: queued by a
    steward's upload (or run by ``manage.py import_moodle``), run by the worker, its
    progress and then its summary shown on the import's page."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        CHECKED = "checked", _("Checked, nothing imported")
        FAILED = "failed", _("Not imported")

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="moodle_imports")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    file = models.FileField(upload_to=import_upload_path, blank=True)
    file_name = models.CharField(_("file"), max_length=255)
    file_size = models.PositiveBigIntegerField(default=0)
    dry_run = models.BooleanField(_("check only"), default=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    # What the run is doing now and what it has counted so far, for the progress page.
    phase = models.CharField(max_length=40, blank=True)
    progress = models.JSONField(default=dict, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Moodle import")
        verbose_name_plural = _("Moodle imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.CHECKED, self.Status.FAILED)


class ImportedItem(models.Model):
    """What an import made of one Moodle record: importing the same or a later backup again
    finds its records here and adds only what is new. ``origin`` is the Moodle site (its
    identifier hash), in whose scope Moodle's ids are unique."""

    class Kind(models.TextChoices):
        USER = "user"
        GROUP = "group"
        FORUM = "forum"
        DISCUSSION = "discussion"
        POST = "post"
        FILE = "file"
        RATING = "rating"

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="+")
    origin = models.CharField(max_length=64)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    external_id = models.CharField(max_length=100)
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "origin", "kind", "external_id"],
                                    name="imported_once"),
        ]
