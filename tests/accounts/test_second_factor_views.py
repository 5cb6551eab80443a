"""The second factor through the pages: the code step of a login, the enrolment a firm requires, the
recovery codes shown once, the settings page, and Gérer les déclarants (last login, the firm-level
requirement, the reset after a lost phone)."""
import html
import re

from db import clock
from db.accounts import second_factor
from db.database import database
from db.models import AuditEvent
from tests.factories.accounts import NOON
from tests.factories.people import demo_user
from tests.factories.second_factor import code_now, enrolled, secret_on_page


def text(response):
    return html.unescape(response.get_data(as_text=True))


def test_a_person_with_a_second_factor_types_a_code_after_the_password(client, auth):
    clock.freeze(NOON)
    with database.connection_context():
        secret, codes = enrolled(demo_user("DURAND"))
    response = client.post("/connexion", data={"siret": "97785096500020", "nom": "DURAND", "prenom": "Paul",
                                               "password": "Demo-Portail-2026"})
    assert response.location == "/connexion/code"
    assert client.get("/menu").status_code == 302  # not logged in before the code
    page = text(client.get("/connexion/code"))
    assert "Double authentification" in page and 'autocomplete="one-time-code"' in page
    assert "Vous n’avez plus votre téléphone\u202f?" in page
    wrong = client.post("/connexion/code", data={"code": "12345"})
    assert wrong.status_code == 422 and "Code incorrect ou expiré" in text(wrong)
    clock.advance(seconds=30)
    assert client.post("/connexion/code", data={"code": code_now(secret)}).location == "/"
    assert "DURAND Paul" in text(client.get("/menu"))
    auth.logout()
    auth.login_declarant()
    response = client.post("/connexion/code", data={"code": codes[0]}, follow_redirects=True)
    assert "Vous vous êtes connecté avec un code de secours\u202f; il vous en reste 9." in text(response)
    with database.connection_context():
        summaries = [e.summary for e in AuditEvent.select().where(AuditEvent.action == "login.succeeded")]
    assert summaries == [
        "Connexion de DURAND Paul avec la double authentification depuis l’adresse 127.0.0.1",
        "Connexion de DURAND Paul avec un code de secours depuis l’adresse 127.0.0.1"]


def test_the_code_step_expires_and_cannot_be_reached_without_the_password(client, auth):
    clock.freeze(NOON)
    with database.connection_context():
        secret, _ = enrolled(demo_user("DURAND"))
    assert client.get("/connexion/code").location == "/connexion"
    auth.login_declarant()
    clock.advance(minutes=6)
    response = client.post("/connexion/code", data={"code": code_now(secret)})
    assert response.location == "/connexion" and client.get("/menu").status_code == 302


def test_a_firm_that_requires_it_has_each_person_enrol_at_the_next_login(client, auth):
    clock.freeze(NOON)
    auth.login()
    response = client.post("/gestion/declarants/double-authentification", data={"required": "1"},
                           follow_redirects=True)
    assert "désormais exigée pour toutes les personnes du cabinet" in text(response)
    assert 'id="second_factor_required" name="required" value="1" checked' in text(response)
    auth.logout()
    response = auth.login_declarant()
    page = text(response)
    assert "Votre cabinet exige la double authentification" in page and "<svg" in page
    secret = secret_on_page(page)
    response = client.post("/connexion/double-authentification", data={"code": code_now(secret)})
    page = text(response)
    assert "Vos codes de secours" in page and "ils ne seront plus affichés" in page
    codes = re.findall(r"<li>([A-Z2-9]{4}-[A-Z2-9]{4})</li>", page)
    assert len(codes) == 10
    settings = text(client.get("/compte/double-authentification/"))
    assert "Codes de secours restants\u202f: 10" in settings and codes[0] not in settings
    assert "ne peut pas être désactivée" in settings
    with database.connection_context():
        assert demo_user("DURAND").last_login_at == NOON


def test_a_person_turns_it_on_from_the_profile_and_off_again(client, auth):
    clock.freeze(NOON)
    auth.login_declarant()
    assert "Activer la double authentification" in text(client.get("/compte/"))
    page = text(client.get("/compte/double-authentification/"))
    response = client.post("/compte/double-authentification/", data={"code": code_now(secret_on_page(page))})
    assert "Vos codes de secours" in text(response)
    refused = client.post("/compte/double-authentification/desactiver", data={"off-password": "mauvais"})
    assert refused.status_code == 422 and "Mot de passe incorrect." in text(refused)
    response = client.post("/compte/double-authentification/desactiver",
                           data={"off-password": "Demo-Portail-2026"}, follow_redirects=True)
    assert "La double authentification est désactivée." in text(response)


def test_gerer_les_declarants_shows_the_last_login_and_resets_a_lost_phone(app, client, auth):
    clock.freeze(NOON)
    with database.connection_context():
        paul = demo_user("DURAND")
        enrolled(paul)
    auth.login()
    page = text(client.get("/gestion/declarants/"))
    assert "<th scope=\"col\">Dernière connexion</th>" in page
    assert "<td>23/11/2026 à 12\u202fh\u202f00</td>" in page  # Claire's login just now
    assert "<td>Jamais</td>" in page and "<td>Activée</td>" in page
    response = client.post(f"/gestion/declarants/{paul.id}/double-authentification/reinitialiser",
                           follow_redirects=True)
    assert "La double authentification de DURAND Paul est réinitialisée" in text(response)
    with database.connection_context():
        assert not second_factor.is_enrolled(demo_user("DURAND"))
