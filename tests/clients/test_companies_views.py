"""The pages of one client company through the test client: adding by SIREN (one or several),
choosing its establishments, transfer, removal, the Sirene refresh, the online directory."""
import html
import io
import re

import pytest

from db.database import database
from db.models import AuditEvent, Company
from tests.factories.clients import portfolio_ids, snapshot
from tests.factories.directory import AUBADE, CEASED, DANONE

NNBSP = "\u202f"
HX = {"HX-Request": "true"}


def text(response):
    return html.unescape(response.get_data(as_text=True))


def test_add_by_siren_updates_the_list_in_place_with_a_confirmation(admin_client):
    pid = portfolio_ids(c="CLIENTS PME")["c"]
    response = admin_client.post(
        f"/gestion/portefeuilles/{pid}/entreprises", data={"siren": "356 000 000"}, headers=HX
    )
    fragment = text(response)
    assert response.status_code == 200 and "<html" not in fragment
    added = f"LA POSTE ajoutée{NNBSP}: 1{NNBSP}282 établissements"
    assert f'<p class="message message-success">{added}</p>' in fragment
    assert 'hx-swap-oob="innerHTML"' in fragment
    row = re.search(r"<tr>\s*<td class=\"mono\">356\u202f000\u202f000</td>.*?</tr>", fragment, re.S).group(0)
    assert "Multi-établissement" in row and f"1{NNBSP}282" in row


def test_add_without_javascript_redirects_with_the_message(admin_client):
    pid = portfolio_ids(c="CLIENTS PME")["c"]
    response = admin_client.post(f"/gestion/portefeuilles/{pid}/entreprises", data={"siren": AUBADE},
                                 follow_redirects=True)
    assert "AUBADE PARIS ajoutée : 2 établissements" in text(response)


@pytest.mark.parametrize(
    "typed, message",
    [
        ("12345", "Le SIREN doit comporter 9 chiffres (5 saisis)."),
        ("ABCDEFGHI", "Le SIREN ne doit comporter que des chiffres."),
        ("356000001", "Numéro SIREN invalide (clé de contrôle)."),
        ("732829320", f"Le SIREN 732{NNBSP}829{NNBSP}320 est inconnu du référentiel Sirene."),
        (
            CEASED,
            f"L’entreprise 839{NNBSP}517{NNBSP}323 (RED NEEDLES) est cessée d’après le référentiel "
            f"Sirene{NNBSP}: elle ne peut pas être ajoutée.",
        ),
        ("487444697",
         f"L’entreprise 487{NNBSP}444{NNBSP}697 (ESSOR ENERGIES) est déjà dans ce portefeuille."),
    ],
)
def test_add_refusals_answer_422_with_the_message_next_to_the_field(admin_client, typed, message):
    pid = portfolio_ids(c="CLIENTS PME")["c"]
    with database.connection_context():
        before = snapshot()
    response = admin_client.post(
        f"/gestion/portefeuilles/{pid}/entreprises", data={"siren": typed}, headers=HX
    )
    assert response.status_code == 422
    assert f'<p class="field-error" id="siren-error">{message}</p>' in text(response)
    assert 'aria-invalid="true"' in text(response)
    with database.connection_context():
        assert snapshot() == before


def test_company_in_another_portfolio_is_named_with_a_link(admin_client):
    found = portfolio_ids(d="Portefeuille par défaut", c="CLIENTS PME")
    response = admin_client.post(
        f"/gestion/portefeuilles/{found['c']}/entreprises", data={"siren": DANONE}, headers=HX
    )
    page = text(response)
    assert response.status_code == 422
    assert "est déjà dans le portefeuille « Portefeuille par défaut » de votre cabinet" in page
    assert (
        f'<a href="/gestion/portefeuilles/{found["d"]}/composition?q={DANONE}">Voir l’entreprise dans le '
        "portefeuille «\u202fPortefeuille par défaut\u202f»</a>"
    ) in page


def test_bulk_add_from_pasted_lines_and_from_a_csv_file(admin_client):
    pid = portfolio_ids(c="CLIENTS PME")["c"]
    pasted = text(admin_client.post(f"/gestion/portefeuilles/{pid}/entreprises/plusieurs",
                                    data={"sirens": "775 695 901\n\n356000001\n"}))
    assert "Compte rendu" in pasted and ">OK partiel<" in pasted
    assert (
        "1 entreprise ajoutée sur 2 lignes." in pasted
        and "Numéro SIREN invalide (clé de contrôle)." in pasted
    )
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
    page = text(admin_client.get(f"/gestion/entreprises/{company.id}/etablissements?etat=tous"))
    assert "Choisir les établissements de l’entreprise" in page and "Tout cocher sur les" in page
    assert page.count('name="siret"') == 3 and page.count("fermé") >= 1
    unticked = {"ops": f"-{sirets[1]}", "action": "valider"}
    asked = text(admin_client.post(f"/gestion/entreprises/{company.id}/etablissements", data=unticked))
    assert "Vous désinscrivez 1 établissement" in asked and "1 habilitation</strong>" in asked
    # the confirming button says what it destroys, after « Retour au choix »
    destroy = r'<button [^>]*class="button danger primary">Désinscrire\s+1 établissement</button>'
    assert re.search(r">Retour au choix</button>\s*" + destroy, asked)
    done = admin_client.post(f"/gestion/entreprises/{company.id}/etablissements",
                             data={**unticked, "confirm": "1"}, follow_redirects=True)
    assert "1 désinscrit(s), 1 habilitation(s) supprimée(s)" in text(done)


def test_transfer_shows_consequences_then_moves_the_company(admin_client):
    found = portfolio_ids(d="Portefeuille par défaut", c="CLIENTS PME")
    with database.connection_context():
        company = Company.get(Company.siren == DANONE)
    form = text(admin_client.get(f"/gestion/entreprises/{company.id}/transfert"))
    assert "Portefeuille de destination" in form and "CLIENTS PME" in form
    plan = text(
        admin_client.post(f"/gestion/entreprises/{company.id}/transfert", data={"target": found["c"]})
    )
    assert "Conséquences du transfert vers «\u202fCLIENTS PME\u202f»" in plan
    assert "Mon Compte Formation / Élu" in plan
    assert "Aucune habilitation supprimée." in plan
    assert ">Transférer DANONE vers «\u202fCLIENTS PME\u202f»</button>" in plan  # not « Valider »
    done = admin_client.post(f"/gestion/entreprises/{company.id}/transfert",
                             data={"target": found["c"], "confirm": "1"}, follow_redirects=True)
    assert "DANONE transférée vers le portefeuille « CLIENTS PME »." in text(done)
    with database.connection_context():
        assert Company.get_by_id(company.id).portfolio_id == found["c"]


def test_remove_company_confirms_with_counts(admin_client):
    with database.connection_context():
        company = Company.get(Company.siren == DANONE)
    asked = text(admin_client.get(f"/gestion/entreprises/{company.id}/retirer"))
    assert "supprime\n    1 établissement inscrit" in asked and "1 habilitation." in asked
    done = text(admin_client.post(f"/gestion/entreprises/{company.id}/retirer", follow_redirects=True))
    assert "DANONE retirée du portefeuille « Portefeuille par défaut »" in done
    with database.connection_context():
        assert not Company.select().where(Company.id == company.id).exists()
        assert AuditEvent.select().where(AuditEvent.action == "company.remove").count() == 1


def test_refresh_without_and_with_differences(admin_client):
    with database.connection_context():
        company = Company.get(Company.siren == DANONE)
    assert "Aucune différence avec le référentiel Sirene" in text(
        admin_client.get(f"/gestion/entreprises/{company.id}/mise-a-jour")
    )
    with database.connection_context():
        from db.models import DirectoryUnit

        DirectoryUnit.update(denomination="DANONE SA").where(DirectoryUnit.siren == DANONE).execute()
    shown = text(admin_client.get(f"/gestion/entreprises/{company.id}/mise-a-jour"))
    assert "«\u202fDANONE\u202f» devient «\u202fDANONE SA\u202f»" in shown
    with database.connection_context():
        assert Company.get_by_id(company.id).name == "DANONE"  # nothing applied before Valider
    done = text(admin_client.post(f"/gestion/entreprises/{company.id}/mise-a-jour", follow_redirects=True))
    assert "DANONE SA mise à jour depuis le référentiel Sirene" in done


def test_online_source_from_the_configuration(app, admin_client):
    from tests.factories.directory import valid_siren
    from tests.sirene.fake_sirene import API_KEY, FakeSirene, establishment

    siren = valid_siren("90300000")
    fake = FakeSirene().start()
    try:
        fake.companies[siren] = [establishment(siren, "00012", "EN LIGNE SAS", siege=True)]
        app.config.update(SIRENE_API_URL=fake.url, SIRENE_API_KEY=API_KEY)
        pid = portfolio_ids(c="CLIENTS PME")["c"]
        done = admin_client.post(
            f"/gestion/portefeuilles/{pid}/entreprises", data={"siren": siren}, headers=HX
        )
        assert "EN LIGNE SAS ajoutée : 1 établissement<" in text(done)
        fake.failures[valid_siren("90400000")] = "429"
        refused = admin_client.post(f"/gestion/portefeuilles/{pid}/entreprises",
                                    data={"siren": valid_siren("90400000")}, headers=HX)
        assert refused.status_code == 422 and "Quota de l’API Sirene" in text(refused)
    finally:
        fake.stop()
