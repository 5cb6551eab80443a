"""SVG icons (Heroicons, vendored in static/vendor/heroicons-2.2.0) inlined into the pages, and the
icons of the table actions: each action keeps its words, the icon only helps the eye.

An icon is decoration (aria-hidden, focusable=false): the accessible name of a button is always its
text, visible or visually hidden, never the picture.

The table actions' icons repeat on every row (300 on a page of 50 companies): they are drawn from one
sprite, static/icons.svg (`<svg><use href="…/icons.svg#key"/></svg>`, one static file the browser keeps),
instead of 700 bytes of paths each. The sprite is made from the vendored icons by sprite_text(); a test
keeps the committed file equal to it."""
import functools
import os
import re

from markupsafe import Markup, escape

from webapp.memo import remembered

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


SPRITE = "icons.svg"  # in static/


def _symbol(name):
    """The vendored icon as a <symbol> of the sprite: its viewBox and paths, its id the icon's name."""
    svg = _svg(name)
    view_box = re.search(r'viewBox="([^"]+)"', svg).group(1)
    body = svg[svg.index(">") + 1:svg.rindex("</svg>")].strip()
    return f'<symbol id="{name}" viewBox="{view_box}">{body}</symbol>'


def sprite_text():
    """static/icons.svg: every table action's icon as a symbol."""
    names = sorted({name for name, _ in ACTIONS.values()})
    symbols = "\n".join(_symbol(name) for name in names)
    return f'<svg xmlns="http://www.w3.org/2000/svg">\n{symbols}\n</svg>\n'


@functools.lru_cache(maxsize=64)
def _sprite_icon(name, sprite_url):
    return Markup('<svg class="icon" focusable="false" aria-hidden="true" fill="currentColor">'
                  '<use href="{}#{}"></use></svg>').format(sprite_url, name)


def icon(name):
    """The inline SVG of a vendored icon, hidden from assistive technologies."""
    return Markup(_svg(name))


def _plain(label):
    return str(label).replace("\u2019", "'")


def _sprite_url():
    from webapp.templating import cached_url_for

    return cached_url_for("static", filename=SPRITE)


def action_icon(label, glyph="", word=True):
    """The icon and (word=True) the short visible word of a table action, hidden from assistive
    technologies (the link's visually hidden text names it); an unknown action keeps its glyph."""
    return _action_icon(label, glyph, word, _sprite_url())


@functools.lru_cache(maxsize=256, typed=True)  # typed: a label given as Markup is not a str label
def _action_icon(label, glyph, word, sprite_url):
    """Remembered: a table of 50 rows asks for the same dozen pictures 300 times."""
    known = ACTIONS.get(_plain(label))
    if not known:
        return Markup('<span aria-hidden="true">{}</span>').format(glyph)
    name, short = known
    picture = _sprite_icon(name, sprite_url)
    if not word:
        return picture
    return picture + Markup('<span class="action-word" aria-hidden="true">{}</span>').format(short)


@functools.lru_cache(maxsize=256, typed=True)
def _button(label, glyph, sprite_url):
    """(before the href, between the href and the subject) of an action's button as escaped text,
    remembered."""
    return ('<a class="button icon-button" href="',
            str(Markup('" title="{}">').format(label) + _action_icon(label, glyph, True, sprite_url)
                + Markup('<span class="visually-hidden">{}').format(label)))


def row_actions(actions, row_id, subject, skip=(), patterns=None, row_marker=""):
    """The icon buttons of a table row (templates/clients/portfolios/_icons.html), the markup of each
    action built once: only its URL and the row's name change from row to row, joined as escaped text
    (Markup's own + and format cost 20 µs a button, 300 buttons a page). patterns: {endpoint: its URL for
    the row id row_marker, None when its area is not installed}; without them, one nav_url each."""
    from webapp.templating import nav_url

    sprite_url = _sprite_url()
    named = f" «\u202f{escape(subject)}\u202f»" if subject else ""
    row = str(row_id)
    if patterns:
        buttons = _table_buttons(actions, skip, patterns, row_marker, sprite_url)
        return Markup("".join(f"{before}{row.join(pieces)}{middle}{named}</span></a>"
                              for before, pieces, middle in buttons))
    out = []
    for glyph, label, endpoint, argument, _ in actions:
        if endpoint in skip:
            continue
        href = nav_url(endpoint, **{argument: row_id})
        if href:
            before, middle = _button(label, glyph, sprite_url)
            out.append(f"{before}{escape(href)}{middle}{named}</span></a>")
    return Markup("".join(out))


def url_patterns(actions, row_marker):
    """{endpoint: its URL for the row id row_marker, None when its area is not installed} of a table's
    actions: built once per table, each row then puts its id in place of the marker (row_actions)."""
    from webapp.templating import nav_url

    return {endpoint: nav_url(endpoint, **{argument: row_marker}) for _, _, endpoint, argument, _ in actions}


LEGENDS_KEPT = 100  # per worker process: one per table of actions and sprite URL


def action_legend(actions):
    """The legend of a table's icon buttons (templates/clients/portfolios/_icons.html icon_legend): each
    action's picture and label, the actions of areas not installed left out. It depends on no data, so
    it is written once per process for the same actions and sprite URL (a Jinja loop cost ~0.2 ms a
    page)."""
    from flask.globals import _cv_request

    app = _cv_request.get().app
    sprite_url = _sprite_url()

    def legend():
        items = "".join(f"    <li>{_action_icon(label, glyph, False, sprite_url)} {escape(label)}"
                        f"{escape(more)}</li>\n"
                        for glyph, label, endpoint, _, more in actions if endpoint in app.view_functions)
        return Markup('<section class="legend" aria-labelledby="legend-title">\n'
                      '  <h2 id="legend-title">Légende</h2>\n'
                      f'  <ul>\n{items}  </ul>\n</section>\n')

    return remembered(app, "portal_legends", (sprite_url, *actions), legend, LEGENDS_KEPT)


_last_table = [None]  # (its arguments, its buttons): the table being rendered, its rows one after another


def _table_buttons(actions, skip, patterns, row_marker, sprite_url):
    """(before the row id, the escaped URL's pieces around it, after it) of each button a row of this
    table shows, computed for its first row. The patterns are escaped once (a row id is digits: escaping
    the URL then putting the id in gives the same text). The arguments are kept with the result and
    compared by identity, so a table of another request can never be taken for this one."""
    key = (actions, skip, patterns, row_marker, sprite_url)
    last = _last_table[0]
    if last is not None and all(a is b for a, b in zip(last[0], key, strict=True)):
        return last[1]
    buttons = []
    for glyph, label, endpoint, _, _ in actions:
        href = endpoint not in skip and patterns.get(endpoint)
        if href:
            before, middle = _button(label, glyph, sprite_url)
            buttons.append((before, str(escape(str(href))).split(row_marker), middle))
    _last_table[0] = (key, buttons)
    return buttons


def init_app(app):
    app.jinja_env.globals.update(icon=icon, action_buttons=row_actions, action_legend=action_legend,
                                 url_patterns=url_patterns)
    app.jinja_env.filters.update(action_icon=action_icon)
