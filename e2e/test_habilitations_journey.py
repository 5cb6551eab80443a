"""Journeys of "Gérer les habilitations" in « Vue liste », following the net-entreprises guide: the demo
administrator selects "SOLTéA – Employeurs" for a portfolio, searches the habilitations, ticks
Déclarer for a déclarant, validates; the déclarant then sees the tile "SOLTéA – Employeurs",
accessible within 24 hours. A second journey keeps ticks across pages, with the keyboard,
"Tout (dé)cocher" and "Annuler"."""
import re

from playwright.sync_api import expect

from db.database import database, init_database
from db.models import Portfolio, User

SOLTEA = re.compile(r"^SOLTéA – Employeurs - Répartir le solde")
PAUL_SOLTEA = "Déclarer SOLTéA – Employeurs pour 552 032 534 00703 – DURAND Paul"


def menu(page, label):
    page.get_by_role("navigation", name="Menu personnalisé").get_by_role("link", name=label).click()


def select_soltea_for_the_default_portfolio(page):
    """"Gérer les déclarations du portefeuille": move SOLTéA – Employeurs to the selected list."""
    menu(page, "Gérer vos portefeuilles")
    page.get_by_role(
        "link", name="Gérer les déclarations du portefeuille « Portefeuille par défaut »"
    ).click()
    expect(page.get_by_role("button", name="Tout retirer")).to_be_visible()  # the dual list is ready
    page.get_by_label("Filtrer : Liste des déclarations disponibles").fill("soltea")
    page.get_by_role("listbox", name="Liste des déclarations disponibles").get_by_role(
        "option", name=SOLTEA
    ).click()
    page.get_by_role("button", name="Choisir", exact=True).click()
    page.get_by_role("button", name="Valider").click()
    expect(page.locator("#messages")).to_have_text("Les déclarations ont été enregistrées : 1 ajoutée.")


def test_admin_grants_soltea_and_the_declarant_sees_its_tile(page, live_server, login):
    login()
    select_soltea_for_the_default_portfolio(page)

    menu(page, "Gérer les habilitations")
    expect(page.get_by_role("heading", name="Gérer les habilitations", level=1)).to_be_visible()
    page.get_by_role("link", name="Vue liste").click()  # the guide's list, one click from the grid
    page.get_by_label("Déclarants").select_option(label="DURAND Paul")
    page.get_by_label("Service").select_option(label="SOLTéA – Employeurs")
    page.get_by_role("button", name="Rechercher").click()
    expect(page).to_have_url(re.compile(r"declarant=\d+.*service=\d+"))  # the criteria live in the URL
    grid = page.locator("#habilitations-grid")
    expect(grid.locator("caption")).to_contain_text("page 1 sur 1")

    box = page.get_by_label(PAUL_SOLTEA)
    expect(box).not_to_be_checked()
    box.check()
    pending = page.locator("#habilitations-pending")
    expect(pending).to_contain_text("1 habilitation ajoutée en attente")
    row = grid.locator("tr", has=box)
    expect(row.get_by_text("Accessible sous 24 heures")).to_be_visible()

    page.get_by_role("button", name="Valider").click()
    expect(page.locator("#messages")).to_contain_text(
        "Habilitations enregistrées : 1 habilitation ajoutée, utilisables à partir du ")
    expect(page.get_by_label(PAUL_SOLTEA)).to_be_checked()
    expect(grid.locator("tr", has=page.get_by_label(PAUL_SOLTEA)).get_by_text(
        re.compile(r"^accessible le \d\d/\d\d/\d{4} à \d{1,2}\u202fh\u202f\d\d$"))).to_be_visible()
    expect(pending).to_contain_text("Aucune modification en attente.")

    page.get_by_role("button", name="Se déconnecter").click()
    login(nom="DURAND", prenom="Paul")
    expect(page.get_by_role("heading", name="Vos déclarations", level=1)).to_be_visible()
    tile = page.locator(".tile").filter(has=page.get_by_role("heading", name="SOLTéA – Employeurs"))
    expect(tile).to_contain_text("Répartir le solde de la taxe d’apprentissage")
    expect(tile).to_contain_text("Accessible sous 24 heures")


def _add_company(live_server, establishments):
    """A client of the default portfolio with many establishments (DSN and DPAE selected)."""
    from tests.factories.clients import make_company

    init_database(f"sqlite:///{live_server.database_path}")
    with database.connection_context():
        admin = User.get(User.nom == "MOUTIN")
        portfolio = Portfolio.get((Portfolio.firm == admin.firm_id) & Portfolio.is_default)
        company = make_company(admin.firm, portfolio, "100000001", establishments, name="GRANDE SOCIETE")
        return company.id


def test_pending_ticks_follow_the_pages_until_valider(page, live_server, login):
    company = _add_company(live_server, 30)  # 30 establishments × (DSN, DPAE) × 3 people: 180 rows
    login()
    page.goto(live_server.url(f"/gestion/habilitations/liste?company={company}&per_page=50"))
    grid = page.locator("#habilitations-grid")
    pending = page.locator("#habilitations-pending")
    expect(grid.locator("caption")).to_contain_text("180 lignes")

    # The keyboard: Tab to a box, Space ticks it; the count follows.
    sophie = page.get_by_label("Déclarer DPAE pour 100 000 001 00001 – LEROY Sophie")
    sophie.focus()
    page.keyboard.press("Space")
    expect(sophie).to_be_checked()
    expect(sophie).to_be_focused()
    expect(pending).to_contain_text("1 habilitation ajoutée en attente")

    # htmx brings page 2 (the address follows); "Tout (dé)cocher" covers every page.
    page.get_by_role("link", name="Page suivante").click()
    expect(grid.locator("caption")).to_contain_text("page 2 sur 4")
    expect(page).to_have_url(re.compile(r"page=2"))
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Tout (dé)cocher Déclarer").click()
    expect(pending).to_contain_text(
        "« Tout (dé)cocher » Déclarer : 180 cases changent sur l’ensemble des résultats"
    )
    expect(pending).to_contain_text("180 habilitations ajoutées en attente")
    assert "agit sur les 180 lignes des résultats, toutes les pages comprises" in questions[0]
    expect(grid.locator("input[data-column=d]:checked")).to_have_count(50)

    page.get_by_role("link", name="Page précédente").click()
    expect(grid.locator("caption")).to_contain_text("page 1 sur 4")
    expect(sophie).to_be_checked()
    page.get_by_label("Déclarer DSN pour 100 000 001 00001 – DURAND Paul").uncheck()
    expect(pending).to_contain_text("179 habilitations ajoutées en attente")
    pending.get_by_text("Voir la liste des modifications en attente").click()
    expect(pending.get_by_text("100 000 001 00001 – DPAE – LEROY Sophie : Déclarer ajouté")).to_be_visible()

    # Annuler drops everything: nothing was written.
    page.get_by_role("link", name="Annuler").click()
    expect(pending).to_contain_text("Aucune modification en attente.")
    expect(grid.locator("input[data-column=d]:checked")).to_have_count(0)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Tout (dé)cocher Payer").click()
    expect(pending).to_contain_text("90 habilitations ajoutées en attente")  # DSN only carries Payer
    page.get_by_role("button", name="Valider").click()
    expect(page.locator("#messages")).to_contain_text(
        "Habilitations enregistrées : 90 habilitations ajoutées, utilisables à partir du ")
    expect(grid.locator("input[data-column=p]:checked")).to_have_count(26)  # the DSN rows among the first 50


def _next_friday():
    """The coming Friday in Paris (a week later when today is one), as jj/mm/aaaa and as tiles say it."""
    import datetime

    from db import clock

    today = clock.to_paris(clock.now()).date()
    friday = today + datetime.timedelta(days=(4 - today.weekday()) % 7 or 7)
    return friday.strftime("%d/%m/%Y"), clock.until_long_fr(
        clock.paris_day_start(friday + datetime.timedelta(days=1)))


def test_a_trainee_until_friday_then_the_review_and_the_coverage(page, live_server, login):
    """Issue 13: Déclarer DSN for LEROY Sophie on one company until next Friday; the end on the grid,
    the review of her rights, the company's coverage (her right is not usable yet), her tile."""
    from db.models import Company, Declaration

    init_database(f"sqlite:///{live_server.database_path}")
    with database.connection_context():
        company = Company.get(Company.siren == "487444697").id
        sophie = User.get(User.nom == "LEROY").id
        dsn = Declaration.get(Declaration.code == "DSN").id
    friday, friday_long = _next_friday()
    login()
    page.goto(live_server.url(f"/gestion/habilitations?search=1&company={company}&declarant={sophie}"
                              f"&service={dsn}"))
    page.get_by_label(re.compile(r"^Déclarer DSN\s:\s\d{3}")).check()  # the company's one establishment
    page.get_by_label("Jusqu’au (facultatif)").fill(friday)
    page.get_by_role("button", name="Valider").click()
    expect(page.locator("#messages")).to_contain_text("Habilitations enregistrées : ")
    expect(page.locator(".until-mark").first).to_have_text(f"jusqu’au {friday}")

    menu(page, "Revue des habilitations")
    row = page.locator("tr", has=page.get_by_role("rowheader", name="LEROY Sophie"))
    expect(row).to_contain_text("Revue due")
    row.get_by_text(re.compile(r"habilitations?\s: DSN")).click()  # unfolds her rights per portfolio
    expect(row.get_by_role("cell", name="CLIENTS PME")).to_be_visible()
    row.get_by_role("button", name="Confirmer les habilitations de LEROY Sophie").click()
    expect(page.locator("#messages")).to_contain_text("Habilitations de LEROY Sophie confirmées")

    menu(page, "Couverture des déclarations")
    page.get_by_label("Portefeuille").select_option(label="CLIENTS PME")
    page.get_by_role("button", name="Rechercher").click()
    gaps = page.locator("#couverture-resultats")
    expect(gaps).to_contain_text("Portefeuille CLIENTS PME")
    # DSN on the company: DURAND Paul alone until her access delay is over
    expect(gaps.locator("tr", has_text="DSN").filter(has_text="Une seule personne").first).to_contain_text(
        "DURAND Paul")

    page.get_by_role("button", name="Se déconnecter").click()
    login(nom="LEROY", prenom="Sophie")
    tile = page.locator(".tile").filter(has=page.get_by_role("heading", name="DSN"))
    expect(tile).to_contain_text(f"jusqu’au {friday_long}")
