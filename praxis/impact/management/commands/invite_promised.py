"""``manage.py invite_promised``: invites the members whose promised training session has
passed to tell what happened (for cron, or to see it at once; the worker runs it with every
digest round)."""

from typing import Any

from django.core.management.base import BaseCommand

from praxis.impact import promises


class Command(BaseCommand):
    help = "Invites members whose promised session has passed to tell what happened."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"invitation emails owed: {promises.invite_due()}")
