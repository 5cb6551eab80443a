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


def init_app(app):
    app.jinja_env.globals.update(icon=icon)
    app.jinja_env.filters.update(action_icon=action_icon)
