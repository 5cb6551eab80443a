"""A big portfolio stays usable: CLIENTS PME with 60 more companies pages them with a counter and finds
one by its name typed without accents; its déclarants dual list, among 200 people, is filtered by one
search box and operated from the keyboard."""
import re

from playwright.sync_api import expect

from e2e.seeding import seed

GROW = """
from db.models import Firm, Portfolio
from tests.factories.directory import add_fake_company, valid_siren
from tests.factories.people import add_people
portfolio = Portfolio.get(Portfolio.name == "CLIENTS PME")
firm = Firm.get_by_id(portfolio.firm_id)
for i in range(60):
    add_fake_company(valid_siren(f"8{i:07d}"), 1, firm, portfolio, prefix="SOCIÉTÉ")
add_people(firm.id, 200)
"""


def test_page_and_search_the_companies_then_filter_the_declarants(page, live_server, login):
    seed(live_server, GROW)
    login()
    page.get_by_role("navigation", name="Menu personnalisé").get_by_role(
        "link", name="Gérer vos portefeuilles").click()
    page.get_by_role("link", name="Composer le portefeuille « CLIENTS PME »").click()
    counter = page.locator("#companies-count")
    expect(counter).to_have_text("Entreprises 1 à 50 sur 63")
    pages = page.get_by_role("navigation", name="Pages des entreprises")
    pages.get_by_role("link", name="Page suivante").click()
    expect(counter).to_have_text("Entreprises 51 à 63 sur 63")
    expect(page).to_have_url(re.compile(r"page=2"))

    page.get_by_label("Rechercher (SIREN ou raison sociale)").fill("essor energies")
    expect(counter).to_have_text("1 entreprise pour « essor energies »")
    expect(page.get_by_role("row", name=re.compile("ESSOR ENERGIES"))).to_be_visible()
    page.get_by_label("Rechercher (SIREN ou raison sociale)").fill("societe 800")
    expect(counter).to_contain_text("pour « societe 800 »")
    expect(page.get_by_role("row", name=re.compile("SOCIÉTÉ 8"))).not_to_have_count(0)

    page.get_by_role("link", name="Retour").click()
    page.get_by_role("link", name="Gérer les déclarants du portefeuille « CLIENTS PME »").click()
    available = page.get_by_role("listbox", name="Déclarants disponibles")
    chosen = page.get_by_role("listbox", name="Déclarants sélectionnés")
    expect(available.get_by_role("option")).to_have_count(200)
    search = page.get_by_label("Rechercher un déclarant (nom, prénom ou courriel)")
    search.fill("p17")  # an e-mail: p17@x.fr, and p170@… to p179@…
    expect(available.get_by_role("option")).to_have_count(11)
    expect(chosen.get_by_role("option", name=re.compile("DURAND"))).to_be_hidden()
    search.fill("nom017")
    expect(available.get_by_role("option")).to_have_text(["NOM017 P (déclarant)"])
    search.press("ArrowDown")
    expect(available).to_be_focused()
    available.press("Enter")
    expect(chosen.get_by_role("option")).to_have_text(["NOM017 P (déclarant)"])
    search.fill("")
    expect(chosen.get_by_role("option")).to_have_count(4)
    expect(available.get_by_role("option")).to_have_count(199)
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Déclarants du portefeuille « CLIENTS PME » enregistrés.")
