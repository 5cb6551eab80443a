"""Journeys of "Gérer vos portefeuilles" in Chromium, as the net-entreprises guide shows them:
create the portfolio CLIENTS with a déclarant through the dual list, add a multi-establishment
company by its SIREN (the list updates in place), transfer it, print the récapitulatif."""
import re

from playwright.sync_api import expect


def open_portfolios(page):
    page.get_by_role("navigation", name="Menu personnalisé").get_by_role(
        "link", name="Gérer vos portefeuilles"
    ).click()
    expect(page.get_by_role("heading", name="Vos portefeuilles", level=1)).to_be_visible()


def create_clients(page):
    open_portfolios(page)
    page.get_by_role("link", name="+ Ajouter un portefeuille").click()
    expect(page.get_by_role("heading", name="Ajout de portefeuille")).to_be_visible()
    page.get_by_label("Nom du portefeuille").fill("CLIENTS")
    available = page.get_by_role("listbox", name="Déclarants disponibles")
    available.get_by_role("option", name="DURAND Paul (déclarant)").click()
    page.get_by_role("button", name="Choisir", exact=True).click()
    expect(page.get_by_role("listbox", name="Déclarants sélectionnés").get_by_role("option")).to_have_text(
        ["DURAND Paul (déclarant)"])
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("status")).to_contain_text("Portefeuille « CLIENTS » créé.")


def test_create_clients_with_a_declarant_then_add_aubade_paris(page, live_server, login):
    login()
    create_clients(page)
    row = page.get_by_role("row", name=re.compile(r"^CLIENTS 0 0"))
    expect(row).to_be_visible()
    row.get_by_role("link", name="Gérer les déclarants du portefeuille « CLIENTS »").click()
    expect(page.get_by_role("listbox", name="Déclarants sélectionnés").get_by_role("option")).to_have_text(
        ["DURAND Paul (déclarant)"])
    page.get_by_role("link", name="Annuler").click()

    page.get_by_role("link", name="Composer le portefeuille « CLIENTS »").click()
    expect(page.get_by_role("heading", name="Composition du portefeuille")).to_be_visible()
    expect(page.get_by_role("cell", name="La liste est vide")).to_be_visible()
    siren = page.get_by_label("SIREN", exact=True)
    siren.fill("775 695 902")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("Numéro SIREN invalide (clé de contrôle).")).to_be_visible()
    expect(page.get_by_label("SIREN", exact=True)).to_have_attribute("aria-invalid", "true")

    page.get_by_label("SIREN", exact=True).fill("775 695 901")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("status")).to_have_text("AUBADE PARIS ajoutée : 2 établissements")
    company = page.get_by_role("row", name=re.compile("AUBADE PARIS"))
    expect(company).to_contain_text("775 695 901")
    expect(company.get_by_role("cell", name="Multi-établissement")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/composition$"))  # updated in place, no reload


def test_la_poste_comes_with_its_1282_establishments(page, live_server, login):
    login()
    open_portfolios(page)
    page.get_by_role("link", name="Composer le portefeuille « CLIENTS PME »").click()
    page.get_by_text("+ Ajouter une entreprise").click()
    page.get_by_label("SIREN", exact=True).fill("356000000")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("status")).to_have_text("LA POSTE ajoutée : 1\u202f282 établissements")
    expect(page.get_by_role("row", name=re.compile("LA POSTE"))).to_contain_text("1\u202f282")

    page.get_by_label("SIREN", exact=True).fill("552032534")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("est déjà dans le portefeuille « Portefeuille par défaut »")).to_be_visible()
    page.get_by_role(
        "link", name="Voir l’entreprise dans le portefeuille « Portefeuille par défaut »"
    ).click()
    expect(page.get_by_role("row", name=re.compile("DANONE"))).to_be_visible()


def test_transfer_aubade_paris_to_another_portfolio(page, live_server, login):
    login()
    create_clients(page)
    page.get_by_role("link", name="Composer le portefeuille « CLIENTS »").click()
    page.get_by_label("SIREN", exact=True).fill("775695901")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("status")).to_have_text("AUBADE PARIS ajoutée : 2 établissements")

    page.get_by_role("link", name="Transférer l’entreprise « AUBADE PARIS »").click()
    expect(page.get_by_role("heading", name="Transférer l’entreprise")).to_be_visible()
    page.get_by_label("Portefeuille de destination").select_option(label="CLIENTS PME")
    page.get_by_role("button", name="Valider").click()
    consequences = page.get_by_role("region", name="Conséquences du transfert vers « CLIENTS PME »")
    expect(consequences).to_contain_text("DSN, DPAE, Mon Compte Formation / Élu")
    expect(consequences).to_contain_text("Aucune habilitation supprimée.")
    page.get_by_role("button", name="Transférer AUBADE PARIS vers « CLIENTS PME »").click()
    expect(page.get_by_role("status")).to_have_text(
        "AUBADE PARIS transférée vers le portefeuille « CLIENTS PME »."
    )
    expect(page.get_by_text("Nom du portefeuille : CLIENTS PME")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("AUBADE PARIS"))).to_contain_text("Multi-établissement")


def test_print_the_recap(page, live_server, login):
    page.add_init_script("window.print = function () { window.__printed = (window.__printed || 0) + 1; };")
    login()
    open_portfolios(page)
    page.get_by_role("main").get_by_role("link", name="Consulter le récapitulatif", exact=True).click()
    expect(page.get_by_role("heading", name="Récapitulatif du cabinet")).to_be_visible()
    expect(page.get_by_role("region", name="Portefeuille « CLIENTS PME »")).to_contain_text("ESSOR ENERGIES")
    button = page.get_by_role("button", name="Imprimer le récapitulatif")
    expect(button).to_be_visible()
    assert page.evaluate("window.__printed || 0") == 0
    button.click()
    # A function, not a bare expression: Playwright evaluates it once when the wait begins, whereas a bare
    # expression is eval()'d again on every later animation frame, which the page's CSP (no 'unsafe-eval')
    # refuses as soon as print() has not yet run at the first check.
    page.wait_for_function("() => window.__printed === 1")

    page.emulate_media(media="print")
    expect(button).to_be_hidden()
    expect(page.get_by_role("navigation", name="Menu personnalisé")).to_be_hidden()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_hidden()
    table = page.get_by_role("table").first
    expect(table).to_be_visible()
    header_group = table.locator("thead").evaluate("el => getComputedStyle(el).display")
    assert header_group == "table-header-group"  # repeated on every printed page
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")

    page.emulate_media(media="screen")
    open_portfolios(page)
    page.get_by_role("main").get_by_role("link", name="Imprimer le récapitulatif", exact=True).click()
    expect(page.get_by_role("heading", name="Récapitulatif du cabinet")).to_be_visible()
    page.wait_for_function("() => window.__printed === 1")  # the print dialog opens by itself


def test_untick_an_establishment_after_a_confirmation_counting_habilitations(page, live_server, login):
    login()
    open_portfolios(page)
    page.get_by_role("link", name="Composer le portefeuille « Portefeuille par défaut »").click()
    page.get_by_role(
        "link", name="Choisir les établissements de l’entreprise « FINANCIERE GANYMEDE »"
    ).click()
    heading = page.get_by_role("heading", name=re.compile("Choisir les établissements de l.entreprise"))
    expect(heading).to_be_visible()
    boxes = page.get_by_role("checkbox", name=re.compile("^Inscrire "))
    expect(boxes).to_have_count(2)  # both active establishments, registered; the closed one hidden
    expect(page.get_by_role("checkbox", name=re.compile("^Inscrire "), checked=True)).to_have_count(2)
    boxes.nth(1).uncheck()
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Vous désinscrivez 1 établissement : 1 habilitation sera supprimée."
    )
    page.get_by_role("button", name="Désinscrire 1 établissement").click()
    expect(page.get_by_role("status")).to_have_text(
        "Établissements enregistrés : 0 inscrit(s), 1 désinscrit(s), 1 habilitation(s) supprimée(s).")
    expect(page.get_by_role("checkbox", name=re.compile("^Inscrire "), checked=True)).to_have_count(1)
