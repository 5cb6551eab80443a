"""The look and the accessibility (issue 10) in Chromium, over every page of the access matrix as each role
(visitor, déclarant, administrator, support agent), on a 390×844 phone and a 1366×768 office screen: no page
wider than the window, no serious or critical axe-core violation (run once per page, at the phone size), the
Menu personnalisé behind a « Menu » button that the keyboard opens on the phone, the skip link then every menu
entry reached by Tab with a visible focus, a click that posts once and says it is working, and French words
on file pickers. Screenshots of the main pages at both sizes go to test-results/look/ for a reviewer (not
committed).

One server for the module and one browser context per role, logged in once: each page is loaded once per
size. The pages come from tests/security/test_access_matrix.py, so a new page is checked here too. The
contexts bypass the Content-Security-Policy only so that axe can be injected; the pages are served as
usual."""
import os
import re
import sqlite3
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from db.database import database
from db.demo import DEMO_PASSWORD, DEMO_SIRET
from tests.factories.demo import demo_rows
from tests.factories.people import AGENT_EMAIL, AGENT_PASSWORD, make_agent
from tests.security.test_access_matrix import rules, with_query
from webapp import create_app

AXE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vendor", "axe.min.js")
BLOCKING = ("serious", "critical")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
# Who opens which kinds of pages of the access matrix (an administrator is also a person of the firm).
ROLES = {"visiteur": ("public",), "declarant": ("firm",), "administrateur": ("firm", "admin"),
         "support": ("support",)}
# The main pages, whose screenshots a reviewer looks at (every page is checked, these are also pictured).
MAIN_PAGES = {
    "auth.login", "inscription.start", "recovery.start", "assistance.new", "support.login", "support.index",
    "declarations.tiles", "declarations.tile", "menu.index", "profile.index", "notifications.index",
    "portfolios.index", "portfolios.create", "portfolios.compose", "portfolios.declarants",
    "declarations.portfolio", "companies.establishments", "habilitations.index", "habilitation_list.index",
    "declarants.index", "requests.index", "journal.index", "recap.firm", "habilitation_files.upload",
}
WIDTH = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


@pytest.fixture(scope="module")
def matrix(module_server):
    """The GET pages of the access matrix by role, with the ids of the demo firm's rows (a portfolio, a
    client, a pending request, an import, a notification, a journal entry…) and a support agent."""
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{module_server.database_path}",
                      "SECRET_KEY": "e2e-secret", "PASSWORD_HASH_ROUNDS": 4})
    with database.connection_context():
        rows = demo_rows()
        make_agent()
    database.close()
    world = SimpleNamespace(app=app)
    return {role: [(rule.endpoint, with_query(rule, rows)) for rule in rules(world, *kinds)
                   if "GET" in rule.methods and rule.endpoint != "static"]
            for role, kinds in ROLES.items()}


def sign_in(page, server, role):
    if role == "support":
        page.goto(server.url("/support/connexion"))
        page.get_by_label("Courriel").fill(AGENT_EMAIL)
        page.get_by_label("Mot de passe").fill(AGENT_PASSWORD)
    elif role != "visiteur":
        nom, prenom = ("MOUTIN", "Claire") if role == "administrateur" else ("DURAND", "Paul")
        page.goto(server.url("/connexion"))
        page.get_by_label("SIRET").fill(DEMO_SIRET)
        page.get_by_label("Nom", exact=True).fill(nom)
        page.get_by_label("Prénom").fill(prenom)
        page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    else:
        return
    page.get_by_role("button", name="Je me connecte").click()
    page.wait_for_url(lambda url: "connexion" not in url)


@pytest.fixture(scope="module")
def as_role(browser, browser_context_args, module_server, matrix):
    """as_role(role): the page of that role's browser context, logged in once for the module."""
    pages = {}

    def _page(role):
        if role not in pages:
            context = browser.new_context(**{**browser_context_args, "bypass_csp": True, "viewport": PHONE})
            context.add_init_script(path=AXE)
            pages[role] = context.new_page()
            sign_in(pages[role], module_server, role)
        pages[role].set_viewport_size(PHONE)
        return pages[role]

    yield _page
    for page in pages.values():
        page.context.close()


@pytest.fixture(scope="module")
def shots(pytestconfig):
    folder = os.path.join(pytestconfig.getoption("--output", default="test-results"), "look")
    os.makedirs(folder, exist_ok=True)
    return folder


def _messages(node):
    return " ".join(check["message"] for kind in ("any", "all", "none") for check in node[kind])


def needs_review_but_real(rule, node):
    """Among axe's "needs review" results, those that are real: text as light as its background
    (axe leaves 1:1 contrast to review, as if hidden on purpose) and ARIA attributes an element
    may not carry. Icons hidden from assistive technologies are not text and stay out."""
    message = _messages(node)
    return (rule == "color-contrast" and "1:1 contrast ratio" in message) or rule == "aria-prohibited-attr"


def violations(page, name):
    """The blocking violations of the page, one readable line per element."""
    result = page.evaluate("axe.run(document, {resultTypes: ['violations', 'incomplete']})")
    found = [(v, node) for v in result["violations"] if v["impact"] in BLOCKING for node in v["nodes"]]
    found += [(v, node) for v in result["incomplete"] if v["impact"] in BLOCKING for node in v["nodes"]
              if needs_review_but_real(v["id"], node)]
    return [f"{name} — {v['id']} ({v['impact']}): {v['help']}\n    at {' '.join(node['target'])}: "
            f"{node['html'][:160]}\n    {_messages(node)[:200]}" for v, node in found]


def html_pages(page, server, pages):
    """The pages that answer a whole HTML page to this role: not the downloads, the htmx fragments, the
    redirects to a page already listed (an inscription step without its session) or the unknown tokens."""
    found = []
    for name, path in pages:
        response = page.request.get(server.url(path), max_redirects=0)
        attached = "attachment" in response.headers.get("content-disposition", "")
        whole = response.text().lstrip().lower().startswith("<!doctype")
        if response.status == 200 and not attached and whole:
            found.append((name, path))
    return found


def look_at(page, server, pages, role, size, shots, audit):
    """Each page at this size: not wider than the window, a screenshot, and axe's verdict when audit."""
    page.set_viewport_size(size)
    problems = []
    for name, path in pages:
        response = page.goto(server.url(path))
        if response.status != 200:
            problems.append(f"{name} ({path}): {response.status}")
            continue
        scroll, client = page.evaluate(WIDTH)
        if scroll > client:
            problems.append(f"{name} ({path}) at {size['width']} px: {scroll} px wide")
        if name in MAIN_PAGES:
            page.screenshot(path=os.path.join(shots, f"{role}-{size['width']}-{name}.png"), full_page=True)
        if audit:
            problems += violations(page, name)
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_the_window_and_has_no_serious_violation(as_role, module_server, matrix, role, shots):
    page = as_role(role)
    pages = html_pages(page, module_server, matrix[role])
    assert len(pages) >= {"visiteur": 7, "declarant": 5, "administrateur": 30, "support": 2}[role], pages
    problems = look_at(page, module_server, pages, role, PHONE, shots, audit=True)
    problems += look_at(page, module_server, pages, role, DESKTOP, shots, audit=False)
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)


def test_on_a_phone_the_keyboard_opens_the_menu(as_role, module_server):
    page = as_role("administrateur")
    page.goto(module_server.url("/declarations"))
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
    assert not violations(page, "Vos déclarations, menu ouvert")
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('nav.menu')")
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(toggle).to_be_focused()
    # On an office screen the menu is beside the content, and there is no Menu button.
    page.set_viewport_size(DESKTOP)
    expect(menu).to_be_visible()
    expect(toggle).to_be_hidden()


FOCUSED = """() => {
  const e = document.activeElement, s = getComputedStyle(e);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  return {text: (e.innerText || e.value || '').trim(), href: e.getAttribute('href'),
          inMenu: !!e.closest('nav.menu'), visible: outline || s.boxShadow !== 'none'};
}"""


def test_the_keyboard_reaches_the_skip_link_then_every_menu_entry(as_role, module_server):
    page = as_role("visiteur")
    page.goto(module_server.url("/connexion"))
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    assert page.evaluate(FOCUSED)["visible"], "the skip link's focus is not visible"

    page = as_role("administrateur")
    page.set_viewport_size(DESKTOP)
    page.goto(module_server.url("/declarations"))
    menu = page.get_by_role("navigation", name="Menu personnalisé")
    entries = [link.inner_text().strip() for link in menu.get_by_role("link").all()]
    assert "Gérer les habilitations" in entries and "Journal" in entries
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    reached, invisible = [], []
    for _ in range(60):  # the header has a few controls before the menu; the menu has about ten
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["inMenu"]:
            reached.append(focused["text"])
            if not focused["visible"]:
                invisible.append(focused["text"])
        if set(entries) <= set(reached):
            break
    assert set(entries) <= set(reached), f"not reached by Tab: {sorted(set(entries) - set(reached))}"
    assert not invisible, f"focus not visible on: {invisible}"


def test_a_double_click_posts_once_and_says_it_is_working(as_role, module_server):
    page = as_role("administrateur").context.new_page()  # its own tab: the route below stays with it
    page.goto(module_server.url("/gestion/portefeuilles/ajouter"))
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
    page.goto(module_server.url("/gestion/portefeuilles/ajouter"))
    page.get_by_label("Nom du portefeuille").fill("DOUBLE CLIC")
    page.get_by_role("button", name="Valider").dblclick()
    expect(page.get_by_role("heading", name="Vos portefeuilles", level=1)).to_be_visible()
    with sqlite3.connect(module_server.database_path) as db:
        assert db.execute("SELECT COUNT(*) FROM portfolio WHERE name = 'DOUBLE CLIC'").fetchone()[0] == 1
    page.go_back()
    expect(page.get_by_role("button", name="Valider")).to_be_enabled()
    expect(page.get_by_role("button", name="Valider")).not_to_have_attribute("aria-busy", "true")
    page.close()


def test_file_pickers_speak_french_and_a_long_operation_says_so(as_role, module_server, tmp_path):
    page = as_role("administrateur")
    page.goto(module_server.url("/gestion/habilitations/import"))
    picker = page.locator(".file-picker").first
    expect(picker.locator(".file-button")).to_have_text("Choisir un fichier")
    expect(picker.locator(".file-name")).to_have_text("Aucun fichier choisi")
    sample = tmp_path / "habilitations.csv"
    sample.write_text("a;b\n", encoding="utf-8")
    picker.locator("input[type=file]").set_input_files(str(sample))
    expect(picker.locator(".file-name")).to_have_text("habilitations.csv")
    assert "Choose" not in page.locator("main").inner_text()
    # Checking a file takes a while: the live region says so, with a progress bar (the POST is answered 204
    # so that the page stays as the person sees it while the server works).
    upload = re.compile(r".*/gestion/habilitations/import$")
    page.route(upload, lambda route: route.fulfill(status=204) if route.request.method == "POST"
               else route.continue_())
    page.get_by_role("button", name="Contrôler le fichier").click()
    live = page.get_by_role("status").filter(has_text="Contrôle du fichier en cours")
    expect(live).to_be_visible()
    expect(live.get_by_role("progressbar")).to_be_visible()
    page.unroute(upload)
