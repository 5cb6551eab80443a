"""The rows of Composer le portefeuille (templates/clients/portfolios/_companies.html), built here in
Python: a page of 50 companies through the template's loop cost ~18,000 Python calls (cells, filters,
autoescapes, one action-buttons call per row), most of the page's server time. The markup of a row is
made once per process, as UTF-8 bytes with a %s where the company's values go (SIREN, id, name, kind,
establishments: 16 places): a row is one bytes % of its five values. It is byte for byte what the
template's loop wrote (tests/clients/test_company_rows.py renders both); journeys find the buttons by
their accessible names.

Bytes, because Composer le portefeuille's own view takes its rows as they are (spliced): 50 rows are
132,000 of the page's 143,000 characters, and the page's ’ and narrow no-break spaces make Python hold
it two bytes a character, so joining it and encoding it for the response cost ~0.3 ms a request. The
rest of the page (11,000 characters) is encoded around the rows: the same bytes."""
import operator
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
_ESCAPED = re.compile("[&<>\"']")
_MULTI, _MONO = "Multi-établissement", "Mono-établissement"  # as CompanyRow.kind
PIECES_KEPT = 100  # per worker process: one per table of actions and script root


def _row_pieces(actions, row_marker):
    """(the row's markup as UTF-8 bytes with %s at each value's place, the picker of the places' values
    from a row's five)."""
    buttons = str(row_actions(actions, ID, NAME, (), url_patterns(actions, row_marker), row_marker))
    markup = (f'    <tr>\n      <td class="mono">{SIREN}</td>\n      <th scope="row">{NAME}</th>\n'
              f'      <td>{KIND}</td>\n      <td class="num">{COUNT}</td>\n      <td class="row-actions">\n'
              f'        {buttons}\n      </td>\n    </tr>')
    pieces = _VALUE.split(markup)  # text, value, text, …, text
    row_format = "%s".join(text.replace("%", "%%") for text in pieces[0::2])
    return row_format.encode(), operator.itemgetter(*[ord(value) - 1 for value in pieces[1::2]])


def _cached_pieces(actions, row_marker):
    """_row_pieces, made once per process for the same actions, marker and script root (~110 µs a page):
    they depend on no data, only on the URLs of the app's routes (as templating.cached_url_for)."""
    context = _cv_request.get()
    return remembered(context.app, "portal_row_pieces", (context.request.script_root, row_marker, *actions),
                      lambda: _row_pieces(actions, row_marker), PIECES_KEPT)


def _values(rows):
    """The five values each row puts into its pieces, as the template's loop wrote them."""
    translate, needs_escaping = str.translate, _ESCAPED.search  # a search is a quarter of a translate
    for company_id, siren, name, establishments in rows:
        shown = (f"{siren[:3]}{NNBSP}{siren[3:6]}{NNBSP}{siren[6:]}" if len(siren) == 9 and siren.isdigit()
                 else str(escape(format_siren(siren).replace(" ", NNBSP))))  # nine digits need no escaping
        yield (shown, str(company_id), translate(name, _ESCAPES) if needs_escaping(name) else name,
               _MULTI if establishments > 1 else _MONO,
               str(establishments) if establishments < 1000 else f"{establishments:,}".replace(",", NNBSP))


_SPLICE = f"\x00company-rows-{secrets.token_hex(8)}\x00"  # where a spliced page's rows go: in no text
_SPLICED = "portal_company_rows"  # g's list of the rows to splice, while a spliced page renders


def company_rows(rows, actions, row_marker):
    """The <tr> of each row (db.clients.composition_page.CompanyRow) with the buttons of its actions
    (templates/clients/portfolios/_icons.html: the URL of each for the row id row_marker is built once),
    as the template's loop wrote them, joined by newlines; within spliced(), their place only."""
    row_format, pick = _cached_pieces(actions, row_marker)
    made = b"\n".join([row_format % pick((a.encode(), b.encode(), c.encode(), d.encode(), e.encode()))
                        for a, b, c, d, e in _values(rows)])
    spliced_rows = g.get(_SPLICED)
    if spliced_rows is None:  # a page rendered as text (the composition after a POST)
        return Markup(made.decode())
    spliced_rows.append(made)
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
