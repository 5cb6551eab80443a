"""Mail through a real SMTP server (aiosmtpd on loopback): plain, STARTTLS with login, SSL;
failures recorded and retried; the notifications of the account flows; the Boîte d'envoi."""
import ssl

import pytest
from aiosmtpd.controller import Controller

from db.database import database
from db.demo import DEMO_SIRET, create_demo
from db.mail import delivery
from db.models import OutgoingMail, User
from tests.accounts.conftest import PASSWORD, Inbox, Wizard, _free_port, authenticator, link_token
from webapp import create_app


def settings(server, **extra):
    return delivery.SmtpSettings(host="127.0.0.1", port=server.port if server else _free_port(),
                             sender="Portail tiers déclarant <ne-pas-repondre@portail.example>", timeout=5, **extra)


def test_plain_smtp_delivers_once(db_engine, smtp_server):
    delivery.queue("claire.moutin@arcturus.fr", "Validation de votre adresse électronique", "Bonjour Éloïse,\nvoici le lien.")
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


def _tls_context(certificate):
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


@pytest.fixture
def starttls_server(certificate):
    inbox, port = Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=_tls_context(certificate),
                            require_starttls=True, authenticator=authenticator, auth_require_tls=True)
    controller.start()
    controller.inbox, controller.port = inbox, port
    yield controller
    controller.stop()


def test_starttls_with_login(db_engine, starttls_server, certificate):
    delivery.queue("a@cabinet.fr", "Sujet chiffré", "Texte")
    smtp = settings(starttls_server, security="starttls", username="portail", password="s3cret", cafile=certificate[0])
    assert delivery.deliver_pending(smtp) == (1, 0)
    assert starttls_server.inbox.messages[0]["Subject"] == "Sujet chiffré"


def test_a_refused_login_is_recorded_and_retried_later(db_engine, starttls_server, certificate):
    delivery.queue("a@cabinet.fr", "Sujet", "Texte")
    smtp = settings(starttls_server, security="starttls", username="portail", password="faux", cafile=certificate[0])
    assert delivery.deliver_pending(smtp) == (0, 1)
    stored = OutgoingMail.get()
    assert stored.sent_at is None and stored.attempts == 1 and "535" in stored.error
    good = settings(starttls_server, security="starttls", username="portail", password="s3cret", cafile=certificate[0])
    assert delivery.deliver_pending(good) == (1, 0)


def test_an_untrusted_certificate_is_refused(db_engine, starttls_server):
    delivery.queue("a@cabinet.fr", "Sujet", "Texte")
    assert delivery.deliver_pending(settings(starttls_server, security="starttls")) == (0, 1)
    assert "CERTIFICATE_VERIFY_FAILED" in OutgoingMail.get().error
    assert starttls_server.inbox.envelopes == []


def test_implicit_ssl(db_engine, certificate):
    inbox, port = Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, ssl_context=_tls_context(certificate))
    controller.start()
    try:
        delivery.queue("a@cabinet.fr", "Sujet SSL", "Texte")
        smtp = delivery.SmtpSettings(host="127.0.0.1", port=port, security="ssl", cafile=certificate[0], timeout=5)
        assert delivery.deliver_pending(smtp) == (1, 0)
        assert inbox.messages[0]["Subject"] == "Sujet SSL"
    finally:
        controller.stop()


def test_an_unreachable_server_is_tried_at_most_five_times(db_engine):
    delivery.queue("a@cabinet.fr", "Sujet", "Texte")
    nowhere = settings(None)
    for _ in range(delivery.MAX_ATTEMPTS):
        assert delivery.deliver_pending(nowhere) == (0, 1)
    assert delivery.deliver_pending(nowhere) == (0, 0)
    stored = OutgoingMail.get()
    assert stored.attempts == delivery.MAX_ATTEMPTS and stored.error


# ---- through the pages ---------------------------------------------------------------------------------

@pytest.fixture
def smtp_app(sqlite_url, smtp_server):
    app = create_app({"TESTING": True, "DATABASE_URL": sqlite_url, "SECRET_KEY": "k", "PASSWORD_HASH_ROUNDS": 4,
                      "MAIL_HOST": "127.0.0.1", "MAIL_PORT": smtp_server.port, "PUBLIC_URL": "https://portail.example",
                      "WTF_CSRF_ENABLED": False})
    with database.connection_context():
        create_demo()
    app.smtp = smtp_server
    yield app
    database.close()


def test_inscription_mail_arrives_and_its_link_validates(smtp_app):
    client = smtp_app.test_client()
    Wizard(client).complete()
    [message] = smtp_app.smtp.inbox.messages
    assert message["Subject"] == "Validation de votre adresse électronique"
    body = message.get_content()
    assert "À l'attention de MOUTIN Claire" in body and "administrateur de ARCTURUS" in body
    assert "https://portail.example/inscription/validation/" in body  # under PUBLIC_URL
    token = link_token(body)
    assert "Adresse électronique validée" in client.post(f"/inscription/validation/{token}").get_data(as_text=True)


def test_recovery_mails_arrive(smtp_app):
    client = smtp_app.test_client()
    client.post("/mot-de-passe-oublie", data={"siret": DEMO_SIRET, "nom": "Durand", "prenom": "Paul"})
    client.post("/mot-de-passe-oublie/lien")
    client.post("/mot-de-passe-oublie/administrateur")
    client.post("/identifiant-oublie", data={"email": "paul.durand@cabinet-demo.test"})
    received = {(m["To"], m["Subject"]) for m in smtp_app.smtp.inbox.messages}
    assert received == {
        ("paul.durand@cabinet-demo.test", "Réinitialisation de votre mot de passe"),
        ("paul.durand@cabinet-demo.test", "Récupération de votre mot de passe"),
        ("claire.moutin@cabinet-demo.test", "Une demande vous attend dans « Demande en attente »"),
        ("paul.durand@cabinet-demo.test", "Rappel de vos identifiants de connexion"),
    }
    reset = next(m for m in smtp_app.smtp.inbox.messages if m["Subject"].startswith("Réinitialisation"))
    assert "https://portail.example/mot-de-passe-oublie/lien/" in reset.get_content()


def test_a_failing_mail_server_does_not_undo_the_action(sqlite_url):
    app = create_app({"TESTING": True, "DATABASE_URL": sqlite_url, "SECRET_KEY": "k", "PASSWORD_HASH_ROUNDS": 4,
                      "MAIL_HOST": "127.0.0.1", "MAIL_PORT": _free_port(), "WTF_CSRF_ENABLED": False})
    with database.connection_context():
        create_demo()
    client = app.test_client()
    client.post("/mot-de-passe-oublie", data={"siret": DEMO_SIRET, "nom": "Durand", "prenom": "Paul"})
    response = client.post("/mot-de-passe-oublie/administrateur")
    assert response.status_code == 200 and "Demande envoyée" in response.get_data(as_text=True)
    with database.connection_context():
        assert all(m.sent_at is None and m.error for m in OutgoingMail.select())
        assert OutgoingMail.select().count() == 2
    database.close()


def test_the_outbox_page_shows_texts_and_links(app, client):
    with database.connection_context():
        delivery.queue("a@cabinet.fr", "Lien <b>important</b>",
                   "Suivez https://portail.example/inscription/validation/abc-123. Puis <script>x</script>")
    page = client.get("/boite-d-envoi").get_data(as_text=True)
    assert "<h1>Boîte d'envoi</h1>" in page
    assert '<a href="https://portail.example/inscription/validation/abc-123">' in page
    assert "Lien &lt;b&gt;important&lt;/b&gt;" in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert "<script>x</script>" not in page


def test_the_outbox_menu_entry_shows_in_demo_mode(client, auth):
    auth.login()
    assert '<a href="/boite-d-envoi"' in client.get("/menu").get_data(as_text=True)


def test_the_outbox_exists_only_in_demo_mode(sqlite_url):
    app = create_app({"TESTING": True, "DATABASE_URL": sqlite_url, "SECRET_KEY": "k", "PORTAL_MODE": "production",
                      "PASSWORD_HASH_ROUNDS": 4})
    client = app.test_client()
    assert client.get("/boite-d-envoi").status_code == 404
    assert "Boîte d" not in client.get("/connexion").get_data(as_text=True)
    database.close()


def test_account_mails_never_carry_a_password(smtp_app):
    Wizard(smtp_app.test_client()).complete()
    with database.connection_context():
        assert User.select().count() == 4
    assert all(PASSWORD not in m.get_content() for m in smtp_app.smtp.inbox.messages)
