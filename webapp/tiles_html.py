"""The tiles of « Vos déclarations » (on that page and on the Menu personnalisé), written in Python: the
template's loop cost ~100 generator yields and ~70 attribute lookups for six tiles, a good part of the
Menu's Python. Byte for byte what templates/declarations/_tiles.html's loop wrote (the loop is kept in
tests/declarations/tiles_loop.jinja; tests/declarations/test_tiles_html.py renders both over tiles of
every kind: accessible or pending, rights coming, many coming, rights ending, zero and large counts)."""
from markupsafe import Markup, escape

from db.clock import long_moment_fr, until_long_fr
from webapp.templating import cached_url_for, number_fr
from webapp.typography import french

HINT = ('<p class="hint">Ouvrez une déclaration pour voir les établissements pour lesquels vous pouvez'
        ' déclarer ou payer.</p>\n<ul class="tiles">\n')
NONE = ('<p>Vous n’avez encore aucune habilitation\u202f: aucune déclaration ne vous est ouverte.</p>\n'
        '<p>Un administrateur de votre compte peut vous en accorder dans'
        ' «\u202fGérer les habilitations\u202f». Un droit accordé devient utilisable après le délai d’accès'
        ' de la déclaration'
        ' (24 heures en général).</p>\n')


def _plural(n, singular):  # the pager macros' plural(n, singular)
    return f"{number_fr(n)} {escape(singular) if n <= 1 else escape(singular + 's')}"


def _soon(moment):  # the |soon filter
    return escape(long_moment_fr(moment, weekday=True, year=False))


def _status(t):
    if t.accessible:
        s = "s" if t.available > 1 else ""
        out = [f'<span class="badge badge-ok">Accessible</span>\n      <span class="tile-count">'
               f'{number_fr(t.available)} établissement{s} accessible{s}</span>']
    else:
        hours = _plural(t.hours_left, "heure")
        out = [f'      <span class="badge badge-warn">Accessible sous {hours}</span>']
    for index, (moment, n) in enumerate(t.upcoming[:2]):
        dot = " · " if t.accessible or index else ""
        out.append(f'<span class="tile-when">{dot}{number_fr(n)} à partir du {_soon(moment)}</span>')
    if len(t.upcoming) > 2:
        later = sum(n for _, n in t.upcoming[2:])
        out.append(f'<span class="tile-when"> · {number_fr(later)} plus tard</span>')
    for until, n in t.ending[:1]:
        until = escape(until_long_fr(until))
        out.append(f'<span class="tile-until"> · {number_fr(n)} jusqu’au {until}</span>')
    return "".join(out)


def tiles_html(tiles, heading=None):
    """The tiles' markup (tiles: db/declarations/tiles.py's Tile list; heading: their titles' element)."""
    if not tiles:
        return Markup(NONE)
    heading = escape(heading or "h2")
    out = [HINT]
    for t in tiles:
        declaration = t.declaration
        url = escape(cached_url_for("declarations.tile", code=declaration.code))
        out.append(
            f'  <li class="tile{"" if t.accessible else " tile-pending"}">\n'
            f'    <{heading} class="tile-title"><a class="tile-link" href="{url}">'
            f'{escape(declaration.label)}</a></{heading}>\n'
            f'    <p class="tile-description">{escape(french(declaration.description))}</p>\n'
            f'    <p class="tile-status">\n{_status(t)}    </p>\n  </li>\n')
    out.append("</ul>\n")
    return Markup("".join(out))
