"""Mails through the pages, received by a real SMTP server (aiosmtpd on loopback) and read as the
recipient reads them: inscription, recovery, activation and notices of the people pages; a failing
server does not undo the action; the Boîte d'envoi of the demo mode."""
import re

import pytest

from db.database import database
from db.demo import DEMO_SIRET, create_demo
from db.mail import delivery
from db.models import OutgoingMail, User
from tests.factories.accounts import PASSWORD, Wizard
from tests.factories.outbox import link_token
from tests.factories.servers import free_port
from webapp import create_app


def test_the_activation_mail_arrives_and_its_link_activates_the_account(client, auth, smtp_inbox):
    auth.login()
    client.post(
        "/gestion/declarants/nouveau",
        data={"nom": "Martin", "prenom": "Léa", "email": "lea@cabinet.fr", "role": "declarant"},
    )
    [message] = smtp_inbox.to("lea@cabinet.fr")
    assert message["Subject"] == "Activation de votre compte sur le portail tiers déclarant"
    assert message["From"] == "Portail tiers déclarant <ne-pas-repondre@portail.test>"
    body = message.get_content()
    assert "À l’attention de MARTIN Léa" in body and "SIRET\u202f: 977\u202f850\u202f965\u202f00020" in body
    link = re.search(r"http://127\.0\.0\.1:5000(/activation/\S+)", body).group(1)  # the demo default
    with database.connection_context():
        assert OutgoingMail.get(OutgoingMail.to == "lea@cabinet.fr").sent_at is not None
    auth.logout()
    password = "Clé-Solide-2026!"
    response = client.post(
        link,
        data={
            "password": password,
            "confirmation": password,
            "secret_question": "Nom de mon premier chat ?",
            "secret_answer": "Félix",
        },
        follow_redirects=True,
    )
    assert "Votre compte est activé" in response.get_data(as_text=True)
    assert "MARTIN Léa" in auth.login(nom="Martin", prenom="Léa", password=password).get_data(as_text=True)
    assert client.get(link).status_code == 404  # single use


def test_deactivation_and_address_change_notices_arrive(client, auth, smtp_inbox, demo_users):
    auth.login()
    client.post(f"/gestion/declarants/{demo_users['DURAND'].id}/desactiver")
    [notice] = smtp_inbox.to("paul.durand@cabinet-demo.test")
    assert notice["Subject"] == "Désactivation de votre compte"
    assert "par MOUTIN Claire" in notice.get_content()
    client.post(f"/gestion/declarants/{demo_users['LEROY'].id}", data={
        "nom": "LEROY", "prenom": "Sophie", "email": "sophie@nouveau.fr"})
    assert [m["Subject"] for m in smtp_inbox.to("sophie.leroy@cabinet-demo.test")] == [
        "Modification de votre adresse électronique"]
    assert "nouvelle adresse\u202f: sophie@nouveau.fr" in smtp_inbox.to("sophie@nouveau.fr")[0].get_content()


@pytest.fixture
def smtp_app(sqlite_url, smtp_server):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": sqlite_url,
            "SECRET_KEY": "k",
            "PASSWORD_HASH_ROUNDS": 4,
            "MAIL_HOST": "127.0.0.1",
            "MAIL_PORT": smtp_server.port,
            "PUBLIC_URL": "https://portail.example",
            "WTF_CSRF_ENABLED": False,
        }
    )
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
    assert "À l’attention de MOUTIN Claire" in body and "administrateur de ARCTURUS" in body
    assert "https://portail.example/inscription/validation/" in body  # under PUBLIC_URL
    token = link_token(body)
    assert "Adresse électronique validée" in client.post(f"/inscription/validation/{token}").get_data(
        as_text=True
    )


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
        ("claire.moutin@cabinet-demo.test", "Une demande vous attend dans «\u202fDemande en attente\u202f»"),
        ("paul.durand@cabinet-demo.test", "Rappel de vos identifiants de connexion"),
    }
    reset = next(m for m in smtp_app.smtp.inbox.messages if m["Subject"].startswith("Réinitialisation"))
    assert "https://portail.example/mot-de-passe-oublie/lien/" in reset.get_content()


def test_a_failing_mail_server_does_not_undo_the_action(sqlite_url):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": sqlite_url,
            "SECRET_KEY": "k",
            "PASSWORD_HASH_ROUNDS": 4,
            "MAIL_HOST": "127.0.0.1",
            "MAIL_PORT": free_port(),
            "WTF_CSRF_ENABLED": False,
        }
    )
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
    with client.session_transaction() as session:
        session["outbox"] = "cle-de-ce-navigateur"
    token = delivery.caused_by(lambda: delivery.origin_of("cle-de-ce-navigateur"))
    with database.connection_context():
        delivery.queue("a@cabinet.fr", "Lien <b>important</b>",
                   "Suivez https://portail.example/inscription/validation/abc-123. Puis <script>x</script>")
    delivery.release(token)
    page = client.get("/boite-d-envoi").get_data(as_text=True)
    assert "<h1>Boîte d’envoi</h1>" in page
    assert '<a href="https://portail.example/inscription/validation/abc-123">' in page
    assert "Lien &lt;b&gt;important&lt;/b&gt;" in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert "<script>x</script>" not in page


def test_the_outbox_menu_entry_shows_in_demo_mode(client, auth):
    auth.login()
    assert '<a href="/boite-d-envoi"' in client.get("/menu").get_data(as_text=True)


def test_the_outbox_exists_only_in_demo_mode(sqlite_url):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": sqlite_url,
            "SECRET_KEY": "k",
            "PORTAL_MODE": "production",
            "PUBLIC_URL": "https://portail.example",
            "PASSWORD_HASH_ROUNDS": 4,
        }
    )
    client = app.test_client()
    assert client.get("/boite-d-envoi").status_code == 404
    assert "Boîte d" not in client.get("/connexion").get_data(as_text=True)
    assert "demo-banner" not in client.get("/connexion").get_data(as_text=True)
    database.close()


def test_account_mails_never_carry_a_password(smtp_app):
    Wizard(smtp_app.test_client()).complete()
    with database.connection_context():
        assert User.select().count() == 4
    assert all(PASSWORD not in m.get_content() for m in smtp_app.smtp.inbox.messages)


@pytest.mark.parametrize(("settings", "expected"), [
    ({}, "http://127.0.0.1:5000/mot-de-passe-oublie/lien/"),
    ({"SERVER_NAME": "portail.cabinet.test"}, "http://portail.cabinet.test/mot-de-passe-oublie/lien/"),
    ({"PUBLIC_URL": "https://portail.example/"}, "https://portail.example/mot-de-passe-oublie/lien/"),
])
def test_mailed_links_never_come_from_the_host_header(app, settings, expected):
    app.config.update(settings)
    client = app.test_client()
    host = settings.get("SERVER_NAME", "evil.example")
    headers = {"Host": host, "X-Forwarded-Host": "evil.example"}
    client.get("/connexion", headers=headers)  # the session and its CSRF token, for this host
    client.post("/mot-de-passe-oublie", headers=headers,
                data={"siret": DEMO_SIRET, "nom": "MOUTIN", "prenom": "Claire"})
    client.post("/mot-de-passe-oublie/lien", headers=headers)
    with database.connection_context():
        [mail] = OutgoingMail.select().where(OutgoingMail.subject.contains("mot de passe"))
    assert expected in mail.body and "evil.example" not in mail.body


def test_each_browser_reads_the_mails_it_caused_and_an_administrator_those_of_the_firm(app, client, auth):
    visitor, stranger = app.test_client(), app.test_client()
    visitor.post("/mot-de-passe-oublie", data={"siret": DEMO_SIRET, "nom": "DURAND", "prenom": "Paul"})
    visitor.post("/mot-de-passe-oublie/lien")
    visitor.post("/mot-de-passe-oublie/administrateur")  # also mails the administrators
    mine = visitor.get("/boite-d-envoi").get_data(as_text=True)
    assert "Réinitialisation de votre mot de passe" in mine and "/mot-de-passe-oublie/lien/" in mine
    assert "claire.moutin@cabinet-demo.test" not in mine  # the administrators' mail is not the visitor's
    theirs = stranger.get("/boite-d-envoi").get_data(as_text=True)
    assert "Aucun courriel préparé à la suite de vos actions dans ce navigateur." in theirs
    assert "mot-de-passe-oublie/lien" not in theirs
    auth.login()
    firm = client.get("/boite-d-envoi").get_data(as_text=True)
    assert "Réinitialisation de votre mot de passe" in firm and "claire.moutin@cabinet-demo.test" in firm
    auth.logout()
    auth.login_declarant()
    assert "Réinitialisation de votre mot de passe" not in client.get("/boite-d-envoi").get_data(as_text=True)


def test_every_page_of_demo_mode_says_it_is_a_demonstration(client, auth):
    for path in ("/connexion", "/mot-de-passe-oublie", "/besoin-d-aide/", "/inscription/", "/nulle-part"):
        page = client.get(path).get_data(as_text=True)
        assert '<p class="demo-banner" role="note"><strong>Démonstration</strong>' in page, path
    auth.login()
    assert "Démonstration</strong>" in client.get("/gestion/portefeuilles").get_data(as_text=True)
