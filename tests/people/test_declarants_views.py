"""Gérer les déclarants through the test client: list, active search, Nouveau déclarant, edit, actions."""
import html
import re

import pytest

from db.database import database
from db.models import AuditEvent, User
from tests.factories.outbox import activation_token, mails
from tests.factories.people import add_people
from tests.factories.queries import page_queries


def _text(response):
    return html.unescape(response.get_data(as_text=True))


def _count(model, *where):
    with database.connection_context():
        query = model.select()
        return (query.where(*where) if where else query).count()


NEW = {"nom": "Martin", "prenom": "Léa", "email": "lea.martin@cabinet.fr", "phone": "01 23 45 67 89",
       "role": "declarant"}


def test_the_list_shows_the_firm_and_the_search_answers_with_the_fragment(client, auth):
    auth.login()
    page = _text(client.get("/gestion/declarants/"))
    assert "<h1>Gérer les déclarants</h1>" in page and "3 personnes" in page
    assert all(name in page for name in ("MOUTIN", "DURAND", "LEROY"))
    assert '<td class="mono">01 23 45 67 89</td>' in page  # Claire's phone, grouped by two
    fragment = client.get("/gestion/declarants/?q=lero", headers={"HX-Request": "true"})
    assert "HX-Request" in fragment.headers["Vary"]
    body = _text(fragment)
    assert body.lstrip().startswith("<div id=\"declarants-results\"") and "<html" not in body
    assert "LEROY" in body and "DURAND" not in body and "1 personne pour «\u202flero\u202f»" in body
    full = _text(client.get("/gestion/declarants/?q=lero"))  # the pushed URL renders the whole page
    assert "<html" in full and 'value="lero"' in full


def test_a_disguised_search_is_refused_next_to_the_box(client, auth):
    auth.login()
    response = client.get("/gestion/declarants/?q=DU%E2%80%AERAND", headers={"HX-Request": "true"})
    assert response.status_code == 422 and "invisibles" in _text(response)
    response = client.get("/gestion/declarants/?q=%3Cscript%3E", headers={"HX-Request": "true"})
    assert response.status_code == 200 and "<script>" not in response.get_data(as_text=True)


def test_nouveau_declarant_creates_the_person_and_mails_the_link(client, auth):
    auth.login()
    form = _text(client.get("/gestion/declarants/nouveau"))
    assert 'name="role"' in form and "Administrateur - Déclarant" in form
    response = client.post("/gestion/declarants/nouveau", data=NEW, follow_redirects=True)
    assert "MARTIN Léa a été créé. Un lien d’activation a été envoyé à lea.martin@cabinet.fr." in _text(
        response
    )
    assert "En attente d’activation" in _text(response)
    with database.connection_context():
        assert activation_token("lea.martin@cabinet.fr")
        assert AuditEvent.get(AuditEvent.action == "person.created").actor.nom == "MOUTIN"


@pytest.mark.parametrize("field, value, message", [
    ("nom", "", "Ce champ est obligatoire."),
    ("prenom", "<img src=x onerror=alert(1)>", "que des lettres"),
    ("email", "lea@", "Adresse électronique invalide"),
    ("phone", "0' OR '1'='1", "10 chiffres"),
    ("nom", "x" * 5000, "au plus"),
    ("nom", "Durand\x07", "contrôle"),
])
def test_bad_input_shows_the_message_next_to_the_field_and_stores_nothing(
    client, auth, field, value, message
):
    auth.login()
    before = _count(User)
    response = client.post("/gestion/declarants/nouveau", data={**NEW, field: value})
    assert response.status_code == 422
    page = _text(response)
    error = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', page)
    assert error and message in error.group(1)
    assert f'aria-describedby="{field}-error"' in page
    assert _count(User) == before
    with database.connection_context():
        assert mails() == []


def test_edit_saves_and_tells_what_happened(client, auth, demo_users):
    auth.login()
    paul = demo_users["DURAND"]
    page = _text(client.get(f"/gestion/declarants/{paul.id}"))
    assert 'value="paul.durand@cabinet-demo.test"' in page and "Nommer administrateur" in page
    data = {
        "nom": "DURAND",
        "prenom": "Paul",
        "email": "paul.durand@cabinet-demo.test",
        "phone": "06 00 00 00 01",
    }
    assert "Modifications enregistrées." in _text(client.post(f"/gestion/declarants/{paul.id}", data=data,
                                                               follow_redirects=True))
    assert "Aucune modification." in _text(client.post(f"/gestion/declarants/{paul.id}", data=data,
                                                        follow_redirects=True))
    response = client.post(
        f"/gestion/declarants/{paul.id}", data={**data, "nom": "LEROY", "prenom": "Sophie"}
    )
    assert response.status_code == 422 and "identifiant de" in _text(response)


def test_account_actions_and_the_last_administrator(client, auth, demo_users):
    auth.login()
    paul, claire = demo_users["DURAND"], demo_users["MOUTIN"]
    page = _text(client.post(f"/gestion/declarants/{paul.id}/desactiver", follow_redirects=True))
    assert "Le compte de DURAND Paul est désactivé" in page and "Réactiver le compte" in page
    page = _text(client.post(f"/gestion/declarants/{paul.id}/reactiver", follow_redirects=True))
    assert "Le compte de DURAND Paul est réactivé" in page
    refused = client.post(f"/gestion/declarants/{claire.id}/retirer-administrateur")
    assert refused.status_code == 422 and "au moins un administrateur actif" in _text(refused)
    refused = client.post(f"/gestion/declarants/{claire.id}/desactiver")
    assert refused.status_code == 422
    page = _text(client.post(f"/gestion/declarants/{paul.id}/nommer-administrateur", follow_redirects=True))
    assert "DURAND Paul est désormais administrateur." in page
    # Claire steps down herself: she leaves the Gestion pages, which she may no longer open.
    response = client.post(f"/gestion/declarants/{claire.id}/retirer-administrateur")
    assert response.status_code == 302 and response.location == "/"
    assert client.get("/gestion/declarants/").status_code == 403


def test_resend_activation_only_for_accounts_not_yet_activated(client, auth, demo_users):
    auth.login()
    client.post("/gestion/declarants/nouveau", data=NEW)
    with database.connection_context():
        lea = User.get(User.email == "lea.martin@cabinet.fr")
    page = _text(client.get(f"/gestion/declarants/{lea.id}"))
    assert "Renvoyer le lien d’activation" in page
    assert "Un nouveau lien d’activation a été envoyé" in _text(
        client.post(f"/gestion/declarants/{lea.id}/renvoyer-activation", follow_redirects=True))
    refused = client.post(f"/gestion/declarants/{demo_users['DURAND'].id}/renvoyer-activation")
    assert refused.status_code == 422 and "déjà activé" in _text(refused)


def test_unknown_person_is_404(client, auth):
    auth.login()
    assert client.get("/gestion/declarants/999999").status_code == 404


def test_mailed_links_use_the_public_address_when_configured(client, auth, app):
    app.config["PUBLIC_URL"] = "https://portail.cabinet.fr/"
    auth.login()
    client.post("/gestion/declarants/nouveau", data=NEW)
    with database.connection_context():
        [mail] = mails("lea.martin@cabinet.fr")
    assert re.search(r"^https://portail\.cabinet\.fr/activation/[\w-]{40,}$", mail.body, re.M)


def test_the_list_runs_as_many_queries_for_45_more_people(client, auth, demo_users):
    auth.login()
    few = page_queries(client, "/gestion/declarants/")
    with database.connection_context():
        add_people(demo_users["MOUTIN"].firm_id, 45)
    assert page_queries(client, "/gestion/declarants/") == few


def test_the_list_numbers_names_that_read_alike(client, auth):
    auth.login()
    for prenom, email in (("Jean-Marc", "jm1@cabinet-demo.test"), ("Jean Marc", "jm2@cabinet-demo.test")):
        client.post("/gestion/declarants/nouveau",
                    data={"nom": "Blanc", "prenom": prenom, "email": email, "role": "declarant"})
    with database.connection_context():
        ids = [u.id for u in User.select().where(User.nom == "Blanc").order_by(User.id)]
    page = _text(client.get("/gestion/declarants/?q=blanc"))
    assert all(f"({i:05d})</span>" in page for i in ids)
    assert "(0" not in _text(client.get("/gestion/declarants/?q=durand"))
