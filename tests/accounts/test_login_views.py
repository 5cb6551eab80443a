"""Connexion and déconnexion through the pages: the portal's triplet, one generic refusal, lockout and
throttling messages, sessions renewed and ended, the new password a temporary password leads to."""
import html
import re

import pytest

from db import clock
from db.accounts.passwords import hash_secret
from db.accounts.throttle import ADDRESS_FREE
from db.database import database
from db.demo import DEMO_PASSWORD, DEMO_SIRET, create_demo
from db.models import User
from tests.factories.accounts import NEW_PASSWORD, NOON
from webapp import create_app

GENERIC = "Identifiants incorrects. Vérifiez le SIRET, le nom, le prénom et le mot de passe."


def text(response):
    return html.unescape(response.get_data(as_text=True))


def test_login_with_the_triplet_ignores_case_and_accents(client, auth):
    User.update(prenom="Éloïse", prenom_key="eloise").where(User.nom == "MOUTIN").execute()
    response = auth.login(nom="moutin", prenom="ELOISE", siret="977 850 965 00020")
    assert "Menu personnalisé" in text(response)
    assert "MOUTIN Éloïse" in text(response)


@pytest.mark.parametrize(
    "field, value",
    [("siret", "55203253400703"), ("nom", "DUPONT"), ("prenom", "Jean"), ("password", "Mauvais-Mot-2026")],
)
def test_any_wrong_credential_gets_the_same_message(client, auth, field, value):
    response = auth.login(**{field: value})
    assert response.status_code == 401
    assert GENERIC in text(response)
    assert "Menu personnalisé" not in text(response)


def test_pages_need_a_login_and_come_back_after_it(client, auth):
    response = client.get("/menu")
    assert response.status_code == 302 and response.location.startswith("/connexion?next=")
    response = client.post("/connexion?next=/menu", data={
        "siret": "97785096500020", "nom": "MOUTIN", "prenom": "Claire", "password": "Demo-Portail-2026"})
    assert response.location == "/menu"


def test_next_never_leaves_the_site(client):
    response = client.post("/connexion?next=//evil.example/x", data={
        "siret": "97785096500020", "nom": "MOUTIN", "prenom": "Claire", "password": "Demo-Portail-2026"})
    assert response.status_code == 302 and not response.location.startswith("//")


def test_logout_is_a_post_and_ends_the_session(client, auth):
    auth.login()
    assert client.get("/deconnexion").status_code == 405
    auth.logout()
    assert client.get("/menu").status_code == 302


def test_bumping_the_session_version_logs_other_sessions_out(app, client, auth):
    auth.login()
    assert client.get("/menu").status_code == 200
    User.update(session_version=User.session_version + 1).where(User.nom == "MOUTIN").execute()
    assert client.get("/menu").status_code == 302


def test_header_shows_firm_user_and_role(client, auth):
    page = text(auth.login_declarant())
    assert "AG CONSEIL (cabinet de démonstration)" in page
    assert "DURAND Paul" in page and "Déclarant" in page


def post_login(client, password=DEMO_PASSWORD, nom="MOUTIN", prenom="Claire", siret=DEMO_SIRET, **kwargs):
    return client.post(
        "/connexion", data={"siret": siret, "nom": nom, "prenom": prenom, "password": password}, **kwargs
    )


def page(response):
    return response.get_data(as_text=True).replace("&#39;", "'")


def _error(response):
    return re.search(r'<p class="form-error" role="alert">([^<]*)</p>', page(response)).group(1)


def test_the_page_says_until_when_a_login_waits_the_same_for_a_real_or_unknown_triplet(client):
    clock.freeze(NOON)
    answers = {}
    for nom in ("MOUTIN", "INCONNU"):
        for _ in range(4):
            assert post_login(client, nom=nom, password="mauvais").status_code == 401
        response = post_login(client, nom=nom, password="mauvais")
        answers[nom] = (response.status_code, _error(response))
    assert answers["MOUTIN"] == answers["INCONNU"] == (
        429, "Trop d’échecs de connexion avec ces identifiants\u202f: réessayez après le 23/11/2026 "
             "à 12\u202fh\u202f01.")


def test_the_page_says_when_an_address_may_try_again(client):
    clock.freeze(NOON)
    for n in range(ADDRESS_FREE):
        post_login(client, nom="INCONNU" + "X" * n)
    response = post_login(client)
    assert response.status_code == 429
    assert "Trop de tentatives depuis votre adresse\u202f: réessayez après le 23/11/2026 " \
           "à 12\u202fh\u202f01." in page(
        response
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "nom",
            "MOU\u202eTIN",
            "Ce champ contient des caractères de contrôle ou invisibles, qui ne sont pas acceptés.",
        ),
        (
            "prenom",
            "Cla\x00ire",
            "Ce champ contient des caractères de contrôle ou invisibles, qui ne sont pas acceptés.",
        ),
        ("siret", "9" * 300, "Le SIRET comporte 14 chiffres."),
        ("password", "", "Ce champ est obligatoire."),
    ],
)
def test_bad_input_is_refused_next_to_the_field(client, field, value, message):
    response = post_login(client, **{field: value})
    assert response.status_code == 422
    assert f'id="{field}-error">{message}</p>' in page(response)


def test_login_renews_the_session_and_logout_clears_it(client, wizard):
    wizard.identity()  # something in the session before logging in
    cookie_before = client.get_cookie("session").value
    assert post_login(client).location == "/"
    with client.session_transaction() as session:
        assert "inscription" not in session and len(session["_user_id"]) == 43  # the server-side session
    assert client.get_cookie("session").value != cookie_before
    client.get("/menu")  # the new session's page carries the new CSRF token
    client.post("/deconnexion")
    with client.session_transaction() as session:
        assert dict(session) == {}
    assert client.get("/menu").location.startswith("/connexion")


def test_only_local_next_targets_are_followed(client):
    assert post_login(client, query_string={"next": "/menu"}).location == "/menu"
    client.get("/menu")
    client.post("/deconnexion")
    client.get("/connexion")
    assert post_login(client, query_string={"next": "//evil.example/x"}).location == "/"


@pytest.mark.parametrize("target", ["/%09/evil.example", "/\t/evil.example", "/%0a/x", "/\\evil.example",
                                    "https://evil.example/", "/%2F/evil.example", "/ /evil.example",
                                    "/\u2028/evil.example", "javascript:alert(1)"])
def test_a_next_target_that_could_leave_the_site_is_replaced_by_the_home_page(client, target):
    from urllib.parse import unquote
    response = post_login(client, query_string={"next": unquote(target)})
    assert response.status_code == 302 and response.location == "/"


def test_temporary_password_leads_to_a_new_password_and_question(app, client):
    with database.connection_context():
        User.update(must_change_password=True, password_hash=hash_secret("Temporaire-XY-42")) \
            .where(User.nom_key == "moutin").execute()
    other = app.test_client()  # another browser, logged in before the change
    assert post_login(other, password="Temporaire-XY-42").location == "/connexion/nouveau-mot-de-passe"
    response = post_login(client, password="Temporaire-XY-42")
    assert response.location == "/connexion/nouveau-mot-de-passe"
    assert client.get("/menu").location.startswith("/connexion")  # not logged in yet
    form = page(client.get("/connexion/nouveau-mot-de-passe"))
    assert "Qualité de votre mot de passe" in form and "Nouvelle question secrète" in form
    response = client.post(
        "/connexion/nouveau-mot-de-passe",
        data={
            "password": NEW_PASSWORD,
            "confirmation": NEW_PASSWORD,
            "secret_question": "<i>?</i>",
            "secret_answer": "",
        },
    )
    assert response.status_code == 422 and 'id="secret_question-error"' in page(response)
    response = client.post("/connexion/nouveau-mot-de-passe", data={
        "password": NEW_PASSWORD, "confirmation": NEW_PASSWORD,
        "secret_question": "Ville de mon premier poste ?", "secret_answer": "Laval sur Mayenne"})
    assert response.location == "/"
    assert client.get("/menu").status_code == 200
    assert other.get("/connexion/nouveau-mot-de-passe").location == "/connexion"  # its pending change is void
    client.post("/deconnexion")
    client.get("/connexion")
    assert post_login(client, password="Temporaire-XY-42").status_code == 401
    assert post_login(client, password=NEW_PASSWORD).location == "/"


def test_the_renewal_page_expires(client):
    clock.freeze(NOON)
    with database.connection_context():
        User.update(must_change_password=True).where(User.nom_key == "moutin").execute()
    post_login(client)
    clock.advance(minutes=15, seconds=1)
    assert client.get("/connexion/nouveau-mot-de-passe").location == "/connexion"


def test_a_new_password_logs_out_the_other_sessions(app, client):
    other = app.test_client()
    post_login(other)
    assert other.get("/menu").status_code == 200
    with database.connection_context():
        User.update(must_change_password=True).where(User.nom_key == "moutin").execute()
    post_login(client)
    client.get("/connexion/nouveau-mot-de-passe")
    client.post("/connexion/nouveau-mot-de-passe", data={
        "password": NEW_PASSWORD, "confirmation": NEW_PASSWORD,
        "secret_question": "Ville de mon premier poste ?", "secret_answer": "Laval sur Mayenne"})
    assert client.get("/menu").status_code == 200
    assert other.get("/menu").location.startswith("/connexion")


@pytest.mark.parametrize(("public_url", "secure"), [("https://portail.example", True), ("", False)])
def test_session_cookie_flags(sqlite_url, public_url, secure):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": sqlite_url,
            "SECRET_KEY": "k",
            "PUBLIC_URL": public_url,
            "PASSWORD_HASH_ROUNDS": 4,
            "WTF_CSRF_ENABLED": False,
        }
    )
    with database.connection_context():
        create_demo()
    response = app.test_client().post(
        "/connexion",
        data={"siret": DEMO_SIRET, "nom": "MOUTIN", "prenom": "Claire", "password": DEMO_PASSWORD},
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert ("Secure" in cookie) is secure
    database.close()
