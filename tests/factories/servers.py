"""Real servers on loopback for the tests: a free port, and an SMTP server (aiosmtpd) whose inbox
keeps what it received."""
import contextlib
import socket
from email import message_from_bytes, policy
from typing import NamedTuple

from aiosmtpd.controller import Controller


def free_port():
    """A TCP port of 127.0.0.1 that nothing listens on (for a server the test starts)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """What the SMTP server received: envelopes, and the messages parsed as a mail client would."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def messages(self):
        return [
            message_from_bytes(e.original_content or e.content, policy=policy.default) for e in self.envelopes
        ]

    def to(self, address):
        return [m for m in self.messages if m["To"] == address]


class SmtpServer(NamedTuple):
    inbox: Inbox
    port: int


@contextlib.contextmanager
def running_smtp(**options):
    """An SMTP server on a free loopback port for the block; options go to aiosmtpd's Controller
    (tls_context, ssl_context, authenticator…): `with running_smtp() as (inbox, port): …`."""
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield SmtpServer(inbox, port)
    finally:
        controller.stop()
