"""« Ajouter une entreprise » on Composer le portefeuille as a page shows it before anything is typed
(templates/clients/portfolios/_add_company.html). Its markup depends only on the portfolio (the URLs of its
form) and on the page's CSRF token, yet WTForms' form, its hidden tag and the field macro cost ~0.1 ms a
page. So the panel is rendered once per process by its template, with a marker in place of the portfolio
id, and cut there and where the token goes: a page puts its portfolio id and its token back. A form with
a value, an error or a company just added is rendered by the template itself
(tests/clients/test_composition_form.py compares both)."""
from types import SimpleNamespace

from flask.globals import _cv_request
from markupsafe import Markup

from webapp.extensions import csrf_token
from webapp.forms.portfolios import AddCompanyForm
from webapp.memo import remembered

TEMPLATE = "clients/portfolios/_add_company.html"
_ID = str(2**62 - 1)  # the portfolio id the panel is rendered for: digits found nowhere else in it
PANELS_KEPT = 8  # per worker process: open or closed, per script root


def _cut(app, empty):
    """The panel's markup as [[pieces between tokens] between portfolio ids], for an empty portfolio (the
    panel opened) or not."""
    form = AddCompanyForm(formdata=None)
    token = csrf_token()
    html = app.jinja_env.get_template(TEMPLATE).render(
        form=form, portfolio=SimpleNamespace(id=int(_ID)), cpage=SimpleNamespace(total=0 if empty else 1),
        error=None, other=None, added=None)
    if html.count(token) != (1 if form.meta.csrf else 0) or _ID not in html:
        raise RuntimeError(f"{TEMPLATE}: the CSRF token or the portfolio id is not where the panel awaits it")
    return [part.split(token) for part in html.split(_ID)]


def add_company_panel(portfolio_id, total):
    """The panel for this portfolio (total: its number of companies; none opens the panel)."""
    context = _cv_request.get()
    empty = not total
    parts = remembered(context.app, "portal_add_company_panel", (context.request.script_root, empty),
                       lambda: _cut(context.app, empty), PANELS_KEPT)
    token = csrf_token()
    return Markup(str(portfolio_id).join([token.join(pieces) for pieces in parts]))
