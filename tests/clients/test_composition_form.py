"""« Ajouter une entreprise » as Composer le portefeuille shows it before anything is typed
(webapp/composition_form.py: rendered once per process, then cut where the portfolio id and the CSRF token
go) is the template's own markup for every portfolio, empty (the panel open) or not, and every session."""
import re
from types import SimpleNamespace

from webapp.composition_form import TEMPLATE, add_company_panel
from webapp.forms.portfolios import AddCompanyForm

TOKEN = re.compile(r'<input id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)">')


def _by_the_template(app, portfolio_id, total):
    return app.jinja_env.get_template(TEMPLATE).render(
        form=AddCompanyForm(formdata=None), portfolio=SimpleNamespace(id=portfolio_id),
        cpage=SimpleNamespace(total=total), error=None, other=None, added=None)


def test_the_panel_is_the_templates_for_every_portfolio_and_session(app):
    tokens = []
    for _ in range(2):
        with app.test_request_context():  # a session of its own: its own CSRF token
            for portfolio_id, total in ((7, 0), (12345, 3), (7, 1), (98, 0)):
                panel = str(add_company_panel(portfolio_id, total))
                assert panel == _by_the_template(app, portfolio_id, total)
            tokens += TOKEN.findall(panel)
    assert panel.startswith('<details class="add-company panel" open>')
    assert panel.count('/gestion/portefeuilles/98/entreprises') == 3 and "12345" not in panel
    assert len(set(tokens)) == 2


def test_the_page_posts_its_panel_with_its_own_token(admin_client):
    page = admin_client.get("/gestion/portefeuilles").get_data(as_text=True)
    compose = re.search(r'href="(/gestion/portefeuilles/\d+/composition)"', page).group(1)
    html = admin_client.get(compose).get_data(as_text=True)
    [token] = TOKEN.findall(html)
    assert f'"X-CSRFToken": "{token}"' in html
    action = re.search(r'<form method="post" action="([^"]+)" class="form add-company-form"', html).group(1)
    refused = admin_client.post(action, data={"siren": "123", "csrf_token": token}, with_csrf=False)
    assert refused.status_code == 422 and "SIREN" in refused.get_data(as_text=True)  # not the token
    assert admin_client.post(action, data={"siren": "123", "csrf_token": token[:-2]},
                             with_csrf=False).status_code == 400
