"""Connexion with the portal's triplet, one generic refusal, déconnexion."""
import html

import pytest

from db.models import User

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
