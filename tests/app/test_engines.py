"""The same app running on PostgreSQL: the demo firm logs in through the pages."""
import html

from db.demo import DEMO_PASSWORD, DEMO_SIRET, create_demo
from db.models import Company, Portfolio, User
from tests.factories.database import POSTGRES_URL
from tests.factories.queries import count_queries
from webapp import create_app


def test_the_same_app_serves_from_postgresql(request):
    if not POSTGRES_URL:
        return  # scripts/test.sh always provides PostgreSQL; a bare `pytest` runs SQLite only
    request.getfixturevalue("postgres_ready")
    app = create_app(
        {"TESTING": True, "DATABASE_URL": POSTGRES_URL, "SECRET_KEY": "pg", "PASSWORD_HASH_ROUNDS": 4}
    )
    from tests.conftest import PortalClient

    app.test_client_class = PortalClient
    create_demo()
    client = app.test_client()
    response = client.post("/connexion", data={"siret": DEMO_SIRET, "nom": "Moutin", "prenom": "claire",
                                               "password": DEMO_PASSWORD}, follow_redirects=True)
    assert "MOUTIN Claire" in html.unescape(response.get_data(as_text=True))
    # Composer le portefeuille's page 1 is read with the session: one statement (composition_page.py)
    portfolio = (Portfolio.select().join(User, on=Portfolio.firm == User.firm)
                 .where(User.nom == "MOUTIN").first())
    first = Company.select().where(Company.portfolio == portfolio.id).order_by(Company.name).first()
    url = f"/gestion/portefeuilles/{portfolio.id}/composition"
    with count_queries() as statements:
        page = html.unescape(client.get(url).get_data(as_text=True))
    assert portfolio.name in page and first.name in page and statements() == 1
    # so is « Vos portefeuilles »' list without a search (portfolios.py SESSION_PORTFOLIOS)
    with count_queries() as statements:
        page = html.unescape(client.get("/gestion/portefeuilles").get_data(as_text=True))
    assert portfolio.name in page and "Portefeuille par défaut" in page and statements() == 1
