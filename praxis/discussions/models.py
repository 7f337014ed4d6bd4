from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from praxis.core.models import KeptCounters
from praxis.discussions.words import count_words

# Posts are ordered by a materialised path of zero-padded ids ("0000000012.0000000031"): one
# index gives depth-first reply-tree order and keyset pagination ("path > last seen").
PATH_STEP_DIGITS = 10


class Thread(KeptCounters):
    """A conversation in a topic: a facilitator's open question, a member's question, or a
    session plan shared for feedback."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("Open question")
        MEMBER = "member", _("Member's question")
        SESSION_PLAN = "session_plan", _("Session plan for feedback")
        APPLY = "apply", _("Applying it to our contexts")
        ANNOUNCEMENT = "announcement", _("Announcement")

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="threads",
    )
    topic = models.ForeignKey(
        "topics.Topic", on_delete=models.CASCADE, related_name="threads",
        verbose_name=_("topic"),
    )
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices,
                            default=Kind.MEMBER)
    title = models.CharField(_("title"), max_length=300)
    position = models.PositiveSmallIntegerField(
        default=0, help_text=_("Order of the facilitator's open questions."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Kept by the services so lists need no aggregate over posts.
    post_count = models.PositiveIntegerField(default=0)
    last_post_at = models.DateTimeField(null=True, blank=True)
    latest_post_id = models.PositiveBigIntegerField(default=0)
    is_locked = models.BooleanField(_("locked"), default=False)
    is_pinned = models.BooleanField(_("pinned"), default=False)

    COUNTERS = ("post_count", "last_post_at", "latest_post_id")

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        ordering = ["-is_pinned", "position", "-last_post_at"]
        indexes = [
            # The topic page's order (``queries.other_threads``), read straight off the index.
            models.Index(fields=["topic", "-is_pinned", "-last_post_at", "-id"],
                         name="thread_topic_page_order"),
            # The community's latest activity (``queries.threads_with_news``), in order.
            models.Index(fields=["community", "-last_post_at", "-id"],
                         name="thread_community_activity"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.address(self.community.slug, self.pk)

    @staticmethod
    def address(community_slug: str, thread_id: int) -> str:
        """A thread's address when only its community's slug and its id are at hand."""
        return reverse("discussions:thread", args=[community_slug, thread_id])


class Post(models.Model):
    """One contribution to a thread; replies form a tree through ``parent``."""

    # No index of their own: (thread, path) and (author, created_at) lead with them.
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts",
                               db_index=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts",
        verbose_name=_("author"), db_index=False,
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies",
    )
    path = models.CharField(max_length=255, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    body = models.TextField(_("message"), max_length=50000)
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.TextField(blank=True, max_length=2000)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    # Reply by email, offline drafts and imports set this; the web leaves it "web".
    source = models.CharField(max_length=10, default="web", editable=False)
    # A private reply (imported from Moodle): only its author and this person see it.
    private_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
        related_name="+",
    )
    tags = models.ManyToManyField("library.Tag", blank=True, related_name="posts",
                                  verbose_name=_("tags"))
    # Kept by ``save`` (bulk writers set it with ``count_words``): the engagement report.
    word_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["thread", "path"], name="post_path_unique"),
        ]
        indexes = [
            # A reader's unread posts: those of a thread past their read mark, found from it.
            models.Index(fields=["thread", "id"], name="post_thread_after_mark"),
            models.Index(fields=["author", "created_at"]),
            models.Index(fields=["thread", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.author} in {self.thread}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        if fields is None or "body" in fields:
            self.word_count = count_words(self.body)
            if fields is not None and "word_count" not in fields:
                kwargs["update_fields"] = [*fields, "word_count"]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        """The permalink: it opens the thread page that shows the post, scrolled to it."""
        return self.address(self.thread.community.slug, self.pk)

    @staticmethod
    def address(community_slug: str, post_id: int) -> str:
        """A post's permalink when only its community's slug and its id are at hand."""
        return reverse("discussions:post", args=[community_slug, post_id])


class PostRevision(models.Model):
    """The text of a post before an edit: facilitators can see how a post changed."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]


def attachment_upload_path(attachment: "Attachment", filename: str) -> str:
    return f"attachments/{timezone.now():%Y/%m}/{filename}"


class Attachment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_upload_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.original_name


class ThreadRead(models.Model):
    """How far a member has read a thread. Reading is recorded: lurkers matter."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="thread_reads")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="reads")
    last_read_post_id = models.PositiveBigIntegerField(default=0)
    first_read_at = models.DateTimeField(default=timezone.now)
    last_read_at = models.DateTimeField(default=timezone.now)
    visits = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="one_read_mark_per_thread"),
        ]


class ThreadVisitDay(models.Model):
    """The days a member opened a thread, and how many visits that day: the reading history
    engagement reports count over any window (``ThreadRead`` keeps only the latest mark).
    Written by ``record_reading`` on each new visit and by imports of older reading."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    visits = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "thread", "day"], name="one_visit_day"),
        ]
        indexes = [
            # Readers over a window (the impact dashboard) read this index alone.
            models.Index(fields=["community", "day", "user", "visits"],
                         name="visit_day_window"),
        ]


class Reaction(models.Model):
    class Kind(models.TextChoices):
        HELPFUL = "helpful", _("Helpful")
        WILL_USE = "will_use", _("I will use this in my training")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="reactions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user", "kind"], name="react_once"),
        ]
        indexes = [models.Index(fields=["kind", "created_at"])]


class Flag(models.Model):
    """A member's report that a post needs a moderator's look."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="flags")
    flagged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                   related_name="+")
    reason = models.TextField(_("reason"), max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post", "flagged_by"], condition=models.Q(resolved_at=None),
                name="one_open_flag_per_person",
            ),
        ]


class ModerationAction(models.Model):
    """Every moderation act, with who, when and why: the community's moderation log."""

    class Action(models.TextChoices):
        HIDE = "hide", _("Hid a post")
        RESTORE = "restore", _("Restored a post")
        LOCK = "lock", _("Locked a thread")
        UNLOCK = "unlock", _("Unlocked a thread")
        PIN = "pin", _("Pinned a thread")
        UNPIN = "unpin", _("Unpinned a thread")
        MOVE = "move", _("Moved a thread")
        RESOLVE_FLAG = "resolve_flag", _("Resolved a flag")

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="moderation_actions")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              related_name="+")
    action = models.CharField(max_length=14, choices=Action.choices)
    thread = models.ForeignKey(Thread, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    post = models.ForeignKey(Post, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    reason = models.TextField(blank=True, max_length=2000)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["community", "-created_at"])]
