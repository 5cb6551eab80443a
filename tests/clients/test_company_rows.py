"""The composition's rows built in Python (webapp/company_rows.py) write, byte for byte, what the
template's loop they replace wrote: names that need escaping or that look like format fields, one and
several establishments, counts in thousands, with the real action buttons and their URLs."""
import pathlib
import re

from db.clients.composition_page import CompanyRow
from webapp.company_rows import company_rows, spliced

# The loop of templates/clients/portfolios/_companies.html before its rows were built in Python.
LOOP = (pathlib.Path(__file__).parent / "company_row_loop.jinja").read_text(encoding="utf-8")
PATTERNS = """{% from "clients/portfolios/_icons.html" import COMPANY_ACTIONS, ROW_ID %}
{% set patterns = {} %}
{% for _, _, endpoint, argument, _ in COMPANY_ACTIONS %}
{% set _ = patterns.update({endpoint: nav_url(endpoint, **{argument: ROW_ID})}) %}
{% endfor %}
"""


class Company:  # what the old loop read: row.company
    def __init__(self, row):
        self.id, self.siren, self.name = row.id, row.siren, row.name


class OldRow:
    def __init__(self, row):
        self.company, self.kind, self.establishments = Company(row), row.kind, row.establishments


def rows():
    names = ["BUREAU D'O & <FILS>", 'LE "QUAI" {0} {name} %s', "ÉTS L’ÉCLUSE : « PLÉRIN » > 2",
             "SOCIETE 00001"]
    sirens = [f"{700000003 + n * 8:09d}" for n in range(8)] + ["12<34"]  # the last as no SIREN is stored
    return [CompanyRow(n * 7919 + 1, sirens[n], names[n % 4], [0, 1, 2, 1234567][n % 4]) for n in range(9)]


def test_rows_are_the_loops_markup(app):
    old_page = PATTERNS + "  <tbody>\n" + LOOP + "  </tbody>\n"
    new_page = (PATTERNS + "  <tbody>\n    {% if cpage.rows %}\n"
                "{{ company_rows(cpage.rows, COMPANY_ACTIONS, ROW_ID) }}\n"
                "    {% else %}\n    <tr></tr>\n    {% endif %}\n  </tbody>\n")
    with app.test_request_context():
        old = app.jinja_env.from_string(old_page).render(cpage={"rows": [OldRow(r) for r in rows()]})
        new = app.jinja_env.from_string(new_page).render(cpage={"rows": rows()}, company_rows=company_rows)
    assert "BUREAU D&#39;O &amp; &lt;FILS&gt;" in new and "1\u202f234\u202f567" in new
    assert "Mono-établissement" in new and "/gestion/entreprises/7920/retirer" in new
    assert new == old


def test_a_spliced_page_is_the_same_bytes(app, admin_client):
    """Composer le portefeuille's view takes its rows as bytes (company_rows.spliced): the page's bytes
    are the UTF-8 of the page rendered the ordinary way, its ’ and narrow no-break spaces included."""
    page = (PATTERNS + "<p>L’entreprise « {{ q }} »</p>\n"
            "{{ company_rows(cpage.rows, COMPANY_ACTIONS, ROW_ID) }}\n<p>fin</p>")
    with app.test_request_context():
        def render():
            return app.jinja_env.from_string(page).render(cpage={"rows": rows()}, q="ÉCLUSE\u202f’",
                                                          company_rows=company_rows)
        plain = render()
        assert spliced(render) == plain.encode() and "/gestion/entreprises/7920/retirer" in plain
    listing = admin_client.get("/gestion/portefeuilles").get_data(as_text=True)
    for path in re.findall(r'href="(/gestion/portefeuilles/\d+/composition)"', listing):
        response = admin_client.get(path)
        assert response.content_type == "text/html; charset=utf-8" and response.status_code == 200
    assert "Mono-établissement" in response.get_data(as_text=True)
