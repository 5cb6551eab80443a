"""The pages of Gérer vos portefeuilles and Composer le portefeuille, through the test client."""
import html
import io
import re

import pytest

from db.database import database
from db.models import AuditEvent, Company, Portfolio, PortfolioDeclarant
from tests.clients.helpers import AUBADE, CEASED, DANONE, demo_user, snapshot

NNBSP = "\u202f"
HX = {"HX-Request": "true"}


def text(response):
    return html.unescape(response.get_data(as_text=True))


def ids(**names):
    with database.connection_context():
        return {key: Portfolio.get(Portfolio.name == name).id for key, name in names.items()}


@pytest.fixture
def admin_client(client, auth):
    auth.login()
    return client


def test_index_lists_portfolios_with_counts_and_actions(admin_client):
    page = text(admin_client.get("/gestion/portefeuilles"))
    assert "<h1>Vos portefeuilles</h1>" in page
    rows = re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", page, re.S)
    assert len(rows) == 2
    assert "Portefeuille par défaut" in rows[0] and '<td class="num">2</td>' in rows[0]
    assert "CLIENTS PME" in rows[1] and '<td class="num">3</td>' in rows[1]
    for label in ("Gérer les déclarants du portefeuille « CLIENTS PME »", "Composer le portefeuille « CLIENTS PME »",
                  "Modifier le portefeuille « CLIENTS PME »"):
        assert label in page
    assert "Supprimer le portefeuille «" not in page  # neither is empty, one is the default
    assert "+ Ajouter un portefeuille" in page and "Imprimer le récapitulatif" in page


def test_declarations_action_shows_when_issue_5_registers_it(app, admin_client):
    page = text(admin_client.get("/gestion/portefeuilles"))
    registered = "declarations.portfolio" in app.view_functions
    assert ("Gérer les déclarations du portefeuille « CLIENTS PME »" in page) == registered


def test_active_search_answers_a_fragment_naming_the_portfolio(admin_client):
    response = admin_client.get("/gestion/portefeuilles?critere=siren&valeur=552+032", headers=HX)
    fragment = text(response)
    assert "<html" not in fragment and "HX-Request" in response.headers["Vary"]
    assert "552 032 534 – DANONE : portefeuille" in fragment
    default = ids(d="Portefeuille par défaut")["d"]
    assert f'href="/gestion/portefeuilles/{default}/composition?q=552032534"' in fragment
    assert "CLIENTS PME" not in fragment
    empty = text(admin_client.get("/gestion/portefeuilles?critere=raison_sociale&valeur=zzz", headers=HX))
    assert "Aucune entreprise de vos portefeuilles ne correspond à « zzz »." in empty


def test_create_portfolio_with_declarants_from_the_dual_list(admin_client):
    form = text(admin_client.get("/gestion/portefeuilles/ajouter"))
    assert 'data-available-label="Déclarants disponibles"' in form and "Nom du portefeuille" in form
    with database.connection_context():
        paul = demo_user("DURAND").id
    response = admin_client.post("/gestion/portefeuilles/ajouter",
                                 data={"name": "CLIENTS", "comment": "Nouveaux", "declarants": [str(paul)]},
                                 follow_redirects=True)
    assert "Portefeuille « CLIENTS » créé." in text(response)
    with database.connection_context():
        portfolio = Portfolio.get(Portfolio.name == "CLIENTS")
        assert [link.user_id for link in PortfolioDeclarant.select().where(PortfolioDeclarant.portfolio == portfolio)] == [paul]


@pytest.mark.parametrize("name, message", [
    ("", "Veuillez saisir le nom du portefeuille."),
    ("Clients PME", "Un portefeuille nommé « Clients PME » existe déjà dans votre cabinet."),
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
    pid = ids(v="VIDE")["v"]
    admin_client.post(f"/gestion/portefeuilles/{pid}/modifier", data={"name": "VIDE 2", "comment": "à supprimer"})
    page = text(admin_client.get("/gestion/portefeuilles"))
    assert "VIDE 2" in page and "à supprimer" in page and "Supprimer le portefeuille « VIDE 2 »" in page
    assert "Voulez-vous supprimer" in text(admin_client.get(f"/gestion/portefeuilles/{pid}/supprimer"))
    done = admin_client.post(f"/gestion/portefeuilles/{pid}/supprimer", follow_redirects=True)
    assert "Portefeuille « VIDE 2 » supprimé." in text(done)


def test_default_and_non_empty_portfolios_cannot_be_deleted(admin_client):
    found = ids(d="Portefeuille par défaut", c="CLIENTS PME")
    refused = admin_client.post(f"/gestion/portefeuilles/{found['d']}/supprimer", follow_redirects=True)
    assert "ne peut pas être supprimé" in text(refused)
    refused = admin_client.post(f"/gestion/portefeuilles/{found['c']}/supprimer", follow_redirects=True)
    assert "contient 3 entreprise(s)" in text(refused)


def test_removing_a_declarant_asks_to_confirm_with_the_count(admin_client):
    pid = ids(c="CLIENTS PME")["c"]
    with database.connection_context():
        paul = demo_user("DURAND")
        keep = [str(u.user_id) for u in PortfolioDeclarant.select().where(
            (PortfolioDeclarant.portfolio == pid) & (PortfolioDeclarant.user != paul.id))]
        before = snapshot()
    asked = text(admin_client.post(f"/gestion/portefeuilles/{pid}/declarants", data={"declarants": keep}))
    assert "Vous retirez DURAND Paul du portefeuille" in asked and "3 habilitations" in asked
    with database.connection_context():
        assert snapshot() == before
    done = admin_client.post(f"/gestion/portefeuilles/{pid}/declarants", data={"declarants": keep, "confirm": "1"},
                             follow_redirects=True)
    assert "Déclarants du portefeuille « CLIENTS PME » enregistrés." in text(done)


def test_compose_lists_companies_with_their_type(admin_client):
    pid = ids(c="CLIENTS PME")["c"]
    page = text(admin_client.get(f"/gestion/portefeuilles/{pid}/composition"))
    assert "Composition du portefeuille" in page and "Nom du portefeuille : <strong>CLIENTS PME</strong>" in page
    assert "487 444 697" in page and "Mono-établissement" in page and "Entreprises du portefeuille" in page
    assert "Choisir les établissements de l'entreprise « ESSOR ENERGIES »" in page
    fragment = text(admin_client.get(f"/gestion/portefeuilles/{pid}/composition?q=essor", headers=HX))
    assert "<html" not in fragment and "ESSOR ENERGIES" in fragment and "KIKOU" not in fragment


def test_add_by_siren_updates_the_list_in_place_with_a_confirmation(admin_client):
    pid = ids(c="CLIENTS PME")["c"]
    response = admin_client.post(f"/gestion/portefeuilles/{pid}/entreprises", data={"siren": "356 000 000"}, headers=HX)
    fragment = text(response)
    assert response.status_code == 200 and "<html" not in fragment
    assert f'<p class="message message-success">LA POSTE ajoutée : 1{NNBSP}282 établissements</p>' in fragment
    assert 'hx-swap-oob="innerHTML"' in fragment
    row = re.search(r"<tr>\s*<td class=\"mono\">356 000 000</td>.*?</tr>", fragment, re.S).group(0)
    assert "Multi-établissement" in row and f"1{NNBSP}282" in row


def test_add_without_javascript_redirects_with_the_message(admin_client):
    pid = ids(c="CLIENTS PME")["c"]
    response = admin_client.post(f"/gestion/portefeuilles/{pid}/entreprises", data={"siren": AUBADE},
                                 follow_redirects=True)
    assert "AUBADE PARIS ajoutée : 2 établissements" in text(response)


@pytest.mark.parametrize("typed, message", [
    ("12345", "Le SIREN doit comporter 9 chiffres (5 saisis)."),
    ("ABCDEFGHI", "Le SIREN ne doit comporter que des chiffres."),
    ("356000001", "Numéro SIREN invalide (clé de contrôle)."),
    ("732829320", "Le SIREN 732 829 320 est inconnu du référentiel Sirene."),
    (CEASED, "L'entreprise 839 517 323 (RED NEEDLES) est cessée d'après le référentiel Sirene : elle ne peut pas être ajoutée."),
    ("487444697", "L'entreprise 487 444 697 (ESSOR ENERGIES) est déjà dans ce portefeuille."),
])
def test_add_refusals_answer_422_with_the_message_next_to_the_field(admin_client, typed, message):
    pid = ids(c="CLIENTS PME")["c"]
    with database.connection_context():
        before = snapshot()
    response = admin_client.post(f"/gestion/portefeuilles/{pid}/entreprises", data={"siren": typed}, headers=HX)
    assert response.status_code == 422
    assert f'<p class="field-error" id="siren-error">{message}</p>' in text(response)
    assert 'aria-invalid="true"' in text(response)
    with database.connection_context():
        assert snapshot() == before


def test_company_in_another_portfolio_is_named_with_a_link(admin_client):
    found = ids(d="Portefeuille par défaut", c="CLIENTS PME")
    response = admin_client.post(f"/gestion/portefeuilles/{found['c']}/entreprises", data={"siren": DANONE}, headers=HX)
    page = text(response)
    assert response.status_code == 422
    assert "est déjà dans le portefeuille « Portefeuille par défaut » de votre cabinet" in page
    assert (f'<a href="/gestion/portefeuilles/{found["d"]}/composition?q={DANONE}">Voir l\'entreprise dans le '
            "portefeuille « Portefeuille par défaut »</a>") in page


def test_bulk_add_from_pasted_lines_and_from_a_csv_file(admin_client):
    pid = ids(c="CLIENTS PME")["c"]
    pasted = text(admin_client.post(f"/gestion/portefeuilles/{pid}/entreprises/plusieurs",
                                    data={"sirens": "775 695 901\n\n356000001\n"}))
    assert "Compte rendu" in pasted and ">OK partiel<" in pasted
    assert "1 entreprise ajoutée sur 2 lignes." in pasted and "Numéro SIREN invalide (clé de contrôle)." in pasted
    upload = "\ufeffraison sociale;siren\nLA POSTE;356000000\nAGA;102476066\n".encode()
    done = text(admin_client.post(f"/gestion/portefeuilles/{pid}/entreprises/plusieurs",
                                  data={"sirens": "", "file": (io.BytesIO(upload), "clients.csv")},
                                  content_type="multipart/form-data"))
    assert ">OK<" in done and "2 entreprises ajoutées sur 2 lignes." in done
    assert "1282 établissement(s)" in done
    ko = admin_client.post(f"/gestion/portefeuilles/{pid}/entreprises/plusieurs", data={"sirens": DANONE})
    assert ">KO<" in text(ko)
    empty = admin_client.post(f"/gestion/portefeuilles/{pid}/entreprises/plusieurs", data={"sirens": " "})
    assert empty.status_code == 422 and "Saisissez au moins un SIREN" in text(empty)


def test_unticking_an_establishment_confirms_with_the_habilitations_count(admin_client):
    with database.connection_context():
        company = Company.get(Company.siren == "414971929")  # two active establishments
        sirets = sorted(e.siret for e in company.establishments)
    page = text(admin_client.get(f"/gestion/entreprises/{company.id}/etablissements"))
    assert "Choisir les établissements de l'entreprise" in page and "Tout (dé)cocher" in page
    assert page.count('name="siret"') == 3 and page.count("fermé") >= 1
    asked = text(admin_client.post(f"/gestion/entreprises/{company.id}/etablissements", data={"siret": sirets[:1]}))
    assert "Vous désinscrivez 1 établissement" in asked and "1 habilitation</strong>" in asked
    done = admin_client.post(f"/gestion/entreprises/{company.id}/etablissements",
                             data={"siret": sirets[:1], "confirm": "1"}, follow_redirects=True)
    assert "1 désinscrit(s), 1 habilitation(s) supprimée(s)" in text(done)


def test_transfer_shows_consequences_then_moves_the_company(admin_client):
    found = ids(d="Portefeuille par défaut", c="CLIENTS PME")
    with database.connection_context():
        company = Company.get(Company.siren == DANONE)
    form = text(admin_client.get(f"/gestion/entreprises/{company.id}/transfert"))
    assert "Portefeuille de destination" in form and "CLIENTS PME" in form
    plan = text(admin_client.post(f"/gestion/entreprises/{company.id}/transfert", data={"target": found["c"]}))
    assert "Conséquences du transfert vers « CLIENTS PME »" in plan and "Mon Compte Formation / Elu" in plan
    assert "Aucune habilitation supprimée." in plan
    done = admin_client.post(f"/gestion/entreprises/{company.id}/transfert",
                             data={"target": found["c"], "confirm": "1"}, follow_redirects=True)
    assert "DANONE transférée vers le portefeuille « CLIENTS PME »." in text(done)
    with database.connection_context():
        assert Company.get_by_id(company.id).portfolio_id == found["c"]


def test_remove_company_confirms_with_counts(admin_client):
    with database.connection_context():
        company = Company.get(Company.siren == DANONE)
    asked = text(admin_client.get(f"/gestion/entreprises/{company.id}/retirer"))
    assert "supprime\n    1 établissement inscrit" in asked and "1 habilitation." in asked
    done = text(admin_client.post(f"/gestion/entreprises/{company.id}/retirer", follow_redirects=True))
    assert "DANONE retirée du portefeuille « Portefeuille par défaut »" in done
    with database.connection_context():
        assert not Company.select().where(Company.id == company.id).exists()
        assert AuditEvent.select().where(AuditEvent.action == "company.remove").count() == 1


def test_refresh_without_and_with_differences(admin_client):
    with database.connection_context():
        company = Company.get(Company.siren == DANONE)
    assert "Aucune différence avec le référentiel Sirene" in text(admin_client.get(f"/gestion/entreprises/{company.id}/mise-a-jour"))
    with database.connection_context():
        from db.models import DirectoryUnit

        DirectoryUnit.update(denomination="DANONE SA").where(DirectoryUnit.siren == DANONE).execute()
    shown = text(admin_client.get(f"/gestion/entreprises/{company.id}/mise-a-jour"))
    assert "« DANONE » devient « DANONE SA »" in shown
    with database.connection_context():
        assert Company.get_by_id(company.id).name == "DANONE"  # nothing applied before Valider
    done = text(admin_client.post(f"/gestion/entreprises/{company.id}/mise-a-jour", follow_redirects=True))
    assert "DANONE SA mise à jour depuis le référentiel Sirene" in done


def test_declarant_is_refused_the_pages(client, auth):
    auth.login_declarant()
    assert client.get("/gestion/portefeuilles").status_code == 403
    assert client.get("/gestion/recapitulatif").status_code == 403


def test_online_source_from_the_configuration(app, admin_client):
    from tests.clients.helpers import valid_siren
    from tests.sirene.fake_sirene import API_KEY, FakeSirene, establishment

    siren = valid_siren("90300000")
    fake = FakeSirene().start()
    try:
        fake.companies[siren] = [establishment(siren, "00012", "EN LIGNE SAS", siege=True)]
        app.config.update(SIRENE_API_URL=fake.url, SIRENE_API_KEY=API_KEY)
        pid = ids(c="CLIENTS PME")["c"]
        done = admin_client.post(f"/gestion/portefeuilles/{pid}/entreprises", data={"siren": siren}, headers=HX)
        assert "EN LIGNE SAS ajoutée : 1 établissement<" in text(done)
        fake.failures[valid_siren("90400000")] = "429"
        refused = admin_client.post(f"/gestion/portefeuilles/{pid}/entreprises",
                                    data={"siren": valid_siren("90400000")}, headers=HX)
        assert refused.status_code == 422 and "Quota de l'API Sirene" in text(refused)
    finally:
        fake.stop()

