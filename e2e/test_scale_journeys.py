"""Journeys of issue 9 (habilitations at the scale of La Poste, 1,282 active establishments): the
administrator gives Paul DURAND Déclarer on DSN for every La Poste establishment of 22190 with the
matrix (search, column tick confirmed with its count, Valider, the success message with its date);
Paul then reads on his DSN tile what is accessible now and from when, and finds an establishment by
its town; closed establishments are shown on demand in « Choisir les établissements »; the grid is
operated by the keyboard alone. One server per journey, several checks each."""
import re

from playwright.sync_api import expect

from db.clients.composition import add_company
from db.database import database, init_database
from db.models import Company, Portfolio, User

LA_POSTE = "356000000"


def _with_la_poste(live_server):
    """La Poste in « CLIENTS PME » (DSN, DPAE and MCF selected; Paul DURAND is one of its déclarants)."""
    init_database(f"sqlite:///{live_server.database_path}")
    with database.connection_context():
        admin = User.get(User.nom == "MOUTIN")
        portfolio = Portfolio.get((Portfolio.firm == admin.firm_id) & (Portfolio.name == "CLIENTS PME"))
        add_company(admin, portfolio.id, LA_POSTE)
        return Company.get(Company.siren == LA_POSTE).id


def _search_paul_in_22190(page, live_server, company):
    page.goto(live_server.url(f"/gestion/habilitations?company={company}"))
    page.get_by_label("Déclarant").select_option(label="DURAND Paul")
    page.get_by_label("Établissement", exact=True).fill("22190")
    page.get_by_role("checkbox", name="DSN", exact=True).check()
    page.get_by_role("button", name="Rechercher").click()
    expect(page.locator("#matrix-caption")).to_contain_text("2 établissements · habilitations de DURAND Paul")


def test_paul_gets_dsn_on_la_poste_22190_and_sees_it_on_his_tile(page, live_server, login):
    company = _with_la_poste(live_server)
    login()
    _search_paul_in_22190(page, live_server, company)
    expect(page.locator(".criteria-summary")).to_contain_text("DURAND Paul")  # the criteria folded
    grid = page.locator("#habilitations-grid")
    expect(grid.get_by_text("PLERIN")).to_have_count(2)

    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    grid.get_by_role("checkbox", name=re.compile(r"^Déclarer DSN : toute la colonne")).check()
    pending = page.locator("#habilitations-pending")
    expect(pending).to_contain_text("2 modifications en attente (toutes les pages)")
    assert "sur les 2 lignes des résultats, toutes les pages comprises" in questions[0]

    page.locator("#habilitations-actions").get_by_role("button", name="Valider").click()
    messages = page.locator("#messages")
    expect(messages).to_contain_text("Habilitations enregistrées")
    expect(messages).to_contain_text(re.compile(r"utilisables à partir du \d+\s\S+\s20\d\d\sà\s\d+\sh\s\d\d"))
    expect(messages).to_contain_text(re.compile(r"\d\d, délai d’accès de 24 heures\."))
    expect(page.locator("#matrix-legend")).to_be_visible()  # the pending-access boxes explained once

    page.get_by_role("button", name="Se déconnecter").click()
    login(nom="DURAND", prenom="Paul")
    tile = page.locator(".tile").filter(has=page.get_by_role("heading", name="DSN", exact=True))
    when = r"\S+\s\d+\s\S+\sà\s\d+\sh\s\d\d"  # « mercredi 2 décembre à 15 h 32 »
    expect(tile).to_contain_text(re.compile(r"établissements accessibles\s·\s2\sà partir du " + when))
    tile.get_by_role("link", name="DSN").click()
    expect(page.get_by_role("link", name=re.compile(r"^À venir \(2\)"))).to_be_visible()
    page.get_by_label("SIRET, enseigne, adresse, code postal, ville ou raison sociale").fill("plérin")
    page.get_by_role("button", name="Rechercher").click()
    results = page.locator("#etablissements")
    expect(results).to_contain_text("2 établissements pour « plérin »")
    expect(results).to_contain_text("22190 PLERIN")


def test_closed_establishments_are_found_when_the_filter_says_so(page, live_server, login):
    company = _with_la_poste(live_server)
    login()
    page.goto(live_server.url(f"/gestion/entreprises/{company}/etablissements"))
    expect(page.get_by_text("1 282 inscrits sur 1 762 établissements")).to_be_visible()
    closed = re.compile(r"356\s000\s000\s00360")
    expect(page.locator(".chooser-counter")).to_contain_text("1 282 résultats (établissements actifs)")
    expect(page.get_by_text(closed)).to_have_count(0)  # closed: hidden by default
    bar = page.locator(".action-bar .pending-count")
    boxes = page.locator("input[name=siret]")
    boxes.nth(0).uncheck()
    boxes.nth(1).uncheck()
    expect(bar).to_contain_text("2 modifications en attente (toutes les pages) : 0 à inscrire, "
                                "2 à désinscrire.")
    boxes.nth(1).check()  # the count follows each box, before any request
    expect(bar).to_contain_text("1 modification en attente (toutes les pages) : 0 à inscrire, "
                                "1 à désinscrire.")
    boxes.nth(0).check()
    expect(bar).to_have_text("Aucune modification en attente.")
    page.get_by_label("Établissements", exact=True).select_option(label="fermés")
    page.get_by_label("Rechercher un établissement").fill("75015")
    page.get_by_role("button", name="Rechercher").click()
    row = page.get_by_role("row").filter(has_text=closed)
    expect(row).to_contain_text("fermé")
    expect(row.get_by_role("checkbox")).to_be_disabled()  # a closed one cannot be registered anew


def test_the_grid_by_keyboard_alone(page, live_server, login):
    company = _with_la_poste(live_server)
    login()
    _search_paul_in_22190(page, live_server, company)
    first = page.get_by_role("checkbox", name="Déclarer DSN : 356 000 000 00240")
    second = page.get_by_role("checkbox", name="Déclarer DSN : 356 000 000 00254")
    first.focus()
    page.keyboard.press("Space")
    expect(first).to_be_checked()
    page.keyboard.press("ArrowDown")
    expect(second).to_be_focused()
    page.keyboard.press("Space")
    expect(second).to_be_checked()
    page.keyboard.press("ArrowUp")
    expect(first).to_be_focused()
    expect(page.locator("#habilitations-pending")).to_contain_text("2 modifications en attente")
    valider = page.locator("#habilitations-actions").get_by_role("button", name="Valider")
    valider.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#messages")).to_contain_text("Habilitations enregistrées")
    expect(page.get_by_role("checkbox", name="Déclarer DSN : 356 000 000 00254")).to_be_checked()
