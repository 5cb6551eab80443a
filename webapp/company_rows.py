"""The rows of Composer le portefeuille (templates/clients/portfolios/_companies.html), built here in
Python: a page of 50 companies through the template's loop cost ~18,000 Python calls (cells, filters,
autoescapes, one action-buttons call per row), most of the page's server time. The markup of a row is
made once per table, cut where the company's values go (SIREN, id, name, kind, establishments): a row
only puts its five values back into the pieces. It is byte for byte what the template's loop wrote
(tests/clients/test_company_rows.py renders both); journeys find the buttons by their accessible names."""
import re

from markupsafe import Markup, escape

from db.identifiers import format_siren
from webapp.icons import row_actions
from webapp.typography import NNBSP

# Where a row's values go in its markup: characters never in a URL, a label or the template's text.
SIREN, ID, NAME, KIND, COUNT = "\x01", "\x02", "\x03", "\x04", "\x05"
_VALUE = re.compile("([\x01-\x05])")


def _row_pieces(actions, patterns, row_marker):
    """(the row's markup as a list with a placeholder at each value's place, [(place, value index)])."""
    buttons = str(row_actions(actions, ID, NAME, (), patterns, row_marker))
    markup = (f'    <tr>\n      <td class="mono">{SIREN}</td>\n      <th scope="row">{NAME}</th>\n'
              f'      <td>{KIND}</td>\n      <td class="num">{COUNT}</td>\n      <td class="row-actions">\n'
              f'        {buttons}\n      </td>\n    </tr>')
    pieces = _VALUE.split(markup)
    places = [(place, ord(pieces[place]) - 1) for place in range(1, len(pieces), 2)]
    return pieces, places


def company_rows(rows, actions, patterns, row_marker):
    """The <tr> of each row (db.clients.composition_page.CompanyRow) with its action buttons (actions and
    patterns as for row_actions), as the template's loop wrote them, joined by newlines."""
    pieces, places = _row_pieces(actions, patterns, row_marker)
    out = []
    for company_id, siren, name, establishments in rows:
        values = (_siren(siren), str(company_id), str(escape(name)),
                  _MULTI if establishments > 1 else _MONO, f"{establishments:,}".replace(",", NNBSP))
        for place, index in places:
            pieces[place] = values[index]
        out.append("".join(pieces))
    return Markup("\n".join(out))


_MULTI, _MONO = "Multi-établissement", "Mono-établissement"  # as CompanyRow.kind


def _siren(siren):
    """The |siren filter's text: a SIREN is stored as nine digits, which need no escaping."""
    if len(siren) == 9 and siren.isdigit():
        return f"{siren[:3]}{NNBSP}{siren[3:6]}{NNBSP}{siren[6:]}"
    return str(escape(format_siren(siren).replace(" ", NNBSP)))
