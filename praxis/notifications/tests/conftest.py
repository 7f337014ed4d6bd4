import socket

import pytest
from aiosmtpd.controller import Controller

# The discussions tests' topic (open, with a facilitator) and thread (an open question).
from praxis.discussions.tests.conftest import thread, topic  # noqa: F401


class SMTPRecorder:
    """An SMTP server's handler that keeps what it is sent, or refuses as told."""

    def __init__(self) -> None:
        self.envelopes: list = []
        self.refuse_recipients = False
        self.fail_data = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_recipients:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.fail_data:
            return "451 4.3.0 Mail server busy, try again later"
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on localhost, with Django's SMTP backend pointed at it."""
    recorder = SMTPRecorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    yield recorder
    controller.stop()


@pytest.fixture
def reply_domain(settings):
    settings.PRAXIS_REPLY_DOMAIN = "praxis.example.org"
    return settings.PRAXIS_REPLY_DOMAIN

