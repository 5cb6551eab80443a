"""Gérer les déclarations (portfolio, company, establishment) through the Flask test client."""
import re

import pytest

from db.database import database
from db.models import (
    AuditEvent,
    Company,
    CompanyDeclaration,
    Establishment,
    EstablishmentDeclaration,
    Habilitation,
    PortfolioDeclaration,
)
from tests.factories.declarations import declaration, selected_codes

SOLTEA = ("SOLTéA – Employeurs - Répartir le solde de la taxe d’apprentissage aux formations et "
          "établissements habilités")
SEED_TEXT = ("Sélectionnez les déclarations pouvant être transmises par les déclarants pour le portefeuille "
             "en les basculant dans «\u202fles déclarations sélectionnées\u202f» à l’aide des flèches de "
             "navigation ou en effectuant un glissé.")


def url(kind, ident):
    return {
        "portfolio": f"/gestion/portefeuilles/{ident}/declarations",
        "company": f"/gestion/entreprises/{ident}/declarations",
        "establishment": f"/gestion/etablissements/{ident}/declarations",
        "establishments": f"/gestion/entreprises/{ident}/declarations/etablissements",
    }[kind]


def ids(*codes):
    with database.connection_context():
        return [str(declaration(c).id) for c in codes]


def portfolio_codes(world):
    with database.connection_context():
        return selected_codes(PortfolioDeclaration, PortfolioDeclaration.portfolio, world.portfolio)


def text(response):
    return response.get_data(as_text=True)


def selected_options(html):
    """Labels of the options the dual list's <select> has selected."""
    return re.findall(r'<option value="\d+" selected>([^<]+)</option>', html.replace("&#39;", "'"))


def gestion_pages(world):
    return [url("portfolio", world.portfolio), url("company", world.company),
            url("establishment", world.establishment), url("establishments", world.company)]


def test_portfolio_page_shows_the_seed_dual_list(client, auth, world):
    auth.login()
    html = text(client.get(url("portfolio", world.portfolio))).replace("&#39;", "'")
    assert "<h1>Gérer les déclarations du portefeuille</h1>" in html
    assert "Portefeuille par défaut" in html
    assert SEED_TEXT in html
    assert 'data-available-label="Liste des déclarations disponibles"' in html
    assert 'data-selected-label="Liste des déclarations sélectionnées"' in html
    assert SOLTEA in html
    assert selected_options(html) == [
        "DPAE - Déclaration préalable à l’embauche",
        "DSN - Déclaration sociale nominative",
    ]
    assert ">Annuler</a>" in html and ">Valider</button>" in html


def test_adding_soltea_applies_it_and_says_so(client, auth, world):
    auth.login()
    response = client.post(
        url("portfolio", world.portfolio),
        data={"declarations": ids("DSN", "DPAE", "SOLTEA_EMPLOYEURS")},
        follow_redirects=True,
    )
    html = text(response).replace("&#39;", "'")
    assert response.status_code == 200 and response.request.path == url("portfolio", world.portfolio)
    assert "Les déclarations ont été enregistrées : 1 ajoutée." in html
    assert SOLTEA in selected_options(html)
    with database.connection_context():
        establishments = Establishment.select().join_from(Establishment, EstablishmentDeclaration).where(
            EstablishmentDeclaration.declaration == declaration("SOLTEA_EMPLOYEURS").id)
        assert establishments.count() > 0
        assert AuditEvent.select().where(AuditEvent.action == "declaration.select").count() == 1


def test_removal_asks_for_confirmation_with_the_count_then_applies(client, auth, world):
    auth.login()
    with database.connection_context():
        held = Habilitation.select().join(Establishment).join(Company).where(
            (Company.portfolio == world.portfolio) & (Habilitation.declaration == declaration("DSN").id)
        ).count()
        before = Habilitation.select().count()
    assert held > 1
    response = client.post(url("portfolio", world.portfolio), data={"declarations": ids("DPAE")})
    html = text(response)
    assert response.status_code == 200
    assert "Confirmer le retrait de déclarations" in html
    assert re.search(rf"{held} habilitations de 1 déclarant\s+seront supprimées", html), html
    assert portfolio_codes(world) == ["DPAE", "DSN"]  # nothing changed yet
    assert 'name="confirm" value="1"' in html
    assert f'href="{url("portfolio", world.portfolio)}">Annuler</a>' in html
    assert '<button type="submit" class="button danger">Retirer 1 déclaration</button>' in html
    response = client.post(
        url("portfolio", world.portfolio),
        data={"declarations": ids("DPAE"), "confirm": "1"},
        follow_redirects=True,
    )
    assert "1 retirée" in text(response) and "habilitations supprimées" in text(response)
    assert portfolio_codes(world) == ["DPAE"]
    with database.connection_context():
        assert Habilitation.select().count() == before - held


def test_cancel_leaves_everything_as_it_was(client, auth, world):
    auth.login()
    client.post(url("portfolio", world.portfolio), data={"declarations": []})
    response = client.get(url("portfolio", world.portfolio))  # what "Annuler" leads to
    assert selected_options(text(response).replace("&#39;", "'")) == [
        "DPAE - Déclaration préalable à l’embauche", "DSN - Déclaration sociale nominative"]
    assert portfolio_codes(world) == ["DPAE", "DSN"]


def test_company_page_offers_the_portfolio_declarations_only(client, auth, world):
    auth.login()
    html = text(client.get(url("company", world.company))).replace("&#39;", "'")
    assert "<h1>Gérer les déclarations de l’entreprise</h1>" in html
    assert "Nom de l’entreprise : <strong>DANONE - 552 032 534</strong>" in html
    assert "SOLTéA" not in html
    assert "Choix des déclarations par établissement" in html
    response = client.post(
        url("company", world.company), data={"declarations": ids("DSN", "DPAE", "SOLTEA_EMPLOYEURS")}
    )
    assert response.status_code == 422
    assert "« SOLTéA – Employeurs » n’est pas proposée à ce niveau" in text(response).replace("&#39;", "'")
    with database.connection_context():
        assert selected_codes(CompanyDeclaration, CompanyDeclaration.company, world.company) == [
            "DPAE",
            "DSN",
        ]


def test_company_establishments_page_and_establishment_choice(client, auth, world):
    auth.login()
    html = text(client.get(url("establishments", world.company))).replace("&#39;", "'")
    assert "<h1>Gestion des déclarations</h1>" in html
    assert "Nom de l’entreprise : <strong>DANONE - 552 032 534</strong>" in html
    assert html.count(">Choix des déclarations</a>") >= 1
    assert url("establishment", world.establishment) in html
    page = text(client.get(url("establishment", world.establishment))).replace("&#39;", "'")
    assert "<h1>Choix des déclarations</h1>" in page
    assert f'href="/gestion/portefeuilles/{world.portfolio}/composition">Composer le portefeuille</a>' in page
    assert f'href="{url("establishments", world.company)}">Gestion des déclarations</a>' in page
    assert "\u202f".join((world.siret[:3], world.siret[3:6], world.siret[6:9], world.siret[9:])) in page
    response = client.post(
        url("establishment", world.establishment),
        data={"declarations": ids("DPAE"), "confirm": "1"},
        follow_redirects=True,
    )
    assert "1 retirée" in text(response)
    with database.connection_context():
        assert selected_codes(EstablishmentDeclaration, EstablishmentDeclaration.establishment,
                              world.establishment) == ["DPAE"]
        assert selected_codes(CompanyDeclaration, CompanyDeclaration.company, world.company) == [
            "DPAE",
            "DSN",
        ]


def test_establishment_search_is_an_htmx_fragment_that_varies(client, auth, world):
    auth.login()
    response = client.get(
        url("establishments", world.company) + f"?q={world.siret}", headers={"HX-Request": "true"}
    )
    html = text(response)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert html.lstrip().startswith('<div id="etablissements"') and "<html" not in html
    assert "1 établissement pour" in html
    full = text(client.get(url("establishments", world.company) + f"?q={world.siret}"))
    assert "<html" in full and "1 établissement pour" in full


def test_a_declarant_gets_403_with_the_reason_on_every_gestion_page(client, auth, world):
    auth.login_declarant()
    for page in gestion_pages(world):
        response = client.get(page)
        assert response.status_code == 403, page
        assert "réservée aux administrateurs" in text(response)
    for page in gestion_pages(world)[:3]:
        assert client.post(page, data={"declarations": [], "confirm": "1"}).status_code == 403
    assert portfolio_codes(world) == ["DPAE", "DSN"]


def test_anonymous_people_are_sent_to_the_login_page(client, world):
    for page in gestion_pages(world):
        response = client.get(page)
        assert response.status_code == 302 and "/connexion" in response.headers["Location"]


@pytest.mark.parametrize("kind, attr", [
    ("portfolio", "foreign_portfolio"), ("company", "foreign_company"),
    ("establishment", "foreign_establishment"), ("establishments", "foreign_company"),
])
def test_another_firm_ids_are_404(client, auth, world, kind, attr):
    auth.login()
    assert client.get(url(kind, getattr(world, attr))).status_code == 404
    if kind != "establishments":
        assert (
            client.post(
                url(kind, getattr(world, attr)), data={"declarations": [], "confirm": "1"}
            ).status_code
            == 404
        )
    with database.connection_context():
        assert EstablishmentDeclaration.select().where(
            EstablishmentDeclaration.establishment == world.foreign_establishment).count() == 1


@pytest.mark.parametrize("posted", [["999999"], ["DSN"], ["1 OR 1=1"]])
def test_posted_ids_outside_the_catalogue_are_refused(client, auth, world, posted):
    auth.login()
    response = client.post(url("portfolio", world.portfolio), data={"declarations": posted, "confirm": "1"})
    assert response.status_code == 404
    assert portfolio_codes(world) == ["DPAE", "DSN"]


def test_a_post_without_the_csrf_token_is_refused(client, auth, world):
    auth.login()
    response = client.post(
        url("portfolio", world.portfolio), data={"declarations": [], "confirm": "1"}, with_csrf=False
    )
    assert response.status_code == 400
    assert portfolio_codes(world) == ["DPAE", "DSN"]


def test_nothing_changed_says_so(client, auth, world):
    auth.login()
    response = client.post(url("portfolio", world.portfolio), data={"declarations": ids("DSN", "DPAE")},
                           follow_redirects=True)
    assert "Aucune modification : la sélection est inchangée." in text(response)
