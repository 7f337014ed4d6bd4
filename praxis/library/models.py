from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def resource_upload_path(resource: "Resource", filename: str) -> str:
    # The stored name is not the uploaded one: no path tricks, no clashes.
    return f"library/{resource.community_id}/{timezone.now():%Y/%m}/{filename}"


class Resource(models.Model):
    """Something to read: an uploaded file or a link, with the citation a member would quote."""

    class Kind(models.TextChoices):
        FILE = "file", _("Uploaded file")
        LINK = "link", _("Link")

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="resources",
        verbose_name=_("community"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    citation = models.TextField(
        _("citation"), blank=True, max_length=1000,
        help_text=_("Authors, year, title, source: as you would cite it."),
    )
    url = models.URLField(_("web address"), blank=True, max_length=1000)
    file = models.FileField(_("file"), upload_to=resource_upload_path, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="link") & ~models.Q(url=""))
                | (models.Q(kind="file") & ~models.Q(file="")),
                name="resource_has_its_link_or_file",
            ),
        ]

    def __str__(self) -> str:
        return self.title
