"""``manage.py receive_email``: one RFC 5322 message on standard input, as a mail server's pipe
delivery gives it (Postfix ``pipe``, Exim ``pipe`` transport).

Exit status: 0 when the message was taken (posted, or refused for what it is: the reason is
logged and printed, and a refused message must not bounce back to a forger); 75 (EX_TEMPFAIL)
when Praxis could not take it now (the database is down), so the mail server tries again.
"""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError

from praxis.site.notifications import replies

EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Turns one reply email read on standard input into a post, or logs why not."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", help="Read the message from this file instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["file"]:
            with open(options["file"], "rb") as message_file:
                raw = message_file.read(replies.max_inbound_bytes() + 1)
        else:
            raw = sys.stdin.buffer.read(replies.max_inbound_bytes() + 1)
        try:
            outcome = replies.receive(raw, channel="pipe")
        except DatabaseError as error:
            self.stderr.write(f"temporary failure: {error}")
            sys.exit(EX_TEMPFAIL)
        if outcome.posted and outcome.post is not None:
            self.stdout.write(f"posted {outcome.post.pk}")
        elif outcome.posted and outcome.story is not None:  # a promise's draft story
            self.stdout.write(f"story {outcome.story.pk}")
        elif outcome.posted and outcome.feedback is not None:
            self.stdout.write(f"feedback {outcome.feedback.pk}")
        elif outcome.duplicate:
            self.stdout.write("already posted")
        else:
            self.stdout.write(f"rejected {outcome.reason}: {outcome.detail}")
