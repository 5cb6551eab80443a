"""The legend under the portfolio and company tables, written once per process in Python (webapp/icons.py
action_legend), is byte for byte what the Jinja macro it replaces wrote, leaves out the actions of an area
that is not installed, and the rows' markup cut once per process follows the script root it is served
under."""
from db.clients.composition_page import CompanyRow
from webapp.company_rows import company_rows

# The macro of templates/clients/portfolios/_icons.html before the legend was written in Python.
MACRO = """{% macro icon_legend(actions) %}
<section class="legend" aria-labelledby="legend-title">
  <h2 id="legend-title">Légende</h2>
  <ul>
    {% for glyph, label, endpoint, _, more in actions if endpoint_exists(endpoint) %}
    <li>{{ label|action_icon(glyph, word=False) }} {{ label }}{{ more }}</li>
    {% endfor %}
  </ul>
</section>
{% endmacro %}"""
IMPORT = '{% from "clients/portfolios/_icons.html" import COMPANY_ACTIONS, PORTFOLIO_ACTIONS %}'


def _both(app, actions):
    old = f"{MACRO}{IMPORT}{{{{ icon_legend({actions}) }}}}"
    new = f"{IMPORT}{{{{ action_legend({actions}) }}}}"
    with app.test_request_context():
        return app.jinja_env.from_string(old).render(), app.jinja_env.from_string(new).render()


def test_legend_is_the_macros_markup(app):
    for actions in ("COMPANY_ACTIONS", "PORTFOLIO_ACTIONS", "COMPANY_ACTIONS"):  # the second time remembered
        old, new = _both(app, actions)
        assert new == old
    assert "Supprimer le portefeuille (vide, autre que le portefeuille par défaut)</li>" in _both(
        app, "PORTFOLIO_ACTIONS")[1]


def test_legend_leaves_out_an_area_not_installed(app):
    missing = "PORTFOLIO_ACTIONS + [('★', 'Action « à venir »', 'nowhere.index', 'id', ' & plus')]"
    old, new = _both(app, missing)
    assert new == old and "à venir" not in new


def test_rows_and_legend_follow_the_script_root(app):
    template = ('{% from "clients/portfolios/_icons.html" import COMPANY_ACTIONS, ROW_ID %}'
                "{{ company_rows(rows, COMPANY_ACTIONS, ROW_ID) }}{{ action_legend(COMPANY_ACTIONS) }}")
    rows = [CompanyRow(7, "552032534", "DANONE", 3)]
    pages = []
    for root in ("", "/portail", ""):
        with app.test_request_context(base_url=f"http://localhost{root}/"):
            pages.append(app.jinja_env.from_string(template).render(rows=rows, company_rows=company_rows))
    assert 'href="/gestion/entreprises/7/retirer"' in pages[0]
    assert 'href="/portail/gestion/entreprises/7/retirer"' in pages[1]
    assert pages[1].count('href="/portail/static/icons.svg#x-mark"') == 2  # the row's button and the legend
    assert pages[2] == pages[0]
