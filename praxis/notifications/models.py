"""What members follow, the emails Praxis owes them, and the replies that come back."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Mode(models.TextChoices):
    INSTANT = "instant", _("Each post as it happens")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    OFF = "off", _("No email")


class Subscription(models.Model):
    """How one member wants to hear about one community, one of its topics or one thread.

    The narrowest one decides: a thread's over its topic's over its community's, and with none
    of them the member's own default (``User.digest``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="subscriptions")
    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="+")
    topic = models.ForeignKey("topics.Topic", on_delete=models.CASCADE, null=True, blank=True,
                              related_name="+")
    thread = models.ForeignKey("discussions.Thread", on_delete=models.CASCADE, null=True,
                               blank=True, related_name="+")
    mode = models.CharField(_("email"), max_length=10, choices=Mode.choices)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "community"],
                condition=Q(topic__isnull=True, thread__isnull=True),
                name="one_community_subscription",
            ),
            models.UniqueConstraint(
                fields=["user", "topic"], condition=Q(thread__isnull=True),
                name="one_topic_subscription",
            ),
            models.UniqueConstraint(fields=["user", "thread"], name="one_thread_subscription"),
        ]
        indexes = [models.Index(fields=["community", "mode"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.mode}"


class OutboundEmail(models.Model):
    """One email owed to one person: rendered when it is owed, sent by a background task.

    ``key`` names what the email is about (a post for a person, a digest period), so the same
    email is never owed twice; ``status`` moves from queued to sending by one atomic update, so
    one worker at most sends it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        # A worker stopped between claiming and recording the result: the message may have
        # gone. It is not sent again.
        UNCERTAIN = "uncertain", _("uncertain")
        CANCELLED = "cancelled", _("cancelled")

    class Kind(models.TextChoices):
        POST = "post", _("new post")
        REPLY = "reply", _("reply")
        MENTION = "mention", _("mention")
        PLAN_FEEDBACK = "plan_feedback", _("feedback on a plan")
        ANNOUNCEMENT = "announcement", _("announcement")
        DIGEST = "digest", _("digest")
        # Tells a member that their reply by email could not be posted, with its text.
        REPLY_REFUSED = "reply_refused", _("reply that could not be posted")
        # Decisions on join requests and topic proposals.
        NOTICE = "notice", _("notice")
        # Invitations and password resets: their text is removed once they are settled.
        PRIVATE_LINK = "private_link", _("private link")

    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=14, choices=Kind.choices)
    # None for an invitation to an address without an account.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True,
                             blank=True, related_name="+")
    post = models.ForeignKey("discussions.Post", on_delete=models.CASCADE, null=True,
                             blank=True, related_name="+")
    to_address = models.EmailField()
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to_address}: {self.subject}"


class DigestCursor(models.Model):
    """Up to when a member's daily or weekly digest has told them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    mode = models.CharField(max_length=10, choices=Mode.choices)
    covered_until = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "mode"], name="one_cursor")]


class InboundEmail(models.Model):
    """Every message that came in to a reply address, and what became of it."""

    class Outcome(models.TextChoices):
        POSTED = "posted", _("posted")
        REJECTED = "rejected", _("rejected")

    received_at = models.DateTimeField(default=timezone.now)
    channel = models.CharField(max_length=10)  # "pipe" or "http"
    message_id = models.CharField(max_length=300, blank=True, db_index=True)
    sender = models.CharField(max_length=254, blank=True)
    size = models.PositiveIntegerField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.CharField(max_length=40, blank=True)
    detail = models.TextField(blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+")
    post = models.ForeignKey("discussions.Post", on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+")

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["message_id"], condition=Q(outcome="posted") & ~Q(message_id=""),
                name="one_post_per_message",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outcome} {self.reason} {self.message_id}"
