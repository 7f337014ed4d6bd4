"""``manage.py send_digests``: owes the digests that are due now and sends what the outbox
holds, without a worker (for cron, or to see the demo's digests at once)."""

from typing import Any

from django.core.management.base import BaseCommand

from praxis.notifications import services
from praxis.notifications.hooks import periodic_round
from praxis.notifications.models import OutboundEmail


class Command(BaseCommand):
    help = "Owes the digests that are due and delivers every queued email now."

    def handle(self, *args: Any, **options: Any) -> None:
        swept = services.sweep_outbox()
        periodic_round.fire()  # higher apps' jobs, as the worker's round runs them
        owed = services.send_due_digests()
        results: dict[str, int] = {}
        queued = OutboundEmail.objects.filter(status=OutboundEmail.Status.QUEUED)
        for email_id in queued.values_list("pk", flat=True).iterator():
            result = services.deliver(email_id)
            results[result] = results.get(result, 0) + 1
        self.stdout.write(f"digests owed: {owed}; delivered: {results}; swept: {swept}")
