"""The door for the outbox: who may read the emails Praxis sent."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from praxis.accounts.models import AnyUser
from praxis.notifications.models import OutboundEmail


def readable_emails(user: AnyUser) -> QuerySet[OutboundEmail]:
    """The outbox holds members' mail (and the reply addresses that post as them): all of it
    for site admins. On a development (DEBUG) site such as the demo, staff read it too, but
    not a private link before it is sent (and its text removed): a password reset for an
    admin would make them one. Anyone else is refused."""
    emails = OutboundEmail.objects.select_related("user")
    if user.is_authenticated and user.is_active and user.is_superuser:
        return emails
    if not (settings.DEBUG and user.is_authenticated and user.is_staff):
        raise PermissionDenied
    return emails.exclude(kind=OutboundEmail.Kind.PRIVATE_LINK,
                          status__in=[OutboundEmail.Status.QUEUED, OutboundEmail.Status.SENDING])

