"""Besoin d'aide and the support desk through the test client and the CLI."""
import html
import re

import pytest

from db.database import database
from db.models import AssistanceRequest, AuditEvent, User
from tests.factories.outbox import activation_token, mails
from tests.factories.queries import page_queries

AGENT = {"email": "agent@portail.fr", "password": "Bureau-Aide-2026"}
REQUEST = {"motif": "Habilitation extranet", "siret": "977 850 965 00020", "nom": "Nouveau", "prenom": "Jean",
           "email": "jean@cabinet.fr", "message": "Notre administratrice Claire Moutin a quitté le cabinet."}


def _text(response):
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def agent(runner):
    result = runner.invoke(args=["support", "create", "--email", AGENT["email"], "--nom", "Lambert",
                                 "--prenom", "Paul"], input=f"{AGENT['password']}\n{AGENT['password']}\n")
    assert result.exit_code == 0, result.output
    assert "Compte du support créé : LAMBERT Paul <agent@portail.fr>" in result.output
    return AGENT


def test_the_cli_refuses_a_weak_password_and_lists_agents(runner, agent):
    result = runner.invoke(
        args=[
            "support",
            "create",
            "--email",
            "b@portail.fr",
            "--nom",
            "Roux",
            "--prenom",
            "Zoé",
            "--password",
            "faible",
        ]
    )
    assert result.exit_code == 1 and "ne respecte pas les règles" in result.output
    assert "agent@portail.fr\tLAMBERT Paul\tactif" in runner.invoke(args=["support", "list"]).output


def test_anyone_sends_a_request_and_gets_a_reference(client):
    page = _text(client.get("/besoin-d-aide/"))
    assert "Envoyer une demande d’assistance" in page and "Habilitation extranet" in page
    page = _text(client.post("/besoin-d-aide/", data=REQUEST, follow_redirects=True))
    with database.connection_context():
        request = AssistanceRequest.get()
        [ack] = mails("jean@cabinet.fr")
    assert f'la référence <strong class="mono" id="assistance-reference">{request.reference}</strong>' in page
    assert request.reference in ack.subject
    assert client.get("/besoin-d-aide/demande-envoyee").location == "/besoin-d-aide/"  # shown once


def test_the_page_reveals_nothing_about_registration(client):
    known = _text(client.post("/besoin-d-aide/", data=REQUEST, follow_redirects=True))
    unknown = _text(client.post("/besoin-d-aide/", data={**REQUEST, "siret": "443 061 841 00047",
                                                          "email": "x@y.fr"}, follow_redirects=True))
    # Only the reference differs (and the CSRF token's signature, re-signed each second).
    strip = lambda page: re.sub(r'X-CSRFToken": "[^"]+"', "", page.split("référence")[0])  # noqa: E731
    assert strip(known) == strip(unknown)


@pytest.mark.parametrize("field, value", [("motif", ""), ("email", "x"), ("message", "Bonjour\u2067 à tous"),
                                          ("siret", "1234"), ("message", "")])
def test_bad_requests_are_refused_with_422(client, field, value):
    response = client.post("/besoin-d-aide/", data={**REQUEST, field: value})
    assert response.status_code == 422 and f'id="{field}-error"' in _text(response)
    with database.connection_context():
        assert AssistanceRequest.select().count() == 0


def test_a_logged_in_person_finds_the_form_prefilled(client, auth):
    auth.login_declarant()
    page = _text(client.get("/besoin-d-aide/?motif=Mot de passe"))
    assert 'value="97785096500020"' in page and 'value="paul.durand@cabinet-demo.test"' in page
    assert '<option selected value="Mot de passe">' in page


def test_the_support_desk_answers_and_hands_the_firm_over(client, agent, demo_users):
    client.post("/besoin-d-aide/", data=REQUEST)
    wrong = client.post("/support/connexion", data={**agent, "password": "faux"})
    assert wrong.status_code == 401 and "Identifiants incorrects" in _text(wrong)
    client.post("/support/connexion", data=agent, follow_redirects=True)
    with database.connection_context():
        request = AssistanceRequest.get()
    listing = _text(client.get("/support/?q=jean", headers={"HX-Request": "true"}))
    assert request.reference in listing and "<html" not in listing
    page = _text(client.get(f"/support/demandes/{request.id}"))
    assert "AG CONSEIL" in page and "MOUTIN Claire — claire.moutin@cabinet-demo.test" in page
    main = page.split("<main")[1].split("</main>")[0].lower()
    assert "portefeuille" not in main and "déclarer" not in main  # a firm's name and admins, nothing more
    refused = client.post(f"/support/demandes/{request.id}/administration", data={"handover-nom": "Nouveau"})
    assert refused.status_code == 422 and 'id="handover-prenom-error"' in _text(refused)
    page = _text(client.post(f"/support/demandes/{request.id}/administration", data={
        "handover-nom": "Nouveau", "handover-prenom": "Jean", "handover-email": "jean@cabinet.fr",
        "leaving": str(demo_users["MOUTIN"].id)}, follow_redirects=True))
    assert "NOUVEAU Jean est administrateur du cabinet" in page
    page = _text(client.post(f"/support/demandes/{request.id}/reponse",
                             data={"answer-answer": "Votre identité est vérifiée : suivez le lien reçu."},
                             follow_redirects=True))
    assert "Votre réponse a été envoyée par courriel." in page and "Répondue" in page
    with database.connection_context():
        jean = User.get(User.email == "jean@cabinet.fr")
        assert jean.is_admin and jean.firm_id == demo_users["MOUTIN"].firm_id and activation_token(jean.email)
        assert not User.get_by_id(demo_users["MOUTIN"].id).is_active
        assert AuditEvent.get(AuditEvent.action == "support.handover").firm_id == jean.firm_id
    assert "Close" in _text(client.post(f"/support/demandes/{request.id}/cloture", follow_redirects=True))


def test_the_support_login_is_throttled_per_address(client, agent):
    from db.accounts.throttle import ADDRESS_FREE

    for attempt in range(ADDRESS_FREE):
        email = f"inconnu{attempt}@portail.fr"  # a different account each time: no account's delay applies
        assert client.post("/support/connexion", data={"email": email, "password": "x"}).status_code == 401
    throttled = client.post("/support/connexion", data=agent)
    assert throttled.status_code == 429 and "Trop de tentatives depuis votre adresse" in _text(throttled)


def test_the_desk_list_runs_as_many_queries_for_40_more_requests(client, runner):
    runner.invoke(
        args=[
            "support",
            "create",
            "--email",
            "a@portail.fr",
            "--nom",
            "Lambert",
            "--prenom",
            "Paul",
            "--password",
            "Bureau-Aide-2026",
        ]
    )
    client.post("/support/connexion", data={"email": "a@portail.fr", "password": "Bureau-Aide-2026"},
                follow_redirects=True)

    def add(start, number):
        with database.connection_context():
            AssistanceRequest.insert_many([
                {"reference": f"DA-T{i:07}", "motif": "Autre", "nom": "N", "prenom": "P", "email": "n@x.fr",
                 "message": "Bonjour le support"} for i in range(start, start + number)]).execute()

    add(0, 1)
    few = page_queries(client, "/support/")
    add(1, 40)
    assert page_queries(client, "/support/") == few


def test_one_sender_cannot_flood_any_address_through_besoin_d_aide(client):
    for n in range(5):
        response = client.post("/besoin-d-aide/", data={**REQUEST, "email": f"victime{n}@ailleurs.fr"})
        assert response.status_code == 302
    response = client.post("/besoin-d-aide/", data={**REQUEST, "email": "victime9@ailleurs.fr"})
    assert response.status_code == 429
    assert "Plusieurs demandes ont déjà été envoyées dans l’heure" in _text(response)
    with database.connection_context():
        assert AssistanceRequest.select().count() == 5
