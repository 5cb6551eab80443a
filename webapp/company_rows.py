"""The rows of Composer le portefeuille (templates/clients/portfolios/_companies.html), built here in
Python: a page of 50 companies through the template's loop cost ~18,000 Python calls (cells, filters,
autoescapes, one action-buttons call per row), most of the page's server time. The markup of a row is
made once per process, cut where the company's values go (SIREN, id, name, kind, establishments): a row
only puts its five values back into the pieces. It is byte for byte what the template's loop wrote
(tests/clients/test_company_rows.py renders both); journeys find the buttons by their accessible names.

Composer le portefeuille's own view takes its rows as UTF-8 bytes (spliced): 50 rows are 132,000 of the
page's 143,000 characters, and the page's ’ and narrow no-break spaces make Python hold it two bytes a
character, so joining it and encoding it for the response cost ~0.3 ms a request. The rows' pieces are
encoded once per process, the rows joined as bytes, and the rest of the page (11,000 characters) is
encoded around them: the same bytes."""
import re
import secrets

from flask import g
from flask.globals import _cv_request
from markupsafe import Markup, escape

from db.identifiers import format_siren
from webapp.icons import row_actions, url_patterns
from webapp.memo import remembered
from webapp.typography import NNBSP

# Where a row's values go in its markup: characters never in a URL, a label or the template's text.
SIREN, ID, NAME, KIND, COUNT = "\x01", "\x02", "\x03", "\x04", "\x05"
_VALUE = re.compile("([\x01-\x05])")
# markupsafe's escape as one str.translate: the same entities, no Markup object per name
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"})
_MULTI, _MONO = "Multi-établissement", "Mono-établissement"  # as CompanyRow.kind
PIECES_KEPT = 100  # per worker process: one per table of actions and script root


def _row_pieces(actions, row_marker):
    """(the row's markup as a list with a placeholder at each value's place, [(place, value index)])."""
    buttons = str(row_actions(actions, ID, NAME, (), url_patterns(actions, row_marker), row_marker))
    markup = (f'    <tr>\n      <td class="mono">{SIREN}</td>\n      <th scope="row">{NAME}</th>\n'
              f'      <td>{KIND}</td>\n      <td class="num">{COUNT}</td>\n      <td class="row-actions">\n'
              f'        {buttons}\n      </td>\n    </tr>')
    pieces = _VALUE.split(markup)
    places = [(place, ord(pieces[place]) - 1) for place in range(1, len(pieces), 2)]
    return pieces, [piece.encode() for piece in pieces], places


def _cached_pieces(actions, row_marker):
    """_row_pieces, cut once per process for the same actions, marker and script root (~110 µs a page):
    they depend on no data, only on the URLs of the app's routes (as templating.cached_url_for)."""
    context = _cv_request.get()
    return remembered(context.app, "portal_row_pieces", (context.request.script_root, row_marker, *actions),
                      lambda: _row_pieces(actions, row_marker), PIECES_KEPT)


def _values(rows):
    """The five values each row puts into its pieces, as the template's loop wrote them."""
    translate = str.translate
    for company_id, siren, name, establishments in rows:
        shown = (f"{siren[:3]}{NNBSP}{siren[3:6]}{NNBSP}{siren[6:]}" if len(siren) == 9 and siren.isdigit()
                 else str(escape(format_siren(siren).replace(" ", NNBSP))))  # nine digits need no escaping
        yield (shown, str(company_id), translate(name, _ESCAPES), _MULTI if establishments > 1 else _MONO,
               f"{establishments:,}".replace(",", NNBSP))


def _filled(cut, places, value_rows, empty):
    """Each row's pieces with its values put back, joined (str or bytes, as empty)."""
    pieces = list(cut)  # filled row after row
    out = []
    for values in value_rows:
        for place, index in places:
            pieces[place] = values[index]
        out.append(empty.join(pieces))
    return out


_SPLICE = f"\x00company-rows-{secrets.token_hex(8)}\x00"  # where a spliced page's rows go: in no text
_SPLICED = "portal_company_rows"  # g's list of the rows to splice, while a spliced page renders


def company_rows(rows, actions, row_marker):
    """The <tr> of each row (db.clients.composition_page.CompanyRow) with the buttons of its actions
    (templates/clients/portfolios/_icons.html: the URL of each for the row id row_marker is built once),
    as the template's loop wrote them, joined by newlines; within spliced(), their place only."""
    cut, cut_bytes, places = _cached_pieces(actions, row_marker)
    spliced_rows = g.get(_SPLICED)
    if spliced_rows is None:
        return Markup("\n".join(_filled(cut, places, _values(rows), "")))
    encoded = ([value.encode() for value in values] for values in _values(rows))
    spliced_rows.append(b"\n".join(_filled(cut_bytes, places, encoded, b"")))
    return Markup(_SPLICE)


def spliced(render):
    """The page render() makes, as UTF-8 bytes, its company rows joined as bytes (see above)."""
    rows = g.setdefault(_SPLICED, [])
    try:
        parts = render().split(_SPLICE)
    finally:
        g.pop(_SPLICED, None)
    if len(parts) != len(rows) + 1:
        raise RuntimeError("spliced: a page's rows and their places differ")
    out = [parts[0].encode()]
    for row_bytes, part in zip(rows, parts[1:], strict=True):
        out += (row_bytes, part.encode())
    return b"".join(out)
