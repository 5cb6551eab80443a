"""The demo firm of the embedded default, and the same app running on PostgreSQL."""
import html

from db.demo import DEMO_PASSWORD, DEMO_SIRET, create_demo
from db.models import (
    Company,
    Establishment,
    Firm,
    FirmDeclaration,
    Habilitation,
    Portfolio,
    PortfolioDeclarant,
    PortfolioDeclaration,
    User,
)
from tests.factories.database import POSTGRES_URL
from webapp import create_app


def test_demo_firm_has_people_portfolios_clients_declarations_and_rights(demo_firm):
    firm = Firm.get(Firm.siret == DEMO_SIRET)
    roles = sorted(u.role for u in User.select().where(User.firm == firm))
    assert roles == ["admin", "declarant", "declarant"]
    portfolios = {p.name: p for p in Portfolio.select().where(Portfolio.firm == firm)}
    assert portfolios["Portefeuille par défaut"].is_default
    assert len(portfolios) == 2
    assert Company.select().where(Company.firm == firm).count() >= 4
    assert Establishment.select().where(Establishment.firm == firm).count() >= Company.select().count()
    assert PortfolioDeclaration.select().count() > 0 and PortfolioDeclarant.select().count() > 0
    assert FirmDeclaration.select().where(FirmDeclaration.firm == firm).count() == 2
    assert Habilitation.select().count() > 0
    assert create_demo() is None  # idempotent


def test_demo_accounts_can_recover_with_their_secret_question(demo_firm):
    from db.accounts.passwords import answer_matches
    from db.demo import DEMO_SECRET_ANSWER, DEMO_SECRET_QUESTION

    for user in User.select():
        assert user.secret_question == DEMO_SECRET_QUESTION
        assert answer_matches(DEMO_SECRET_ANSWER.upper(), user.secret_answer_hash)


def test_the_same_app_serves_from_postgresql(request):
    if not POSTGRES_URL:
        return  # scripts/test.sh always provides PostgreSQL; a bare `pytest` runs SQLite only
    request.getfixturevalue("postgres_ready")
    app = create_app({"TESTING": True, "DATABASE_URL": POSTGRES_URL, "SECRET_KEY": "pg", "PASSWORD_HASH_ROUNDS": 4})
    from tests.conftest import PortalClient

    app.test_client_class = PortalClient
    create_demo()
    client = app.test_client()
    response = client.post("/connexion", data={"siret": DEMO_SIRET, "nom": "Moutin", "prenom": "claire",
                                               "password": DEMO_PASSWORD}, follow_redirects=True)
    assert "MOUTIN Claire" in html.unescape(response.get_data(as_text=True))
