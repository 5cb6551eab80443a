"""Journeys of "Gérer les déclarations du portefeuille", following the net-entreprises guide:
the demo administrator moves "SOLTéA – Employeurs" into the selected list and validates."""
import re

from playwright.sync_api import expect

SOLTEA_EMPLOYEURS = re.compile(r"^SOLTéA – Employeurs - Répartir le solde")
SOLTEA_ETABLISSEMENTS = re.compile(r"^SOLTéA – Établissements - Recevoir des fonds")
DPAE = re.compile(r"^DPAE - ")


def open_portfolio_declarations(page):
    page.get_by_role("navigation", name="Menu personnalisé").get_by_role(
        "link", name="Gérer vos portefeuilles"
    ).click()
    page.get_by_role(
        "link", name="Gérer les déclarations du portefeuille « Portefeuille par défaut »"
    ).click()
    expect(
        page.get_by_role("heading", name="Gérer les déclarations du portefeuille", level=1)
    ).to_be_visible()
    expect(
        page.get_by_text("Sélectionnez les déclarations pouvant être transmises par les déclarants")
    ).to_be_visible()
    widget_ready(page)


def widget_ready(page):
    """Before dual_list.js runs, the plain <select> is itself a listbox with the same name."""
    expect(page.get_by_role("button", name="Tout retirer")).to_be_visible()


def available(page):
    return page.get_by_role("listbox", name="Liste des déclarations disponibles")


def chosen(page):
    return page.get_by_role("listbox", name="Liste des déclarations sélectionnées")


def test_admin_selects_soltea_with_the_buttons_and_the_keyboard_then_validates(page, live_server, login):
    login()
    open_portfolio_declarations(page)
    expect(chosen(page).get_by_role("option")).to_have_count(2)  # DPAE and DSN

    # The arrows of the guide: filter, select "SOLTéA – Employeurs" and press "Choisir".
    page.get_by_label("Filtrer : Liste des déclarations disponibles").fill("soltea")
    expect(available(page).get_by_role("option")).to_have_count(2)
    available(page).get_by_role("option", name=SOLTEA_EMPLOYEURS).click()
    page.get_by_role("button", name="Choisir", exact=True).click()
    expect(chosen(page).get_by_role("option", name=SOLTEA_EMPLOYEURS)).to_be_visible()

    # The keyboard: from the filter, arrow down into the list, Enter moves "SOLTéA – Établissements".
    page.get_by_label("Filtrer : Liste des déclarations disponibles").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(chosen(page).get_by_role("option", name=SOLTEA_ETABLISSEMENTS)).to_be_visible()
    expect(available(page).get_by_role("option")).to_have_count(0)

    page.get_by_role("button", name="Valider").click()
    expect(page.locator("#messages")).to_have_text("Les déclarations ont été enregistrées : 2 ajoutées.")
    widget_ready(page)
    expect(chosen(page).get_by_role("option", name=SOLTEA_EMPLOYEURS)).to_be_visible()
    expect(chosen(page).get_by_role("option", name=SOLTEA_ETABLISSEMENTS)).to_be_visible()
    expect(chosen(page).get_by_role("option")).to_have_count(4)


def test_removing_a_declaration_asks_first_and_annuler_keeps_it(page, live_server, login):
    login()
    open_portfolio_declarations(page)
    chosen(page).get_by_role("option", name=DPAE).dblclick()
    expect(available(page).get_by_role("option", name=DPAE)).to_be_visible()
    page.get_by_role("button", name="Valider").click()

    expect(page.get_by_role("heading", name="Confirmer le retrait de déclarations")).to_be_visible()
    expect(page.get_by_text("Aucune habilitation n’en dépend")).to_be_visible()
    page.get_by_role("link", name="Annuler").click()
    widget_ready(page)
    expect(chosen(page).get_by_role("option", name=DPAE)).to_be_visible()

    # Removing DSN takes Paul Durand's habilitations with it: the page says how many, Valider applies.
    chosen(page).get_by_role("option", name=re.compile(r"^DSN - ")).dblclick()
    page.get_by_role("button", name="Valider").click()
    expect(
        page.get_by_text(re.compile(r"\d+ habilitations de 1 déclarant seront supprimées"))
    ).to_be_visible()
    page.get_by_role("button", name="Retirer 1 déclaration").click()
    expect(page.locator("#messages")).to_contain_text("1 retirée")
    widget_ready(page)
    expect(chosen(page).get_by_role("option")).to_have_text([DPAE])


def test_company_establishment_choice_from_the_company_page(page, live_server, login):
    login()
    page.goto(live_server.url("/gestion/portefeuilles"))
    page.get_by_role("link", name="Composer le portefeuille « Portefeuille par défaut »").click()
    page.get_by_role("link", name=re.compile(r"^Gérer les déclarations de l’entreprise « DANONE »")).click()
    expect(page.get_by_text("Nom de l’entreprise : DANONE - 552 032 534")).to_be_visible()
    page.get_by_role("link", name="Choix des déclarations par établissement").click()
    expect(page.get_by_role("heading", name="Gestion des déclarations", level=1)).to_be_visible()
    page.get_by_role(
        "link", name=re.compile(r"^Choix des déclarations de l’établissement 552 032 534")
    ).first.click()
    expect(page.get_by_role("heading", name="Choix des déclarations", level=1)).to_be_visible()
    widget_ready(page)
    # An establishment chooses among its company's declarations only.
    expect(available(page).get_by_role("option")).to_have_count(0)
    expect(chosen(page).get_by_role("option")).to_have_count(2)


def test_declarant_opens_his_tile_and_searches_an_establishment(page, live_server, login):
    login(nom="DURAND", prenom="Paul")
    expect(page.get_by_role("heading", name="Vos déclarations", level=1)).to_be_visible()
    expect(page.get_by_text("Accessible", exact=True)).to_be_visible()
    page.get_by_role("link", name="DSN", exact=True).click()
    expect(page.get_by_role("heading", name="DSN", level=1)).to_be_visible()
    expect(page.get_by_text("6 établissements")).to_be_visible()
    page.get_by_label("SIRET, enseigne, adresse, code postal, ville ou raison sociale").fill("danone")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_text("1 établissement pour « danone »")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/declarations/DSN\?q=danone$"))
    expect(page.get_by_role("cell", name="552 032 534 00703")).to_be_visible()
    page.reload()  # the address bar holds the search: a reload shows the same result
    expect(page.get_by_text("1 établissement pour « danone »")).to_be_visible()
