"""Critical friends and the reflection diary.

A private entry is its author's alone: no steward, facilitator, site admin or researcher sees
it, anywhere (the door in ``praxis.access.diary`` is the one place that says who may read an
entry)."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.deletion import Collector
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Friendship(models.Model):
    """Two members of one community who review each other's plans: one invites, the other
    accepts or declines; either may end it."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACCEPTED = "accepted", _("Critical friends")
        DECLINED = "declined", _("Declined")
        ENDED = "ended", _("Ended")

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE,
                                  related_name="friendships")
    inviter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="friendships_offered")
    invitee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="friendships_received")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INVITED)
    message = models.TextField(_("message"), blank=True, max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("critical friendship")
        verbose_name_plural = _("critical friendships")
        constraints = [
            models.CheckConstraint(condition=~models.Q(inviter=models.F("invitee")),
                                   name="friendship_of_two"),
            # One live invitation or friendship per ordered pair; the service also refuses
            # the reverse pair.
            models.UniqueConstraint(
                fields=["community", "inviter", "invitee"],
                condition=models.Q(status__in=["invited", "accepted"]),
                name="one_live_friendship",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inviter_id} + {self.invitee_id} ({self.status})"

    def other(self, user_id: int) -> int:
        return self.invitee_id if self.inviter_id == user_id else self.inviter_id


class ReflectionModel(models.TextChoices):
    FREE = "free", _("No prompts")
    WHAT_SO_WHAT = "what", _("What? So what? Now what?")
    GIBBS = "gibbs", _("Gibbs' reflective cycle")
    KOLB = "kolb", _("Kolb's learning cycle")


def keep_entries_private(collector: Collector, field: models.Field, sub_objs: Any,
                         using: str) -> None:
    """A community that is deleted takes nothing from its members' diaries: their entries
    stay, private (a shared entry needs a community; visibility is set first for that)."""
    collector.add_field_update(JournalEntry._meta.get_field("visibility"),
                               JournalEntry.Visibility.PRIVATE, sub_objs)
    collector.add_field_update(field, None, sub_objs)


class JournalEntry(models.Model):
    """One reflection on a training session, private unless its author shares it."""

    class Visibility(models.TextChoices):
        PRIVATE = "private", _("Private: only me")
        FRIENDS = "friends", _("My critical friends")
        COMMUNITY = "community", _("The community")

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="journal_entries")
    # The community an entry is shared in (friends are friends in a community); may be
    # empty for a private entry.
    community = models.ForeignKey("communities.Community", on_delete=keep_entries_private,
                                  null=True, blank=True, related_name="journal_entries")
    written_on = models.DateField(_("date"), default=timezone.localdate)
    title = models.CharField(_("title"), max_length=200, blank=True)
    session_date = models.DateField(_("date of the session"), null=True, blank=True)
    session_audience = models.CharField(_("who took part"), max_length=200, blank=True)
    plan_version = models.ForeignKey("practice.PlanVersion",
                                     on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="journal_entries",
                                     verbose_name=_("session plan"))
    visibility = models.CharField(_("who can read it"), max_length=10,
                                  choices=Visibility.choices, default=Visibility.PRIVATE)
    model = models.CharField(_("prompts"), max_length=5, choices=ReflectionModel.choices,
                             default=ReflectionModel.FREE)
    # The entry's text: one part per prompt of its model ({"what": "...", ...}), or
    # {"text": "..."} without prompts. Markdown.
    parts = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["-written_on", "-pk"]
        indexes = [models.Index(fields=["author", "-written_on"]),
                   models.Index(fields=["community", "visibility", "-written_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(visibility="private") | models.Q(community__isnull=False),
                name="shared_entry_has_community",
            ),
        ]

    def __str__(self) -> str:
        # Never the title: Django names objects by ``str`` where no door is asked (the back
        # office's "what else is deleted" list when a community or account goes).
        return f"journal entry {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("practice:entry", args=[self.pk])
