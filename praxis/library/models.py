from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def resource_upload_path(resource: "Resource", filename: str) -> str:
    # The stored name is not the uploaded one: no path tricks, no clashes.
    return f"library/{resource.community_id}/{timezone.now():%Y/%m}/{filename}"


class Tag(models.Model):
    """A word a community files its reading under ("reflection", "CLT"); one row per
    community and slug, so browsing by tag is one indexed lookup."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="library_tags",
        verbose_name=_("community"),
    )
    name = models.CharField(_("name"), max_length=50)
    slug = models.SlugField(_("slug"), max_length=60, allow_unicode=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "slug"], name="tag_unique_in_community"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("library:tag", args=[self.community.slug, self.slug])


class Resource(models.Model):
    """Something to read: an uploaded file or a link, with the citation a member would quote."""

    class Kind(models.TextChoices):
        FILE = "file", _("Uploaded file")
        LINK = "link", _("Link")

    class WorkType(models.TextChoices):
        ARTICLE = "article", _("Journal article")
        BOOK = "book", _("Book")
        CHAPTER = "chapter", _("Book chapter")
        REPORT = "report", _("Report")
        WEBPAGE = "webpage", _("Web page")
        OTHER = "other", _("Other")

    class Licence(models.TextChoices):
        ALL_RIGHTS = "all-rights-reserved", _("All rights reserved")
        CC_BY = "cc-by", _("CC BY (Creative Commons Attribution)")
        CC_BY_SA = "cc-by-sa", _("CC BY-SA (Attribution, ShareAlike)")
        CC_BY_NC = "cc-by-nc", _("CC BY-NC (Attribution, NonCommercial)")
        PUBLIC_DOMAIN = "public-domain", _("Public domain")
        LINK_ONLY = "link-only", _("Link only: read it where it is published")

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
    # The structured citation; a resource added before it keeps its free-text ``citation``.
    work_type = models.CharField(_("type of work"), max_length=10, choices=WorkType.choices,
                                 default=WorkType.ARTICLE)
    authors = models.TextField(
        _("authors"), blank=True, max_length=2000,
        help_text=_("One per line, family name first: \"Farrell, Thomas S. C.\". An "
                    "organisation or a single name as it is written."),
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=300, blank=True,
        help_text=_("The journal, the book a chapter is in, or the website."),
    )
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    volume = models.CharField(_("volume"), max_length=20, blank=True)
    issue = models.CharField(_("issue"), max_length=20, blank=True)
    pages = models.CharField(_("pages"), max_length=30, blank=True)
    doi = models.CharField(_("DOI"), max_length=200, blank=True,
                           help_text=_("Like 10.1093/elt/ccn056, without the web address."))
    licence = models.CharField(_("licence"), max_length=20, choices=Licence.choices,
                               default=Licence.ALL_RIGHTS)
    tags = models.ManyToManyField(Tag, blank=True, related_name="resources",
                                  verbose_name=_("tags"))
    # The tags' names, kept by ``services.set_tags`` beside the tags so the search index (a
    # database trigger on this table) finds a resource by its tags.
    tag_names = models.CharField(max_length=1000, blank=True, editable=False)

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

    def get_absolute_url(self) -> str:
        return reverse("library:resource", args=[self.community.slug, self.pk])

    @property
    def author_list(self) -> list[str]:
        return [line.strip() for line in self.authors.splitlines() if line.strip()]

    @property
    def has_structured_citation(self) -> bool:
        return bool(self.authors.strip() or self.year or self.source.strip()
                    or self.publisher.strip() or self.doi.strip())


class ResourceRead(models.Model):
    """A member opened a resource (its link or its file) on a day: one row per member,
    resource and day (decision 40). Reading is engagement: the analytics count these."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="reads",
                                 verbose_name=_("resource"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+", verbose_name=_("reader"))
    day = models.DateField(_("day"))
    opened_at = models.DateTimeField(_("first opened"), default=timezone.now)

    class Meta:
        verbose_name = _("reading")
        verbose_name_plural = _("reading log")
        constraints = [
            models.UniqueConstraint(fields=["resource", "user", "day"],
                                    name="one_read_per_member_resource_and_day"),
        ]
        indexes = [
            models.Index(fields=["resource", "opened_at"], name="read_resource_opened"),
            models.Index(fields=["user", "opened_at"], name="read_user_opened"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.resource_id} {self.day}"
