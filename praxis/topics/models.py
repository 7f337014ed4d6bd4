from datetime import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from praxis.core.models import KeptCounters


class Topic(KeptCounters):
    """A time-boxed professional-development topic run by facilitators.

    Its state follows its dates (see ``state_at``); closing early or extending moves the dates.
    """

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        OPEN = "open", _("Open")
        APPLY = "apply", _("Apply to your context")
        CLOSED = "closed", _("Closed")
        ARCHIVED = "archived", _("Archived")

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="topics",
        verbose_name=_("community"),
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("web address"), max_length=80, allow_unicode=True)
    summary = models.TextField(
        _("why it matters"), blank=True, max_length=5000,
        help_text=_("What this topic is about and why it matters in our practice."),
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="facilitated_topics", blank=True,
        verbose_name=_("facilitators"),
    )
    starts_at = models.DateTimeField(_("starts"))
    apply_from = models.DateTimeField(
        _("apply phase from"),
        help_text=_("From this date members are asked how they would apply the ideas."),
    )
    ends_at = models.DateTimeField(_("ends"))
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    seed_resource = models.ForeignKey(
        "library.Resource", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="seeded_topics", verbose_name=_("seed article"),
    )
    apply_prompt = models.TextField(
        _("apply prompt"), blank=True, max_length=2000,
        help_text=_("What the facilitator asks members to do in the apply phase."),
    )
    synthesis = models.TextField(_("closing synthesis"), blank=True, max_length=50000)
    synthesis_html = models.TextField(blank=True, editable=False)
    synthesis_published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Any save (title, dates, questions' topic, synthesis): feeds and downloads revalidate.
    updated_at = models.DateTimeField(auto_now=True)
    # Kept by the discussion services in the writing transaction, so lists of topics need no
    # aggregate over their threads (``praxis.discussions.counters``).
    thread_count = models.PositiveIntegerField(default=0, editable=False)
    post_count = models.PositiveIntegerField(default=0, editable=False)

    COUNTERS = ("thread_count", "post_count")

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["-starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["community", "slug"], name="topic_slug_unique"),
            models.CheckConstraint(
                condition=models.Q(starts_at__lte=models.F("apply_from"))
                & models.Q(apply_from__lte=models.F("ends_at")),
                name="topic_dates_in_order",
            ),
        ]
        indexes = [models.Index(fields=["community", "ends_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("topics:detail", args=[self.community.slug, self.slug])

    def state_at(self, moment: datetime) -> str:
        if self.archived_at is not None:
            return self.State.ARCHIVED
        if moment < self.starts_at:
            return self.State.SCHEDULED
        if moment < self.apply_from:
            return self.State.OPEN
        if moment < self.ends_at:
            return self.State.APPLY
        return self.State.CLOSED

    @property
    def state(self) -> str:
        return self.state_at(timezone.now())

    @property
    def is_running(self) -> bool:
        return self.state in (self.State.OPEN, self.State.APPLY)


class TopicProposal(models.Model):
    """A member's suggestion for a topic; members support it, a steward decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="topic_proposals",
        verbose_name=_("community"),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_proposals",
        verbose_name=_("proposed by"),
    )
    title = models.CharField(_("title"), max_length=200)
    rationale = models.TextField(
        _("why it matters in your practice"), max_length=5000,
    )
    suggested_facilitator = models.CharField(
        _("suggested facilitator"), max_length=200, blank=True,
        help_text=_("A member's name, or yourself, or someone from outside."),
    )
    suggested_days = models.PositiveSmallIntegerField(
        _("suggested length in days"), default=7,
        help_text=_("7 days and 21 days (three weeks) are the usual lengths."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(_("reason"), blank=True, max_length=2000)
    topic = models.OneToOneField(
        Topic, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposal",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("topic proposal")
        verbose_name_plural = _("topic proposals")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("topics:proposal", args=[self.community.slug, self.pk])


class ProposalSupport(models.Model):
    proposal = models.ForeignKey(TopicProposal, on_delete=models.CASCADE,
                                 related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="support_once"),
        ]
