from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class KeptCounters(models.Model):
    """A model whose counters the services keep with ``F()`` updates in the writing
    transaction: a plain ``save()`` of an instance loaded earlier leaves them alone, so an
    edit racing with new posts cannot write a stale count back."""

    COUNTERS: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("update_fields") is None and not self._state.adding and self.COUNTERS:
            kwargs["update_fields"] = [
                field.name for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in self.COUNTERS
            ]
        super().save(*args, **kwargs)


class Throttle(models.Model):
    """How many attempts one key (an action and who or where it came from) made in the
    current window; the counts ``core.throttle`` keeps when there is no shared cache."""

    key = models.CharField(max_length=200, unique=True)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["window_start"])]

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class AuditEvent(models.Model):
    """A security event, for site admins: who logged in or failed to, whose role changed,
    what a moderator did, what was exported. Kept ``PRAXIS_AUDIT_DAYS``."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOGIN_REFUSED = "login_refused", _("Login refused: too many failures")
        PASSWORD_RESET = "password_reset", _("Password reset")
        ROLE_CHANGED = "role_changed", _("Role changed")
        MEMBER_REMOVED = "member_removed", _("Member removed or left")
        MODERATION = "moderation", _("Moderation")
        EXPORT = "export", _("Export")
        ERASURE = "erasure", _("Account erased")
        CERTIFICATE = "certificate", _("Certificate issued or revoked")

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    # Whom or what it was about, in words fit for the admin list (an account's address for a
    # failed login, "member → steward in <community>" for a role).
    subject = models.CharField(max_length=300, blank=True)
    address = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["kind", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"
