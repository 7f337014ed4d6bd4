"""Session plans: a plan keeps every version; feedback is asked for and given on a version,
and a later version names the feedback it answers (the "feedback led to this change" link
the impact and research apps read)."""

import os

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    TEACHERS = "teachers", _("Teachers")
    TRAINERS = "trainers", _("Teacher trainers")
    MIXED = "mixed", _("Teachers and trainers")


class SessionPlan(models.Model):
    """A training session a member shares; what it says lives in its versions."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="session_plans",
        verbose_name=_("community"),
    )
    # Kept when its author erases their account, shown as by a former member (decision 35).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
        related_name="session_plans", verbose_name=_("author"),
    )
    # The latest version's title, kept here for lists.
    title = models.CharField(_("title"), max_length=200)
    topics = models.ManyToManyField(
        "topics.Topic", blank=True, related_name="session_plans",
        verbose_name=_("topics that inspired it"),
    )
    created_at = models.DateTimeField(_("shared"), default=timezone.now)
    updated_at = models.DateTimeField(_("last version"), default=timezone.now)

    class Meta:
        verbose_name = _("session plan")
        verbose_name_plural = _("session plans")
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["community", "-updated_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("practice:plan", args=[self.community.slug, self.pk])


def plan_file_path(version: "PlanVersion", filename: str) -> str:
    # The stored name is chosen by the service, never the uploaded one.
    return f"plans/{timezone.now():%Y/%m}/{os.path.basename(filename)}"


class PlanVersion(models.Model):
    """One version of a plan, complete in itself so any two compare side by side."""

    plan = models.ForeignKey(SessionPlan, on_delete=models.CASCADE, related_name="versions",
                             verbose_name=_("session plan"))
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    level = models.CharField(
        _("level"), max_length=100, blank=True,
        help_text=_("For example: pre-service, novice teachers, B1 learners."),
    )
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    aims = models.TextField(_("aims"), max_length=4000)
    change_note = models.TextField(
        _("what changed"), blank=True, max_length=2000,
        help_text=_("What is new in this version, and why."),
    )
    original_file = models.FileField(_("original file"), upload_to=plan_file_path, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    # The feedback this version answers: evidence that feedback led to a change.
    answers = models.ManyToManyField(
        "practice.Feedback", blank=True, related_name="answered_in",
        verbose_name=_("feedback it answers"),
    )
    created_at = models.DateTimeField(_("posted"), default=timezone.now)

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_version_number"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    def get_absolute_url(self) -> str:
        return reverse("practice:version",
                       args=[self.plan.community.slug, self.plan_id, self.number])


class PlanStage(models.Model):
    """One stage of a session, in order: how long, what happens, who works with whom, with
    what."""

    class Interaction(models.TextChoices):
        TRAINER_LED = "trainer_led", _("Trainer to whole group")
        INDIVIDUAL = "individual", _("Individual work")
        PAIRS = "pairs", _("Pairs")
        GROUPS = "groups", _("Small groups")
        PLENARY = "plenary", _("Whole group discussion")
        MINGLE = "mingle", _("Mingle")

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="stages")
    position = models.PositiveSmallIntegerField()
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    activity = models.TextField(_("activity"), max_length=2000)
    interaction = models.CharField(_("interaction"), max_length=12,
                                   choices=Interaction.choices)
    materials = models.CharField(_("materials"), max_length=500, blank=True)

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="one_stage_position"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.activity[:40]}"


class FeedbackRequest(models.Model):
    """An author asks for feedback on one version, with focus questions, from some people."""

    class Audience(models.TextChoices):
        COMMUNITY = "community", _("The whole community")
        CHOSEN = "chosen", _("Members I choose")
        FRIENDS = "friends", _("My critical friends")

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE,
                                related_name="feedback_requests")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                 null=True, related_name="+")
    audience = models.CharField(_("ask"), max_length=10, choices=Audience.choices)
    questions = models.TextField(
        _("focus questions"), blank=True, max_length=2000,
        help_text=_("What you would like readers to look at; one question a line."),
    )
    # Who was asked by name (chosen members, or the friends at the time of asking); empty
    # for the whole community.
    asked = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("feedback request")
        verbose_name_plural = _("feedback requests")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.version}: {self.get_audience_display()}"

    @property
    def question_list(self) -> list[str]:
        return [line.strip() for line in self.questions.splitlines() if line.strip()]


class Feedback(models.Model):
    """Structured feedback on one version: what works, what to change, a question."""

    class Source(models.TextChoices):
        WEB = "web", _("the website")
        EMAIL = "email", _("email")

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="feedback")
    request = models.ForeignKey(FeedbackRequest, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="feedback")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                               null=True, related_name="plan_feedback")
    works = models.TextField(_("what works"), blank=True, max_length=4000)
    change = models.TextField(_("what to change"), blank=True, max_length=4000)
    question = models.TextField(_("a question"), blank=True, max_length=2000)
    # A reply by email that does not follow the headings is kept whole here.
    comment = models.TextField(_("other comments"), blank=True, max_length=8000)
    source = models.CharField(max_length=5, choices=Source.choices, default=Source.WEB)
    created_at = models.DateTimeField(_("given"), default=timezone.now)
    acted_on_at = models.DateTimeField(_("acted upon"), null=True, blank=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(works="") & models.Q(change="") & models.Q(question="")
                            & models.Q(comment="")),
                name="feedback_says_something",
            ),
        ]

    def __str__(self) -> str:
        return f"feedback {self.pk} on {self.version}"
