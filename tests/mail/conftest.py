"""Fixtures of the mail tests: a real SMTP server (aiosmtpd) on loopback."""
import pytest

from tests.factories.servers import running_smtp


@pytest.fixture
def smtp_server():
    """A plain SMTP server on a free loopback port: smtp_server.inbox, smtp_server.port."""
    with running_smtp() as server:
        yield server


@pytest.fixture
def smtp_inbox(app, smtp_server):
    """The inbox of a real SMTP server the app delivers to."""
    app.config.update(MAIL_HOST="127.0.0.1", MAIL_PORT=smtp_server.port, MAIL_SECURITY="",
                      MAIL_SENDER="Portail tiers déclarant <ne-pas-repondre@portail.test>")
    return smtp_server.inbox
