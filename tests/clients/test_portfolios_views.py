"""The pages of Gérer vos portefeuilles and Composer le portefeuille, through the test client."""
import html
import re

import pytest

from db.database import database
from db.models import Portfolio, PortfolioDeclarant
from tests.factories.clients import portfolio_ids, snapshot
from tests.factories.people import demo_user

HX = {"HX-Request": "true"}


def text(response):
    return html.unescape(response.get_data(as_text=True))


def test_index_lists_portfolios_with_counts_and_actions(admin_client):
    page = text(admin_client.get("/gestion/portefeuilles"))
    assert "<h1>Vos portefeuilles</h1>" in page
    rows = re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", page, re.S)
    assert len(rows) == 2
    assert "Portefeuille par défaut" in rows[0] and '<td class="num">2</td>' in rows[0]
    assert "CLIENTS PME" in rows[1] and '<td class="num">3</td>' in rows[1]
    for label in (
        "Gérer les déclarants du portefeuille «\u202fCLIENTS PME\u202f»",
        "Composer le portefeuille «\u202fCLIENTS PME\u202f»",
        "Modifier le portefeuille «\u202fCLIENTS PME\u202f»",
    ):
        assert label in page
    assert "Supprimer le portefeuille «\u202f" not in page  # neither is empty, one is the default
    assert "+ Ajouter un portefeuille" in page and "Imprimer le récapitulatif" in page


def test_declarations_action_shows_when_issue_5_registers_it(app, admin_client):
    page = text(admin_client.get("/gestion/portefeuilles"))
    registered = "declarations.portfolio" in app.view_functions
    assert ("Gérer les déclarations du portefeuille « CLIENTS PME »" in page) == registered


def test_active_search_answers_a_fragment_naming_the_portfolio(admin_client):
    response = admin_client.get("/gestion/portefeuilles?critere=siren&valeur=552+032", headers=HX)
    fragment = text(response)
    assert "<html" not in fragment and "HX-Request" in response.headers["Vary"]
    assert "552 032 534 – DANONE : portefeuille" in fragment
    default = portfolio_ids(d="Portefeuille par défaut")["d"]
    assert f'href="/gestion/portefeuilles/{default}/composition?q=552032534"' in fragment
    assert "CLIENTS PME" not in fragment
    empty = text(admin_client.get("/gestion/portefeuilles?critere=raison_sociale&valeur=zzz", headers=HX))
    assert "Aucune entreprise de vos portefeuilles ne correspond à « zzz »." in empty


def test_create_portfolio_with_declarants_from_the_dual_list(admin_client):
    form = text(admin_client.get("/gestion/portefeuilles/ajouter"))
    assert 'data-available-label="Déclarants disponibles"' in form and "Nom du portefeuille" in form
    with database.connection_context():
        paul = demo_user("DURAND").id
    response = admin_client.post("/gestion/portefeuilles/ajouter",
                                 data={"name": "CLIENTS", "comment": "Nouveaux", "declarants": [str(paul)]},
                                 follow_redirects=True)
    assert "Portefeuille « CLIENTS » créé." in text(response)
    with database.connection_context():
        portfolio = Portfolio.get(Portfolio.name == "CLIENTS")
        assert [
            link.user_id
            for link in PortfolioDeclarant.select().where(PortfolioDeclarant.portfolio == portfolio)
        ] == [paul]


@pytest.mark.parametrize("name, message", [
    ("", "Ce champ est obligatoire."),
    ("Clients PME", "Un portefeuille nommé «\u202fClients PME\u202f» existe déjà dans votre cabinet."),
])
def test_create_refusal_is_shown_next_to_the_field(admin_client, name, message):
    response = admin_client.post("/gestion/portefeuilles/ajouter", data={"name": name, "declarants": ["1"]})
    assert response.status_code == 422
    page = text(response)
    assert f'<p class="field-error" id="name-error">{message}</p>' in page
    assert re.search(r'<option value="1" selected>', page)  # the chosen déclarants are kept


def test_edit_and_delete(admin_client):
    created = admin_client.post("/gestion/portefeuilles/ajouter", data={"name": "VIDE"})
    assert created.status_code == 302
    pid = portfolio_ids(v="VIDE")["v"]
    admin_client.post(
        f"/gestion/portefeuilles/{pid}/modifier", data={"name": "VIDE 2", "comment": "à supprimer"}
    )
    page = text(admin_client.get("/gestion/portefeuilles"))
    assert "VIDE 2" in page and "à supprimer" in page and "Supprimer le portefeuille « VIDE 2 »" in page
    assert "Voulez-vous supprimer" in text(admin_client.get(f"/gestion/portefeuilles/{pid}/supprimer"))
    done = admin_client.post(f"/gestion/portefeuilles/{pid}/supprimer", follow_redirects=True)
    assert "Portefeuille « VIDE 2 » supprimé." in text(done)


def test_default_and_non_empty_portfolios_cannot_be_deleted(admin_client):
    found = portfolio_ids(d="Portefeuille par défaut", c="CLIENTS PME")
    refused = admin_client.post(f"/gestion/portefeuilles/{found['d']}/supprimer", follow_redirects=True)
    assert "ne peut pas être supprimé" in text(refused)
    refused = admin_client.post(f"/gestion/portefeuilles/{found['c']}/supprimer", follow_redirects=True)
    assert "contient 3 entreprise(s)" in text(refused)


def test_removing_a_declarant_asks_to_confirm_with_the_count(admin_client):
    pid = portfolio_ids(c="CLIENTS PME")["c"]
    with database.connection_context():
        paul = demo_user("DURAND")
        keep = [str(u.user_id) for u in PortfolioDeclarant.select().where(
            (PortfolioDeclarant.portfolio == pid) & (PortfolioDeclarant.user != paul.id))]
        before = snapshot()
    asked = text(admin_client.post(f"/gestion/portefeuilles/{pid}/declarants", data={"declarants": keep}))
    assert "Vous retirez DURAND Paul du portefeuille" in asked and "3 habilitations" in asked
    assert '<button type="submit" class="button danger">Retirer DURAND Paul du portefeuille</button>' in asked
    with database.connection_context():
        assert snapshot() == before
    done = admin_client.post(
        f"/gestion/portefeuilles/{pid}/declarants",
        data={"declarants": keep, "confirm": "1"},
        follow_redirects=True,
    )
    assert "Déclarants du portefeuille « CLIENTS PME » enregistrés." in text(done)


def test_compose_lists_companies_with_their_type(admin_client):
    pid = portfolio_ids(c="CLIENTS PME")["c"]
    page = text(admin_client.get(f"/gestion/portefeuilles/{pid}/composition"))
    assert (
        "Composition du portefeuille" in page
        and "Nom du portefeuille\u202f: <strong>CLIENTS PME</strong>" in page
    )
    assert "487 444 697" in page and "Mono-établissement" in page and "Entreprises du portefeuille" in page
    assert "Choisir les établissements de l’entreprise « ESSOR ENERGIES »" in page
    fragment = text(admin_client.get(f"/gestion/portefeuilles/{pid}/composition?q=essor", headers=HX))
    assert "<html" not in fragment and "ESSOR ENERGIES" in fragment and "KIKOU" not in fragment


def test_declarant_is_refused_the_pages(client, auth):
    auth.login_declarant()
    assert client.get("/gestion/portefeuilles").status_code == 403
    assert client.get("/gestion/recapitulatif").status_code == 403


def test_the_delete_page_states_what_the_portfolio_really_holds(admin_client):
    found = portfolio_ids(d="Portefeuille par défaut", c="CLIENTS PME")
    page = " ".join(text(admin_client.get(f"/gestion/portefeuilles/{found['c']}/supprimer")).split())
    assert "Le portefeuille « CLIENTS PME » contient 3 entreprises (3 établissements" in page
    assert "Il ne contient aucune entreprise" not in page and "Composer le portefeuille" in page
    assert 'class="button danger"' not in page  # nothing to confirm: it cannot be deleted
    page = text(admin_client.get(f"/gestion/portefeuilles/{found['d']}/supprimer"))
    assert "ne peut pas être supprimé" in page and 'class="button danger"' not in page
    admin_client.post("/gestion/portefeuilles/ajouter", data={"name": "VIDE"})
    empty = portfolio_ids(v="VIDE")["v"]
    page = " ".join(text(admin_client.get(f"/gestion/portefeuilles/{empty}/supprimer")).split())
    assert "Il ne contient aucune entreprise." in page and 'class="button danger"' in page
