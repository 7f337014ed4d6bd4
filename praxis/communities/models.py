from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Community(models.Model):
    """A community of practice: a domain, the people in it and what they share."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: anyone can read it")
        LISTED = "listed", _("Listed: anyone can find it, only members read it")
        PRIVATE = "private", _("Private: only members know it exists")

    class JoinPolicy(models.TextChoices):
        OPEN = "open", _("Open: anyone signed in can join")
        REQUEST = "request", _("On request: a steward approves each request")
        INVITATION = "invitation", _("Invitation only")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("web address"), max_length=60, unique=True,
        help_text=_("Short name used in links, e.g. teacher-trainers."),
    )
    description = models.TextField(_("description"), blank=True, max_length=5000)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.LISTED
    )
    join_policy = models.CharField(
        _("who can join"), max_length=12, choices=JoinPolicy.choices, default=JoinPolicy.REQUEST
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("communities:detail", args=[self.slug])


class Membership(models.Model):
    """A person's place in a community: their role and their tier in the training cascade."""

    class Role(models.TextChoices):
        STEWARD = "steward", _("Steward")
        FACILITATOR = "facilitator", _("Facilitator")
        MEMBER = "member", _("Member")

    class Tier(models.TextChoices):
        CONSULTANT = "consultant", _("Consultant")
        MASTER_TRAINER = "master_trainer", _("Master trainer")
        TRAINER = "trainer", _("Trainer")
        TEACHER = "teacher", _("Teacher")

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="memberships",
        verbose_name=_("community"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    tier = models.CharField(
        _("cascade tier"), max_length=16, choices=Tier.choices, blank=True,
    )
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="one_membership_per_person"),
        ]
        indexes = [models.Index(fields=["community", "role"])]

    def __str__(self) -> str:
        return f"{self.user} @ {self.community}"

    @property
    def is_steward(self) -> bool:
        return self.role == self.Role.STEWARD

    @property
    def leads_topics(self) -> bool:
        return self.role in (self.Role.STEWARD, self.Role.FACILITATOR)


class Cohort(models.Model):
    """A group of members who trained together, e.g. "Master trainers trained in 2012"."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="cohorts", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=160)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    year = models.PositiveSmallIntegerField(_("year trained"), null=True, blank=True)
    members = models.ManyToManyField(
        Membership, related_name="cohorts", blank=True, verbose_name=_("members")
    )
    trainers = models.ManyToManyField(
        Membership, related_name="cohorts_trained", blank=True, verbose_name=_("trained by"),
        help_text=_("The members who trained this cohort, one step up the cascade."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="cohort_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Invitation(models.Model):
    """An emailed link that lets one person join a community once, until it expires."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="invitations",
        verbose_name=_("community"),
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(
        _("role"), max_length=12, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    tier = models.CharField(
        _("cascade tier"), max_length=16, choices=Membership.Tier.choices, blank=True
    )
    message = models.TextField(_("personal message"), blank=True, max_length=2000)
    # Only a hash of the token is stored, so a database leak does not leak usable links.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["community", "email"])]

    def __str__(self) -> str:
        return f"{self.email} → {self.community}"

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )

    @property
    def status(self) -> str:
        if self.accepted_at:
            return str(_("accepted"))
        if self.revoked_at:
            return str(_("revoked"))
        if self.expires_at <= timezone.now():
            return str(_("expired"))
        return str(_("pending"))


class JoinRequest(models.Model):
    """A person's request to join a community whose stewards approve each member."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="join_requests",
        verbose_name=_("community"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests",
        verbose_name=_("person"),
    )
    message = models.TextField(_("message to the stewards"), blank=True, max_length=2000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("decided by"),
    )
    reason = models.TextField(_("reason"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"], condition=Q(status="pending"),
                name="one_pending_join_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.community} ({self.status})"
