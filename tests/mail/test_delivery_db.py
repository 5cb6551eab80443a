"""Delivery of the queued mails (db/mail/delivery.py) to a real SMTP server (aiosmtpd on loopback):
plain, STARTTLS with login, SSL; failures recorded and retried at most five times."""
import ssl
import subprocess

import pytest
from aiosmtpd.smtp import AuthResult

from db.mail import delivery
from db.models import OutgoingMail
from tests.factories.servers import free_port, running_smtp


def settings(server, **extra):
    return delivery.SmtpSettings(
        host="127.0.0.1",
        port=server.port if server else free_port(),
        sender="Portail tiers déclarant <ne-pas-repondre@portail.example>",
        timeout=5,
        **extra,
    )


def test_plain_smtp_delivers_once(db_engine, smtp_server):
    delivery.queue(
        "claire.moutin@arcturus.fr",
        "Validation de votre adresse électronique",
        "Bonjour Éloïse,\nvoici le lien.",
    )
    assert delivery.deliver_pending(settings(smtp_server)) == (1, 0)
    [message] = smtp_server.inbox.messages
    assert message["To"] == "claire.moutin@arcturus.fr"
    assert message["Subject"] == "Validation de votre adresse électronique"
    assert message["From"] == "Portail tiers déclarant <ne-pas-repondre@portail.example>"
    assert message.get_content().replace("\r\n", "\n") == "Bonjour Éloïse,\nvoici le lien.\n"
    stored = OutgoingMail.get()
    assert stored.sent_at is not None and stored.attempts == 1 and stored.error is None
    assert delivery.deliver_pending(settings(smtp_server)) == (0, 0)
    assert len(smtp_server.inbox.envelopes) == 1


def test_no_host_keeps_messages_in_the_outbox(db_engine):
    delivery.queue("a@cabinet.fr", "Sujet", "Texte")
    assert delivery.deliver_pending(None) == (0, 0)
    assert delivery.deliver_pending(delivery.SmtpSettings(host="")) == (0, 0)
    assert OutgoingMail.get().sent_at is None


@pytest.fixture(scope="session")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 (the tests trust it as their own authority)."""
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return str(cert), str(key)


def authenticator(server, session, envelope, mechanism, auth_data):
    # handled=False: the server answers "535" itself when the credentials are wrong.
    return AuthResult(
        success=auth_data.login == b"portail" and auth_data.password == b"s3cret", handled=False
    )


def _tls_context(certificate):
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


@pytest.fixture
def starttls_server(certificate):
    with running_smtp(
        tls_context=_tls_context(certificate),
        require_starttls=True,
        authenticator=authenticator,
        auth_require_tls=True,
    ) as server:
        yield server


def test_starttls_with_login(db_engine, starttls_server, certificate):
    delivery.queue("a@cabinet.fr", "Sujet chiffré", "Texte")
    smtp = settings(
        starttls_server, security="starttls", username="portail", password="s3cret", cafile=certificate[0]
    )
    assert delivery.deliver_pending(smtp) == (1, 0)
    assert starttls_server.inbox.messages[0]["Subject"] == "Sujet chiffré"


def test_a_refused_login_is_recorded_and_retried_later(db_engine, starttls_server, certificate):
    delivery.queue("a@cabinet.fr", "Sujet", "Texte")
    smtp = settings(
        starttls_server, security="starttls", username="portail", password="faux", cafile=certificate[0]
    )
    assert delivery.deliver_pending(smtp) == (0, 1)
    stored = OutgoingMail.get()
    assert stored.sent_at is None and stored.attempts == 1 and "535" in stored.error
    good = settings(
        starttls_server, security="starttls", username="portail", password="s3cret", cafile=certificate[0]
    )
    assert delivery.deliver_pending(good) == (1, 0)


def test_an_untrusted_certificate_is_refused(db_engine, starttls_server):
    delivery.queue("a@cabinet.fr", "Sujet", "Texte")
    assert delivery.deliver_pending(settings(starttls_server, security="starttls")) == (0, 1)
    assert "CERTIFICATE_VERIFY_FAILED" in OutgoingMail.get().error
    assert starttls_server.inbox.envelopes == []


def test_implicit_ssl(db_engine, certificate):
    with running_smtp(ssl_context=_tls_context(certificate)) as (inbox, port):
        delivery.queue("a@cabinet.fr", "Sujet SSL", "Texte")
        smtp = delivery.SmtpSettings(
            host="127.0.0.1", port=port, security="ssl", cafile=certificate[0], timeout=5
        )
        assert delivery.deliver_pending(smtp) == (1, 0)
        assert inbox.messages[0]["Subject"] == "Sujet SSL"


def test_an_unreachable_server_is_tried_at_most_five_times(db_engine):
    delivery.queue("a@cabinet.fr", "Sujet", "Texte")
    nowhere = settings(None)
    for _ in range(delivery.MAX_ATTEMPTS):
        assert delivery.deliver_pending(nowhere) == (0, 1)
    assert delivery.deliver_pending(nowhere) == (0, 0)
    stored = OutgoingMail.get()
    assert stored.attempts == delivery.MAX_ATTEMPTS and stored.error


# ---- through the pages ---------------------------------------------------------------------------------
