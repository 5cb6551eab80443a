"""Demande en attente and the cooptation through the test client."""
import html
import re

from db.accounts.login import authenticate
from db.database import database
from db.demo import DEMO_SIRET
from db.models import PendingRequest, User
from tests.factories.outbox import mails
from tests.factories.people import add_people
from tests.factories.queries import page_queries


def _text(response):
    return html.unescape(response.get_data(as_text=True))


def test_cooptation_from_the_profile_to_the_accord(client, auth, app):
    auth.login_declarant()
    page = _text(client.post("/compte/cooptation", data={"cooptation-message": "Je gère la paie."},
                             follow_redirects=True))
    assert "Votre demande a été transmise aux administrateurs du cabinet." in page
    assert "attend la réponse des administrateurs" in page
    auth.logout()
    page = _text(auth.login())
    assert "Demande en attente (1)" in page  # the menu label counts what waits
    page = _text(client.get("/gestion/demandes/"))
    assert "Devenir administrateur — DURAND Paul" in page and "Je gère la paie." in page
    with database.connection_context():
        request = PendingRequest.get()
    page = _text(client.post(f"/gestion/demandes/{request.id}/accord-administrateur", follow_redirects=True))
    assert "Accord enregistré : DURAND Paul est désormais administrateur" in page
    assert "Aucune demande en attente." in page and "Demande en attente (1)" not in page
    again = client.post(f"/gestion/demandes/{request.id}/refus")
    assert again.status_code == 409 and "déjà été traitée" in _text(again)
    with database.connection_context():
        assert User.get(User.nom_key == "durand").is_admin
        assert "accepté" in mails("paul.durand@cabinet-demo.test")[-1].body


def test_the_temporary_password_is_shown_once_and_logs_in_with_an_obligation(client, auth, app, demo_users):
    sophie = demo_users["LEROY"]
    with database.connection_context():
        request = PendingRequest.create(firm=sophie.firm_id, kind="password", requester=sophie.id,
                                        requester_name=sophie.full_name, requester_email=sophie.email)
    auth.login()
    page = _text(client.get("/gestion/demandes/"))
    assert f'name="r{request.id}-email"' in page and f'value="{sophie.email}"' in page
    refused = client.post(f"/gestion/demandes/{request.id}/mot-de-passe-provisoire",
                          data={f"r{request.id}-email": "pas-une-adresse"})
    assert refused.status_code == 422 and "Adresse électronique invalide" in _text(refused)
    shown = client.post(f"/gestion/demandes/{request.id}/mot-de-passe-provisoire",
                        data={f"r{request.id}-email": sophie.email})
    password = re.search(
        r'<output class="mono" id="temporary-password">([^<]+)</output>', _text(shown)
    ).group(1)
    assert shown.headers["Cache-Control"] == "no-store"
    assert password not in _text(client.get("/gestion/demandes/"))
    with database.connection_context():
        stored = User.get_by_id(sophie.id)
        assert stored.must_change_password
        assert password in mails(sophie.email)[-1].body
        # The temporary password opens the account; the login then demands a new password.
        assert authenticate(DEMO_SIRET, "LEROY", "Sophie", password).must_change_password


def test_an_access_request_is_checked_then_created(client, auth, demo_users):
    with database.connection_context():
        request = PendingRequest.create(
            firm=demo_users["MOUTIN"].firm_id,
            kind="access",
            requester_name="MARTIN Léa",
            requester_email="lea@x.fr",
            message="Nom : Martin\nPrénom : Léa\nTéléphone : 0123456789\n"
            "Téléphone portable : —\nCourriel : lea@x.fr",
        )
    auth.login()
    form = _text(client.get(f"/gestion/demandes/{request.id}/creer-le-compte"))
    assert 'value="Martin"' in form and 'value="lea@x.fr"' in form and 'value="0123456789"' in form
    refused = client.post(f"/gestion/demandes/{request.id}/creer-le-compte",
                          data={"nom": "Martin", "prenom": "Léa", "email": "lea@", "role": "declarant"})
    assert refused.status_code == 422
    page = _text(
        client.post(
            f"/gestion/demandes/{request.id}/creer-le-compte",
            data={"nom": "Martin", "prenom": "Léa", "email": "lea@x.fr", "role": "declarant"},
            follow_redirects=True,
        )
    )
    assert "le compte de MARTIN Léa est créé" in page
    assert client.get(f"/gestion/demandes/{request.id}/creer-le-compte").status_code == 409


def test_demande_en_attente_runs_as_many_queries_for_40_more_requests(client, auth, demo_users):
    firm_id = demo_users["MOUTIN"].firm_id
    with database.connection_context():
        add_people(firm_id, 30)
    auth.login()

    def add_requests(start, number):
        with database.connection_context():
            people = (
                User.select().where(User.nom_key.startswith("nom")).order_by(User.id)[start : start + number]
            )
            PendingRequest.insert_many(
                [
                    {
                        "firm": firm_id,
                        "kind": kind,
                        "requester": p.id,
                        "requester_name": p.full_name,
                        "requester_email": p.email,
                    }
                    for p in people
                    for kind in ("cooptation", "password")
                ]
            ).execute()

    add_requests(0, 1)
    few = page_queries(client, "/gestion/demandes/")
    add_requests(1, 20)
    assert page_queries(client, "/gestion/demandes/") == few
