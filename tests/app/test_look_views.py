"""The look of the portal (issue 10) through the test client: the header's identity and account menu,
the « Menu » button of narrow screens, the table actions' icons and words, the step indicator, the
error summary, the order of buttons and the words of destructive ones."""
import os
import re

from flask import render_template_string
from wtforms import Form, StringField
from wtforms.validators import InputRequired

from db.database import database
from db.models import Company, Portfolio, User
from webapp import icons

GLYPHS = "☺☰▦▤✎⌂✓⇄↻✕"


def page(response):
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True).replace("&#39;", "'")


def test_the_header_names_the_person_on_one_line_and_the_firm_in_its_account_menu(client, auth):
    auth.login()
    html = page(client.get("/gestion/portefeuilles"))
    summary = re.search(r'<details class="account-menu">\s*<summary>(.*?)</summary>', html, re.S).group(1)
    assert "MOUTIN Claire" in summary and "AG CONSEIL" in summary
    panel = re.search(r'<div class="account-panel">(.*?)</div>', html, re.S).group(1)
    assert "977 850 965 00020" in panel and "Administrateur - Déclarant" in panel
    assert ">Vos informations personnelles</a>" in panel
    # Se déconnecter stays a visible button beside the menu, not folded in it.
    assert html.index("</details>") < html.index(">Se déconnecter</button>")


def test_the_menu_has_a_disclosure_button_that_names_it(client, auth):
    auth.login()
    html = page(client.get("/declarations"))
    button = re.search(r'<button type="button" class="menu-toggle"[^>]*>', html).group(0)
    assert 'aria-expanded="false"' in button and 'aria-controls="menu-personnalise"' in button
    assert '<nav class="menu" id="menu-personnalise" aria-label="Menu personnalisé">' in html


def test_table_actions_are_icons_with_a_visible_word_inside_their_accessible_name(client, auth):
    auth.login()
    with database.connection_context():
        portfolio = Portfolio.get(Portfolio.name == "CLIENTS PME")
        assert Company.select().where(Company.portfolio == portfolio).exists()
    for url in ("/gestion/portefeuilles", f"/gestion/portefeuilles/{portfolio.id}/composition"):
        html = page(client.get(url))
        assert not set(GLYPHS) & set(html), f"{url} still shows a bare symbol"
        links = re.findall(r'<a class="button icon-button"[^>]*>(.*?)</a>', html, re.S)
        assert links, url
        for link in links:
            assert '<svg class="icon" focusable="false"' in link and 'aria-hidden="true"' in link
            word = re.search(r'<span class="action-word" aria-hidden="true">([^<]+)</span>', link).group(1)
            name = re.search(r'<span class="visually-hidden">([^<]+)</span>', link).group(1)
            assert word.lower() in name.lower(), (word, name)


def test_the_table_actions_draw_their_icons_from_one_cached_sprite_of_the_vendored_icons(client, auth):
    auth.login()
    html = page(client.get("/gestion/portefeuilles"))
    used = set(re.findall(r'<use href="/static/icons.svg#([a-z-]+)"></use>', html))
    assert {"users", "trash", "pencil-square"} <= used
    sprite = client.get("/static/icons.svg")
    assert sprite.status_code == 200 and sprite.mimetype == "image/svg+xml"
    text = sprite.get_data(as_text=True)
    assert text == icons.sprite_text()  # the committed file is made from the vendored icons
    for name in {name for name, _ in icons.ACTIONS.values()}:
        vendored = open(os.path.join(icons.ICON_DIR, f"{name}.svg"), encoding="utf-8").read()
        symbol = re.search(rf'<symbol id="{name}" viewBox="0 0 20 20">(.*?)</symbol>', text, re.S).group(1)
        assert re.findall(r' d="([^"]+)"', symbol) == re.findall(r' d="([^"]+)"', vendored)


def test_the_step_indicator_says_where_one_is_and_names_the_next_step(client):
    html = page(client.get("/inscription/"))
    assert re.search(r'Étape 1 sur 9<span class="visually-hidden">\u202f:</span>\s*'
                     r'<span class="step-title">Vos identifiants</span>', html)
    assert "Prochaine étape\u202f: Conditions générales" in html
    assert 'aria-current="step"' in html


def test_step_one_keeps_abandon_away_from_its_main_button(client):
    html = page(client.get("/inscription/"))
    bar = re.search(r'<div class="actions">(.*?)</div>', html, re.S).group(1)
    assert "Je m’inscris" in bar and "Abandonner" not in bar
    assert 'class="button-link" data-confirm="Abandonner l’inscription' in html


def test_cancel_comes_before_the_main_action(client, auth):
    auth.login()
    html = page(client.get("/gestion/declarants/nouveau"))
    bar = re.search(r'<div class="actions">(.*?)</div>', html, re.S).group(1)
    assert bar.index(">Annuler</a>") < bar.index(">Valider</button>")


def test_removing_a_company_says_verb_and_object(client, auth):
    auth.login()
    with database.connection_context():
        company = Company.select().join(Portfolio).where(Portfolio.name == "CLIENTS PME").first()
    html = page(client.get(f"/gestion/entreprises/{company.id}/retirer"))
    assert f">Retirer {company.name} du portefeuille</button>" in html
    assert ">Valider</button>" not in html


def test_the_pages_of_pending_ticks_share_one_action_bar(client, auth):
    """The matrix, « Vue liste » and the chooser of establishments: one bar, « Annuler » before
    « Valider », the ids and data attributes their scripts read."""
    auth.login()
    with database.connection_context():
        company = Company.select().join(Portfolio).where(Portfolio.name == "CLIENTS PME").first()
        paul = User.get(User.nom == "DURAND").id
    bars = {}
    for url in (f"/gestion/habilitations?search=1&declarant={paul}", "/gestion/habilitations/liste?search=1",
                f"/gestion/entreprises/{company.id}/etablissements"):
        html = page(client.get(url))
        found = re.findall(r'<div class="action-bar"[^>]*role="region" aria-label="Modifications en attente">'
                           r'(.*?)<div class="action-bar-buttons">(.*?)</div>', html, re.S)
        assert len(found) == 1, url
        bars[url] = found[0]
        count, buttons = found[0]
        assert 'class="action-bar-count" aria-live="polite"' in count and "pending-count" in count, url
        last = r'<button type="submit" class="primary"[^>]*>Valider</button>\s*$'
        assert re.search(r"data-cancel>Annuler</a>.*" + last, buttons, re.S), url
    matrix, vue_liste, chooser = bars.values()
    assert 'id="habilitations-pending"' in matrix[0] and 'id="habilitations-pending"' in vue_liste[0]
    assert 'formaction="/gestion/habilitations/apercu"' in matrix[1]
    assert "data-show-pending>Voir</button>" in matrix[1] and "data-show-pending" not in vue_liste[1]
    assert 'id="habilitations-until"' in matrix[0] and 'id="habilitations-until"' in vue_liste[0]
    assert ">Retour</a>" in chooser[1] and 'name="action" value="valider">Valider' in chooser[1]


class _Form(Form):
    siret = StringField("SIRET", validators=[InputRequired("Saisissez le SIRET.")])
    nom = StringField("Nom")


def test_the_error_summary_links_to_each_field_in_error(app):
    form = _Form(data={})
    form.validate()
    with app.test_request_context():
        html = render_template_string(
            '{% from "_macros/forms.html" import error_summary %}{{ error_summary(form) }}', form=form)
        assert 'data-error-summary' in html and 'tabindex="-1"' in html and 'role="alert"' not in html
        assert "Le formulaire contient une erreur" in html
        assert '<a href="#siret">SIRET</a>' in html and "#nom" not in html
        assert render_template_string(
            '{% from "_macros/forms.html" import error_summary %}{{ error_summary(form) }}',
            form=_Form(data={"siret": "1"})).strip() == ""


def test_the_button_macro_has_the_four_kinds(app):
    with app.test_request_context():
        html = render_template_string(
            '{% from "_macros/buttons.html" import button %}'
            '{% for kind in ["primary", "secondary", "danger", "link"] %}{{ button("Go", kind) }}'
            '{% endfor %}')
    assert re.findall(r'class="([^"]+)"', html) == ["button primary", "button secondary", "button danger",
                                                     "button-link"]


def test_the_menu_opens_on_the_administrators_dashboard(client, auth):
    auth.login()
    html = page(client.get("/menu"))
    board = html.split('<section class="dashboard"')[1].split("</section>")[0]
    assert "Votre cabinet" in board
    assert 'href="/gestion/declarants/"><span class="count">3</span> déclarants' in board
    assert "Demande en attente (0)" in board
    auth.logout()
    auth.login_declarant()
    assert "Votre cabinet" not in page(client.get("/menu"))


def test_the_alert_badge_and_table_container_macros(app):
    with app.test_request_context():
        html = render_template_string(
            '{% from "_macros/components.html" import alert, badge, table_container %}'
            '{% call alert("error", "Le fichier est refusé") %}<p>Trop de lignes.</p>{% endcall %}'
            '{{ badge("Fermé", "error") }}'
            '{% call table_container("Entreprises") %}<table></table>{% endcall %}')
    assert '<div class="alert alert-error" role="alert">' in html and 'class="icon"' in html
    assert '<p class="alert-title">Le fichier est refusé</p>' in html and "<p>Trop de lignes.</p>" in html
    assert '<span class="badge badge-error">Fermé</span>' in html
    assert '<div class="table-container" role="region" aria-label="Entreprises" tabindex="0">' in html
