"""The look (issue 10) in Chromium, as each role, on a 390×844 phone and a 1366×768 office screen: no page
wider than the window, the Menu personnalisé behind a « Menu » button that the keyboard opens on the
phone, no serious or critical axe-core violation, a click that posts once and says it is working, and
French words on file pickers. Screenshots of every page at both sizes go to test-results/look/ for a
reviewer (not committed)."""
import os
import re
import sqlite3

import pytest
from playwright.sync_api import expect

from e2e.test_accessibility import demo_ids, violations

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
SIZES = [pytest.param(PHONE, id="390x844"), pytest.param(DESKTOP, id="1366x768")]

PUBLIC = [
    ("connexion", "/connexion"),
    ("inscription", "/inscription/"),
    ("mot-de-passe-oublie", "/mot-de-passe-oublie"),
    ("besoin-d-aide", "/besoin-d-aide/"),
]
ADMIN = [
    ("vos-declarations", "/declarations"),
    ("menu", "/menu"),
    ("portefeuilles", "/gestion/portefeuilles"),
    ("ajouter-un-portefeuille", "/gestion/portefeuilles/ajouter"),
    ("composition", "/gestion/portefeuilles/{portfolio}/composition"),
    ("declarants-du-portefeuille", "/gestion/portefeuilles/{portfolio}/declarants"),
    ("declarations-du-portefeuille", "/gestion/portefeuilles/{portfolio}/declarations"),
    ("etablissements", "/gestion/entreprises/{company}/etablissements"),
    ("habilitations", "/gestion/habilitations?portfolio={portfolio}&search=1"),
    ("declarants", "/gestion/declarants/"),
    ("demandes", "/gestion/demandes/"),
    ("journal", "/gestion/journal"),
    ("recapitulatif", "/gestion/recapitulatif"),
    ("import", "/gestion/habilitations/import"),
    ("notifications", "/notifications"),
    ("compte", "/compte/"),
]
DECLARANT = [
    ("vos-declarations", "/declarations"),
    ("tuile-dsn", "/declarations/DSN"),
    ("compte", "/compte/"),
]
WIDTH = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


@pytest.fixture
def shots(pytestconfig):
    folder = os.path.join(pytestconfig.getoption("--output", default="test-results"), "look")
    os.makedirs(folder, exist_ok=True)
    return folder


def walk(page, live_server, pages, role, size, shots, ids=None):
    """Every page fits the window; a screenshot of each; the list of those that do not fit."""
    too_wide = []
    for name, path in pages:
        response = page.goto(live_server.url(path.format(**(ids or {}))))
        assert response.status == 200, f"{name}: {response.status}"
        scroll, client = page.evaluate(WIDTH)
        if scroll > client:
            too_wide.append(f"{name}: {scroll} px for {client}")
        page.screenshot(path=os.path.join(shots, f"{role}-{size['width']}-{name}.png"), full_page=True)
    assert not too_wide, "pages wider than the window:\n" + "\n".join(too_wide)


@pytest.mark.parametrize("size", SIZES)
def test_public_pages_fit_the_window(page, live_server, size, shots):
    page.set_viewport_size(size)
    walk(page, live_server, PUBLIC, "public", size, shots)


@pytest.mark.parametrize("size", SIZES)
def test_an_administrators_pages_fit_the_window(page, live_server, login, size, shots):
    ids = demo_ids(live_server)
    page.set_viewport_size(size)
    login()
    walk(page, live_server, ADMIN, "administrateur", size, shots, ids)


@pytest.mark.parametrize("size", SIZES)
def test_a_declarants_pages_fit_the_window(page, live_server, login, size, shots):
    page.set_viewport_size(size)
    login(nom="DURAND", prenom="Paul")
    walk(page, live_server, DECLARANT, "declarant", size, shots)


def test_on_a_phone_the_keyboard_opens_the_menu(page, live_server, login):
    page.set_viewport_size(PHONE)
    login()
    expect(page.get_by_role("heading", name="Vos déclarations", level=1)).to_be_visible()
    menu = page.get_by_role("navigation", name="Menu personnalisé")
    toggle = page.get_by_role("button", name="Menu", exact=True)
    expect(menu).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    for _ in range(10):  # skip link, account menu, Se déconnecter, then the Menu button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.hasAttribute('data-menu-toggle')"):
            break
    expect(toggle).to_be_focused()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(menu).to_be_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('nav.menu')")
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(toggle).to_be_focused()
    # On an office screen the menu is beside the content, and there is no Menu button.
    page.set_viewport_size(DESKTOP)
    expect(menu).to_be_visible()
    expect(toggle).to_be_hidden()


@pytest.mark.browser_context_args(bypass_csp=True)
def test_the_phone_pages_have_no_serious_violation(page, live_server, login):
    ids = demo_ids(live_server)
    page.set_viewport_size(PHONE)
    found = []
    for name, path in PUBLIC[:2]:
        page.goto(live_server.url(path))
        found += violations(page, name)
    login()
    page.get_by_role("button", name="Menu", exact=True).click()
    found += violations(page, "Vos déclarations, menu ouvert")
    for name, path in ADMIN[2:6]:
        page.goto(live_server.url(path.format(**ids)))
        found += violations(page, name)
    assert not found, "\n".join(found)


def test_a_double_click_posts_once_and_says_it_is_working(page, live_server, login):
    login()
    page.goto(live_server.url("/gestion/portefeuilles/ajouter"))
    page.get_by_label("Nom du portefeuille").fill("DOUBLE CLIC")
    posts = []  # the POSTs the browser sends; answered 204 so that the page stays as the person sees it

    def count(route):
        if route.request.method != "POST":
            return route.continue_()
        posts.append(route.request.url)
        return route.fulfill(status=204)

    page.route(re.compile(r".*/gestion/portefeuilles/ajouter$"), count)
    page.get_by_role("button", name="Valider").dblclick()
    busy = page.locator("button[aria-busy=true]")
    expect(busy).to_have_text("Enregistrement en cours…")
    expect(busy).to_be_disabled()
    page.wait_for_timeout(300)
    assert len(posts) == 1, f"{len(posts)} POSTs sent"
    # For real now: the portfolio is created once, and back to the form its button works again.
    page.unroute(re.compile(r".*/gestion/portefeuilles/ajouter$"))
    page.goto(live_server.url("/gestion/portefeuilles/ajouter"))
    page.get_by_label("Nom du portefeuille").fill("DOUBLE CLIC")
    page.get_by_role("button", name="Valider").dblclick()
    expect(page.get_by_role("heading", name="Vos portefeuilles", level=1)).to_be_visible()
    with sqlite3.connect(live_server.database_path) as db:
        assert db.execute("SELECT COUNT(*) FROM portfolio WHERE name = 'DOUBLE CLIC'").fetchone()[0] == 1
    page.go_back()
    expect(page.get_by_role("button", name="Valider")).to_be_enabled()
    expect(page.get_by_role("button", name="Valider")).not_to_have_attribute("aria-busy", "true")


def test_file_pickers_speak_french(page, live_server, login, tmp_path):
    login()
    page.goto(live_server.url("/gestion/habilitations/import"))
    picker = page.locator(".file-picker").first
    expect(picker.locator(".file-button")).to_have_text("Choisir un fichier")
    expect(picker.locator(".file-name")).to_have_text("Aucun fichier choisi")
    sample = tmp_path / "habilitations.csv"
    sample.write_text("a;b\n", encoding="utf-8")
    picker.locator("input[type=file]").set_input_files(str(sample))
    expect(picker.locator(".file-name")).to_have_text("habilitations.csv")
    assert "Choose" not in page.locator("main").inner_text()
