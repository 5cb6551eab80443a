"""Vos informations personnelles through the test client."""
import html

from db.database import database
from db.demo import DEMO_PASSWORD
from db.models import User
from tests.conftest import AuthActions
from tests.factories.accounts import NEW_PASSWORD
from tests.factories.outbox import mails


def _text(response):
    return html.unescape(response.get_data(as_text=True))


def test_the_page_shows_the_login_triplet_and_the_administrators(client, auth):
    auth.login_declarant()
    page = _text(client.get("/compte/"))
    assert "<h1>Vos informations personnelles</h1>" in page
    assert "977 850 965 00020" in page and "MOUTIN Claire" in page
    assert "Demander à devenir administrateur" in page
    auth.logout()
    auth.login()
    assert "Demander à devenir administrateur" not in _text(client.get("/compte/"))


def test_a_new_password_keeps_this_session_and_ends_the_others(client, auth, app):
    auth.login_declarant()
    other = app.test_client()
    AuthActions(other).login_declarant()
    assert other.get("/compte/").status_code == 200
    page = _text(client.post("/compte/mot-de-passe", data={
        "password-current_password": DEMO_PASSWORD, "password-password": NEW_PASSWORD,
        "password-confirmation": NEW_PASSWORD}, follow_redirects=True))
    assert "Votre mot de passe est modifié. Vos autres sessions ont été fermées." in page
    assert client.get("/compte/").status_code == 200
    assert other.get("/compte/").status_code == 302  # back to the connexion page
    auth.logout()
    assert "DURAND Paul" in _text(auth.login(nom="DURAND", prenom="Paul", password=NEW_PASSWORD))


def test_errors_show_next_to_the_fields_of_the_posted_form(client, auth):
    auth.login_declarant()
    response = client.post("/compte/mot-de-passe", data={
        "password-current_password": "faux", "password-password": NEW_PASSWORD,
        "password-confirmation": NEW_PASSWORD})
    assert response.status_code == 422
    page = _text(response)
    assert (
        '<p class="field-error" id="password-current_password-error">Mot de passe actuel incorrect.</p>'
        in page
    )
    assert 'id="secret-current_password-error"' not in page
    response = client.post("/compte/coordonnees", data={"contact-email": "paul@x.fr", "contact-phone": "<b>"})
    assert response.status_code == 422 and 'id="contact-phone-error"' in _text(response)
    with database.connection_context():
        assert User.get(User.nom_key == "durand").email == "paul.durand@cabinet-demo.test"


def test_an_address_change_is_notified_to_both_addresses(client, auth):
    auth.login_declarant()
    page = _text(client.post("/compte/coordonnees", data={
        "contact-email": "paul@nouveau.fr", "contact-phone": "", "contact-current_password": DEMO_PASSWORD},
        follow_redirects=True))
    assert "Vos coordonnées sont enregistrées." in page and 'value="paul@nouveau.fr"' in page
    with database.connection_context():
        assert {m.to for m in mails()} == {"paul.durand@cabinet-demo.test", "paul@nouveau.fr"}


def test_the_secret_question_is_changed_and_never_shows_the_answer(client, auth):
    auth.login_declarant()
    page = _text(client.post("/compte/question-secrete", data={
        "secret-current_password": DEMO_PASSWORD, "secret-secret_question": "Mon premier instrument ?",
        "secret-secret_answer": "La clarinette"}, follow_redirects=True))
    assert "Votre question secrète est modifiée." in page and 'value="Mon premier instrument ?"' in page
    assert "clarinette" not in page
