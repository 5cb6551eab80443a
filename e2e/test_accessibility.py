"""Accessibility of the main pages in Chromium: axe-core (vendored in e2e/vendor) finds no
violation of impact "serious" or "critical" on any of them; and the keyboard reaches the skip link
first, then every entry of the Menu personnalisé, each with a visible focus.

The test browser bypasses the Content-Security-Policy only so that axe can be injected; the pages
themselves are served as usual."""
import os
import sqlite3

import pytest
from playwright.sync_api import expect

AXE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vendor", "axe.min.js")
BLOCKING = ("serious", "critical")

PUBLIC_PAGES = [
    ("Connexion", "/connexion"),
    ("Inscription, première étape", "/inscription/"),
    ("Mot de passe oublié", "/mot-de-passe-oublie"),
    ("Besoin d'aide", "/besoin-d-aide/"),
    ("Connexion du support", "/support/connexion"),
]
ADMIN_PAGES = [
    ("Vos déclarations", "/declarations"),
    ("Gérer vos portefeuilles", "/gestion/portefeuilles"),
    ("Ajouter un portefeuille", "/gestion/portefeuilles/ajouter"),
    ("Composer le portefeuille", "/gestion/portefeuilles/{portfolio}/composition"),
    ("Choisir les établissements", "/gestion/entreprises/{company}/etablissements"),
    ("Gérer les déclarations du portefeuille", "/gestion/portefeuilles/{portfolio}/declarations"),
    ("Gérer les habilitations (grille)",
     "/gestion/habilitations?portfolio={portfolio}&search=1&declarant={paul}"),
    ("Gérer les habilitations, vue liste", "/gestion/habilitations/liste?portfolio={portfolio}&search=1"),
    ("Gérer les déclarants", "/gestion/declarants/"),
    ("Demande en attente", "/gestion/demandes/"),
    ("Vos informations personnelles", "/compte/"),
    ("Journal", "/gestion/journal"),
    ("Récapitulatif", "/gestion/recapitulatif"),
    ("Besoin d'aide (connecté)", "/besoin-d-aide/"),
    # Beyond the main pages: the forms reached from them.
    ("Gérer les déclarants du portefeuille", "/gestion/portefeuilles/{portfolio}/declarants"),
    ("Ajouter plusieurs entreprises", "/gestion/portefeuilles/{portfolio}/entreprises/plusieurs"),
    ("Transférer l'entreprise", "/gestion/entreprises/{company}/transfert"),
    (
        "Établissements de l'entreprise (déclarations)",
        "/gestion/entreprises/{company}/declarations/etablissements",
    ),
    ("Importer un fichier de gestion", "/gestion/habilitations/import"),
    ("Historique des imports", "/gestion/habilitations/imports"),
    ("Vos notifications", "/notifications"),
    ("Votre entreprise (Gérer les déclarations)", "/gestion/votre-entreprise/declarations"),
    ("Nouveau déclarant", "/gestion/declarants/nouveau"),
    ("Fiche d'un déclarant", "/gestion/declarants/{paul}"),
]
DECLARANT_PAGES = [
    ("Vos déclarations", "/declarations"),
    ("Établissements d'une tuile (DSN)", "/declarations/DSN"),
    ("Vos informations personnelles", "/compte/"),
]


def demo_ids(live_server):
    """Ids of the demo firm's portfolio CLIENTS PME, one of its clients and DURAND Paul; and a request waiting
    in Demande en attente (LEROY Sophie asks to become administrator), so that the page has rows."""
    with sqlite3.connect(live_server.database_path) as db:
        portfolio = db.execute("SELECT id, firm_id FROM portfolio WHERE name = 'CLIENTS PME'").fetchone()
        company = db.execute(
            "SELECT id FROM company WHERE portfolio_id = ? ORDER BY siren", (portfolio[0],)
        ).fetchone()
        sophie = db.execute("SELECT id FROM user WHERE nom = 'LEROY'").fetchone()
        paul = db.execute("SELECT id FROM user WHERE nom = 'DURAND'").fetchone()
        db.execute(
            "INSERT INTO pending_request (firm_id, kind, requester_id, requester_name, requester_email, "
            "message,"
            " status, created_at) VALUES (?, 'cooptation', ?, "
            "'LEROY Sophie', 'sophie.leroy@cabinet-demo.test',"
            " 'Je remplace Claire pendant ses congés.', 'pending', CURRENT_TIMESTAMP)",
            (portfolio[1], sophie[0]),
        )
    return {"portfolio": portfolio[0], "company": company[0], "paul": paul[0]}


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
    page.add_script_tag(path=AXE)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations', 'incomplete']})")
    found = [(v, node) for v in result["violations"] if v["impact"] in BLOCKING for node in v["nodes"]]
    found += [(v, node) for v in result["incomplete"] if v["impact"] in BLOCKING for node in v["nodes"]
              if needs_review_but_real(v["id"], node)]
    return [f"{name} — {v['id']} ({v['impact']}): {v['help']}\n    at {' '.join(node['target'])}: "
            f"{node['html'][:160]}\n    {_messages(node)[:200]}" for v, node in found]


def audit(page, live_server, pages, ids=None):
    found = []
    for name, path in pages:
        response = page.goto(live_server.url(path.format(**(ids or {}))))
        assert response.status == 200, f"{name}: {response.status}"
        found += violations(page, name)
    assert not found, f"{len(found)} serious or critical violation(s):\n" + "\n".join(found)


@pytest.mark.browser_context_args(bypass_csp=True)
def test_public_pages_have_no_serious_violation(page, live_server):
    audit(page, live_server, PUBLIC_PAGES)


@pytest.mark.browser_context_args(bypass_csp=True)
def test_an_administrators_pages_have_no_serious_violation(page, live_server, login):
    ids = demo_ids(live_server)
    login()
    expect(page.get_by_role("heading", name="Vos déclarations", level=1)).to_be_visible()
    audit(page, live_server, ADMIN_PAGES, ids)


@pytest.mark.browser_context_args(bypass_csp=True)
def test_a_declarants_pages_have_no_serious_violation(page, live_server, login):
    login(nom="DURAND", prenom="Paul")
    expect(page.get_by_role("heading", name="Vos déclarations", level=1)).to_be_visible()
    audit(page, live_server, DECLARANT_PAGES)


FOCUSED = """() => {
  const e = document.activeElement, s = getComputedStyle(e);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  return {text: (e.innerText || e.value || '').trim(), href: e.getAttribute('href'),
          inMenu: !!e.closest('nav.menu'), visible: outline || s.boxShadow !== 'none'};
}"""


def test_the_keyboard_reaches_the_skip_link_then_every_menu_entry(page, live_server, login):
    page.goto(live_server.url("/connexion"))
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    assert page.evaluate(FOCUSED)["visible"], "the skip link's focus is not visible"

    login()
    expect(page.get_by_role("heading", name="Vos déclarations", level=1)).to_be_visible()
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
