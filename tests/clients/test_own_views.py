"""Gérer les déclarations / Gérer les établissements of the firm itself, in the Gestion menu as in the
guide, through the pages of client companies (the same dual list, the same establishment chooser)."""

import html
import re

from db.database import database
from db.demo import DEMO_SIRET
from db.models import Company, CompanyDeclaration, Declaration, Firm, PortfolioDeclaration

OWN = "/gestion/votre-entreprise"


def text(response):
    return " ".join(html.unescape(response.get_data(as_text=True)).split())


def own_company():
    with database.connection_context():
        return Company.get_or_none(Company.siren == DEMO_SIRET[:9])


def test_the_gestion_menu_has_the_firms_own_pages(client, auth):
    page = text(auth.login())
    assert 'href="/gestion/votre-entreprise/declarations">Gérer les déclarations</a>' in page
    assert 'href="/gestion/votre-entreprise/etablissements">Gérer les établissements</a>' in page
    assert "Gérer vos portefeuilles" in page  # a tiers déclarant
    with database.connection_context():
        Firm.update(kind="entreprise", manages_clients=False).execute()
    assert "Gérer vos portefeuilles" not in text(client.get("/menu"))  # a company alone has no portfolios


def test_a_firm_that_is_not_its_own_client_can_put_itself_back(client, auth):
    auth.login()
    page = text(client.get(f"{OWN}/declarations"))
    assert "n’est dans aucun de vos portefeuilles" in page
    assert "Ajouter votre entreprise au Portefeuille par défaut" in page
    assert "n’est dans aucun de vos portefeuilles" in text(client.get(f"{OWN}/etablissements"))
    response = client.post(f"{OWN}/ajouter", follow_redirects=True)
    assert "AG CONSEIL ajoutée : 1 établissement" in text(response)
    company = own_company()
    assert company is not None and company.portfolio.is_default


def test_gerer_les_declarations_offers_the_whole_catalogue_with_the_dual_list(client, auth):
    auth.login()
    client.post(f"{OWN}/ajouter")
    page = text(client.get(f"{OWN}/declarations"))  # one establishment: the dual list at once
    assert "<h1>Gérer les déclarations</h1>" in page and "Liste des déclarations disponibles" in page
    with database.connection_context():
        catalogue = Declaration.select().where(Declaration.is_active).count()
        soltea = Declaration.get(Declaration.code == "SOLTEA_EMPLOYEURS")
    assert len(re.findall(r"<option value=\"\d+\"", page)) == catalogue
    chosen = re.findall(r'<option value="(\d+)" selected>', page)
    response = client.post(f"{OWN}/declarations", data={"declarations": [*chosen, str(soltea.id)]})
    assert response.status_code == 302 and response.location == f"{OWN}/declarations"
    company = own_company()
    with database.connection_context():
        assert (
            CompanyDeclaration.select()
            .where((CompanyDeclaration.company == company.id) & (CompanyDeclaration.declaration == soltea.id))
            .exists()
        )
        assert (
            PortfolioDeclaration.select()
            .where(
                (PortfolioDeclaration.portfolio == company.portfolio_id)
                & (PortfolioDeclaration.declaration == soltea.id)
            )
            .exists()
        )
    page = text(client.get(f"{OWN}/declarations?etablissements=1"))
    assert "<h1>Gestion des déclarations</h1>" in page and "Choix des déclarations" in page
    assert (
        'href="/gestion/votre-entreprise/declarations/entreprise">Gérer les déclarations de l’entreprise'
        in page
    )


def test_gerer_les_etablissements_is_the_establishment_chooser(client, auth):
    auth.login()
    client.post(f"{OWN}/ajouter")
    page = text(client.get(f"{OWN}/etablissements"))
    assert "<h1>Choisir les établissements de l’entreprise</h1>" in page and "AG CONSEIL" in page
    assert f'value="{DEMO_SIRET}"' in page
    response = client.post(f"{OWN}/etablissements", data={"ops": "*0 tous", "action": "valider"})  # all off
    assert response.status_code == 422 and "Gardez au moins un établissement" in text(response)
