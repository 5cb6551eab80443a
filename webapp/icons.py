"""SVG icons (Heroicons, vendored in static/vendor/heroicons-2.2.0) inlined into the pages, and the
icons of the table actions: each action keeps its words, the icon only helps the eye.

An icon is decoration (aria-hidden, focusable=false): the accessible name of a button is always its
text, visible or visually hidden, never the picture."""
import functools
import os
import re

from markupsafe import Markup

ICON_DIR = os.path.join(os.path.dirname(__file__), "static", "vendor", "heroicons-2.2.0")

# The actions of the portfolio and company rows (templates/clients/portfolios/_icons.html), by label:
# (icon, the short word shown under it). The short word is part of the action's full, visually hidden
# name, so that what touch users see is what a screen reader says (WCAG 2.5.3, label in name).
ACTIONS = {
    "Gérer les déclarants du portefeuille": ("users", "Déclarants"),
    "Gérer les déclarations du portefeuille": ("document-text", "Déclarations"),
    "Composer le portefeuille": ("squares-plus", "Composer"),
    "Consulter le récapitulatif du portefeuille": ("clipboard-document-list", "Récapitulatif"),
    "Modifier le portefeuille": ("pencil-square", "Modifier"),
    "Supprimer le portefeuille": ("trash", "Supprimer"),
    "Choisir les établissements de l'entreprise": ("building-storefront", "Établissements"),
    "Gérer les déclarations de l'entreprise": ("document-text", "Déclarations"),
    "Gérer les habilitations de l'entreprise": ("key", "Habilitations"),
    "Transférer l'entreprise": ("arrows-right-left", "Transférer"),
    "Mettre à jour depuis le référentiel Sirene": ("arrow-path", "Mettre à jour"),
    "Retirer l'entreprise du portefeuille": ("x-mark", "Retirer"),
}


@functools.cache
def _svg(name):
    with open(os.path.join(ICON_DIR, f"{name}.svg"), encoding="utf-8") as file:
        svg = file.read().strip()
    # data-slot is Heroicons' own hook; focusable=false keeps old engines from tabbing into the picture.
    return re.sub(r'\s*data-slot="icon"', "", svg).replace("<svg ", '<svg class="icon" focusable="false" ', 1)


def icon(name):
    """The inline SVG of a vendored icon, hidden from assistive technologies."""
    return Markup(_svg(name))


def _plain(label):
    return str(label).replace("\u2019", "'")


@functools.lru_cache(maxsize=256, typed=True)  # typed: a label given as Markup is not a str label
def action_icon(label, glyph="", word=True):
    """The icon and (word=True) the short visible word of a table action, hidden from assistive
    technologies (the link's visually hidden text names it); an unknown action keeps its glyph.
    Remembered: a table of 50 rows asks for the same dozen pictures 300 times."""
    known = ACTIONS.get(_plain(label))
    if not known:
        return Markup('<span aria-hidden="true">{}</span>').format(glyph)
    name, short = known
    if not word:
        return icon(name)
    return icon(name) + Markup('<span class="action-word" aria-hidden="true">{}</span>').format(short)


@functools.lru_cache(maxsize=256, typed=True)
def _button(label, glyph):
    """(before the href, between the href and the subject) of an action's button, remembered."""
    return (Markup('<a class="button icon-button" href="'),
            Markup('" title="{}">').format(label) + action_icon(label, glyph)
            + Markup('<span class="visually-hidden">{}').format(label))


def row_actions(actions, row_id, subject, skip=(), patterns=None, row_marker=""):
    """The icon buttons of a table row (templates/clients/portfolios/_icons.html), the markup of each
    action built once: only its URL and the row's name change from row to row. patterns: {endpoint: its
    URL for the row id row_marker, None when its area is not installed}; without them, one nav_url each."""
    from webapp.templating import nav_url

    out = []
    for glyph, label, endpoint, argument, _ in actions:
        if endpoint in skip:
            continue
        if patterns:
            href = patterns.get(endpoint) and str(patterns[endpoint]).replace(row_marker, str(row_id))
        else:
            href = nav_url(endpoint, **{argument: row_id})
        if href:
            before, middle = _button(label, glyph)
            named = Markup(" « {} »").format(subject) if subject else ""
            out.append(before + Markup("{}").format(href) + middle + named + Markup("</span></a>"))
    return Markup("").join(out)


def init_app(app):
    app.jinja_env.globals.update(icon=icon, action_buttons=row_actions)
    app.jinja_env.filters.update(action_icon=action_icon)
