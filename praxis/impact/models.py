"""Impact on practice: value-creation stories (Wenger, Trayner and de Laat 2011), the
promises "I will use this in my training" make, and cascade events (who trained whom).

A story walks the value-creation cycles: immediate value (the activity in the community it
came from, its ``sources``), potential value (what was gained), applied value (what was done
differently, in which session), realised value (what difference it made) and reframing value
(a change in how one sees one's work). Which cycles it reaches follows from what is filled in.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Cycle(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediate value")
    POTENTIAL = "potential", _("Potential value")
    APPLIED = "applied", _("Applied value")
    REALISED = "realised", _("Realised value")
    REFRAMING = "reframing", _("Reframing value")


class ValueStory(models.Model):
    """What a member's taking part led to, told in the cycles' order; may be saved half
    done (a draft) and finished later."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        TOLD = "told", _("Told")

    class Visibility(models.TextChoices):
        PRIVATE = "private", _("Private: only me")
        LEADERS = "leaders", _("The facilitators and stewards")
        COMMUNITY = "community", _("The community")

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="value_stories", verbose_name=_("community"))
    # Kept when its author erases their account, shown as by a former member (decision 35).
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="value_stories", verbose_name=_("author"))
    status = models.CharField(max_length=5, choices=Status.choices, default=Status.DRAFT)
    visibility = models.CharField(_("who can read it"), max_length=10,
                                  choices=Visibility.choices, default=Visibility.LEADERS)
    title = models.CharField(_("title"), max_length=200, blank=True)
    # Immediate value: what in the community it came from (picked, not typed) and why.
    source_topics = models.ManyToManyField("topics.Topic", blank=True, related_name="+",
                                           verbose_name=_("topics"))
    source_posts = models.ManyToManyField("discussions.Post", blank=True, related_name="+",
                                          verbose_name=_("posts"))
    source_resources = models.ManyToManyField("library.Resource", blank=True,
                                              related_name="+", verbose_name=_("readings"))
    source_versions = models.ManyToManyField("practice.PlanVersion", blank=True,
                                             related_name="+",
                                             verbose_name=_("session plan versions"))
    source_feedback = models.ManyToManyField("practice.Feedback", blank=True,
                                             related_name="+", verbose_name=_("feedback"))
    immediate = models.TextField(_("what you took from it"), blank=True, max_length=4000)
    potential = models.TextField(_("what you gained"), blank=True, max_length=4000)
    applied = models.TextField(_("what you did differently"), blank=True, max_length=4000)
    session_date = models.DateField(_("date of the training session"), null=True, blank=True)
    session_audience = models.CharField(_("who took part"), max_length=200, blank=True)
    trainee_count = models.PositiveIntegerField(_("how many trainees"), null=True, blank=True)
    realised = models.TextField(_("what happened"), blank=True, max_length=4000)
    reframing = models.TextField(_("how it changed how you see your work"), blank=True,
                                 max_length=4000)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                        null=True, blank=True, related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    told_at = models.DateTimeField(_("told"), null=True, blank=True)

    class Meta:
        verbose_name = _("value-creation story")
        verbose_name_plural = _("value-creation stories")
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["community", "status", "-told_at"]),
                   models.Index(fields=["author", "-updated_at"])]

    def __str__(self) -> str:
        return f"story {self.pk}"  # never its text: it may be private (see JournalEntry)

    def get_absolute_url(self) -> str:
        return reverse("impact:story", args=[self.community.slug, self.pk])

    def text_cycles(self) -> list[Cycle]:
        """The cycles its text reaches (immediate value also counts its picked sources,
        which ``queries`` adds: they need queries)."""
        reached: list[Cycle] = []
        if self.immediate.strip():
            reached.append(Cycle.IMMEDIATE)
        if self.potential.strip():
            reached.append(Cycle.POTENTIAL)
        if self.applied.strip():
            reached.append(Cycle.APPLIED)
        if self.realised.strip():
            reached.append(Cycle.REALISED)
        if self.reframing.strip():
            reached.append(Cycle.REFRAMING)
        return reached


def evidence_upload_path(evidence: "StoryEvidence", filename: str) -> str:
    return f"impact/{timezone.now():%Y/%m}/{filename}"


class StoryEvidence(models.Model):
    """Something that shows what happened: a photo of board work, a document, trainees'
    comments (text), or a plan version."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        DOCUMENT = "document", _("Document")
        COMMENTS = "comments", _("Trainees' comments")
        PLAN = "plan", _("Session plan version")

    story = models.ForeignKey(ValueStory, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    text = models.TextField(_("comments"), blank=True, max_length=8000)
    file = models.FileField(upload_to=evidence_upload_path, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    plan_version = models.ForeignKey("practice.PlanVersion", on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["story", "created_at", "pk"]

    def __str__(self) -> str:
        return f"evidence {self.pk}"


class UsePromise(models.Model):
    """"I will use this in my training", with the session's date: after it, the member is
    invited to tell what happened (a story)."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="use_promises")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="use_promises")
    post = models.ForeignKey("discussions.Post", on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+")
    session_date = models.DateField(_("date of the training session"))
    note = models.CharField(_("what you will use"), max_length=300, blank=True)
    invited_at = models.DateTimeField(null=True, blank=True)  # asked to tell what happened
    story = models.ForeignKey(ValueStory, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="promises")
    dismissed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session_date", "pk"]
        indexes = [models.Index(fields=["invited_at", "session_date"]),
                   models.Index(fields=["user", "session_date"])]
        constraints = [models.UniqueConstraint(fields=["user", "post"],
                                               condition=models.Q(post__isnull=False),
                                               name="one_promise_per_post")]

    def __str__(self) -> str:
        return f"promise {self.pk}"


class CascadeEvent(models.Model):
    """A member trained others: how, whom, how many, drawing on what."""

    class Kind(models.TextChoices):
        COURSE = "course", _("Course")
        WORKSHOP = "workshop", _("Workshop")
        OBSERVATION = "observation", _("Observation")
        MENTORING = "mentoring", _("Mentoring")
        INFORMAL = "informal", _("Informal sharing with colleagues")

    class Audience(models.TextChoices):
        TEACHERS = "teachers", _("Teachers")
        TRAINERS = "trainers", _("Trainers")
        COLLEAGUES = "colleagues", _("Colleagues")

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="cascade_events")
    trainer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                null=True, related_name="cascade_events",
                                verbose_name=_("trainer"))
    held_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    people = models.PositiveIntegerField(_("number of people"))
    cohort = models.ForeignKey("communities.Cohort", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="cascade_events",
                               verbose_name=_("cohort formed"))
    topics = models.ManyToManyField("topics.Topic", blank=True, related_name="cascade_events",
                                    verbose_name=_("topics"))
    resources = models.ManyToManyField("library.Resource", blank=True,
                                       related_name="cascade_events",
                                       verbose_name=_("readings"))
    plan_versions = models.ManyToManyField("practice.PlanVersion", blank=True,
                                           related_name="cascade_events",
                                           verbose_name=_("session plans"))
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("cascade event")
        verbose_name_plural = _("cascade events")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["community", "-held_on"])]
        constraints = [models.CheckConstraint(condition=models.Q(people__gte=1),
                                              name="cascade_reaches_someone")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.held_on})"
