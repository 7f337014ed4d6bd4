"""The security audit log (``core.AuditEvent``): one call where the event happens."""

import re
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Q
from django.utils import timezone

from praxis.core.models import AuditEvent

Kind = AuditEvent.Kind


def record(kind: str, *, actor: AbstractBaseUser | None = None, subject: str = "",
           address: str = "") -> AuditEvent:
    """Writes one event; inside the caller's transaction, so a write that rolls back leaves
    no event claiming it happened."""
    return AuditEvent.objects.create(
        kind=kind, actor_id=actor.pk if actor is not None else None,
        subject=subject[:300], address=address[:64])


def forget_old_events(now: datetime | None = None) -> int:
    """Deletes events older than ``PRAXIS_AUDIT_DAYS`` (addresses are personal data)."""
    cutoff = (now or timezone.now()) - timedelta(days=int(settings.PRAXIS_AUDIT_DAYS))
    deleted, _ = AuditEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def forget_person(*, user_id: int, email: str, placeholder: str) -> int:
    """When a person erases their account: the events stay (what happened, and when), but
    none names them any more. Their address is replaced by ``placeholder`` wherever a
    subject wrote it, and the network address of every event about them is dropped."""
    events = AuditEvent.objects.filter(Q(actor_id=user_id) | Q(subject__icontains=email))
    named = re.compile(re.escape(email), re.IGNORECASE)
    changed = 0
    for event in events.only("pk", "subject", "address").iterator(chunk_size=500):
        event.subject = named.sub(placeholder, event.subject)
        event.address = ""
        event.save(update_fields=["subject", "address"])
        changed += 1
    return changed
