"""Composer le portefeuille at the size of a big client list: a counter that says which companies
are shown, first / previous / next / last pages, a search by raison sociale that ignores accents, and
an empty result that names the term."""
import html
import json
import re

from db.clients import portfolios
from db.database import database
from db.models import Company
from tests.factories.directory import add_fake_company, valid_siren
from tests.factories.pagination import pagination
from tests.factories.people import add_people, demo_user
from tests.factories.queries import page_queries

HX = {"HX-Request": "true"}
NB = "\u202f"


def text(response):
    return html.unescape(response.get_data(as_text=True))


def big_portfolio(companies):
    with database.connection_context():
        admin = demo_user("MOUTIN")
        portfolio = portfolios.create_portfolio(admin, "GRAND")
        for i in range(companies):
            add_fake_company(valid_siren(f"8{i:07d}"), 1 + i % 2, admin.firm, portfolio, prefix="SOCIETE")
        Company.update(name="ÉPICERIE DU MARCHÉ").where(Company.siren == valid_siren("80000007")).execute()
        return portfolio.id


def test_a_big_portfolio_pages_its_companies_with_a_counter(admin_client):
    pid = big_portfolio(120)
    page = text(admin_client.get(f"/gestion/portefeuilles/{pid}/composition?page=2"))
    assert "Entreprises 51 à 100 sur 120" in page
    assert pagination(page) == "Précédente 1 [2] 3 Suivante"
    assert page.count('<tr>\n      <td class="mono">') == 50
    assert '<nav class="pagination" aria-label="Pages des entreprises">' in page
    links = ((1, ' rel="prev"'), (1, ""), (2, ' aria-current="page"'), (3, ""), (3, ' rel="next"'))
    for target, attribute in links:
        link = re.escape(f'<a href="/gestion/portefeuilles/{pid}/composition?page={target}" hx-get=')
        assert re.search(link + f'[^>]*hx-swap="innerHTML" hx-push-url="true"{attribute}>', page), target
    last = text(admin_client.get(f"/gestion/portefeuilles/{pid}/composition?page=3", headers=HX))
    assert "<html" not in last and "Entreprises 101 à 120 sur 120" in last


def test_the_search_ignores_accents_and_an_empty_result_names_the_term(admin_client):
    pid = big_portfolio(60)
    found = text(admin_client.get(f"/gestion/portefeuilles/{pid}/composition?q=epicerie+marche", headers=HX))
    assert f"1 entreprise pour «{NB}epicerie marche{NB}»" in found and "ÉPICERIE DU MARCHÉ" in found
    by_siren = text(admin_client.get(f"/gestion/portefeuilles/{pid}/composition?q=800+000+0"))
    assert "Entreprises 1 à 50 sur" not in by_siren and f"pour «{NB}800 000 0{NB}»" in by_siren
    none = text(admin_client.get(f"/gestion/portefeuilles/{pid}/composition?q=boulangerie", headers=HX))
    assert f"Aucune entreprise du portefeuille ne correspond à «{NB}boulangerie{NB}»." in none


def test_the_declarants_dual_list_of_200_people_has_one_search_box_reading_emails(admin_client):
    with database.connection_context():
        admin = demo_user("MOUTIN")
        pid, paul = portfolios.create_portfolio(admin, "GRAND").id, demo_user("DURAND")
    url = f"/gestion/portefeuilles/{pid}/declarants"
    admin_client.get(url)
    few = page_queries(admin_client, url)
    with database.connection_context():
        add_people(admin.firm_id, 200)
    page = text(admin_client.get(url))
    assert page.count("<option value=") == 203 and page_queries(admin_client, url) == few
    assert 'data-search-label="Rechercher un déclarant (nom, prénom ou courriel)"' in page
    words = json.loads(re.search(r"data-search-words='([^']*)'", page).group(1))
    assert words[str(paul.id)] == paul.email and len(words) == 203
