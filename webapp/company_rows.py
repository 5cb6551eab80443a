"""The rows of Composer le portefeuille (templates/clients/portfolios/_companies.html), built here in
Python: a page of 50 companies through the template's loop cost ~18,000 Python calls (cells, filters,
autoescapes, one action-buttons call per row), most of the page's server time. The markup of a row is
made once per process, cut where the company's values go (SIREN, id, name, kind, establishments): a row
only puts its five values back into the pieces. It is byte for byte what the template's loop wrote
(tests/clients/test_company_rows.py renders both); journeys find the buttons by their accessible names."""
import re

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
    return pieces, places


def _cached_pieces(actions, row_marker):
    """_row_pieces, cut once per process for the same actions, marker and script root (~110 µs a page):
    they depend on no data, only on the URLs of the app's routes (as templating.cached_url_for)."""
    context = _cv_request.get()
    return remembered(context.app, "portal_row_pieces", (context.request.script_root, row_marker, *actions),
                      lambda: _row_pieces(actions, row_marker), PIECES_KEPT)


def company_rows(rows, actions, row_marker):
    """The <tr> of each row (db.clients.composition_page.CompanyRow) with the buttons of its actions
    (templates/clients/portfolios/_icons.html: the URL of each for the row id row_marker is built once),
    as the template's loop wrote them, joined by newlines."""
    cut, places = _cached_pieces(actions, row_marker)
    pieces = list(cut)  # filled row after row
    translate = str.translate
    out = []
    for company_id, siren, name, establishments in rows:
        shown = (f"{siren[:3]}{NNBSP}{siren[3:6]}{NNBSP}{siren[6:]}" if len(siren) == 9 and siren.isdigit()
                 else str(escape(format_siren(siren).replace(" ", NNBSP))))  # nine digits need no escaping
        values = (shown, str(company_id), translate(name, _ESCAPES), _MULTI if establishments > 1 else _MONO,
                  f"{establishments:,}".replace(",", NNBSP))
        for place, index in places:
            pieces[place] = values[index]
        out.append("".join(pieces))
    return Markup("\n".join(out))
