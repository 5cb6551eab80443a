"""Fixtures of the declarations view tests: the demo firm's ids, and another firm's."""
from types import SimpleNamespace

import pytest

from db.database import database
from db.models import Company, Establishment, Portfolio, User
from tests.factories.clients import make_company, make_portfolio
from tests.factories.firms import make_firm


@pytest.fixture
def world(app):
    """Ids of the demo firm (its default portfolio, a client, an establishment, its people) and of
    another firm's portfolio, company and establishment."""
    with database.connection_context():
        default = Portfolio.get(Portfolio.is_default & (Portfolio.name == "Portefeuille par défaut"))
        company = Company.get((Company.portfolio == default.id) & (Company.siren == "552032534"))
        establishment = (
            Establishment.select()
            .where(Establishment.company == company.id)
            .order_by(Establishment.siret)
            .first()
        )
        people = {u.nom: u.id for u in User.select().where(User.firm == default.firm_id)}
        firm, _, _ = make_firm()
        foreign_portfolio = make_portfolio(firm, "ÉTRANGER", ["DSN"])
        foreign_company = make_company(firm, foreign_portfolio, "123456782", 2)
        foreign_establishment = foreign_company.establishments[0]
        return SimpleNamespace(
            portfolio=default.id, company=company.id, siren=company.siren, establishment=establishment.id,
            siret=establishment.siret, admin=people["MOUTIN"], paul=people["DURAND"], sophie=people["LEROY"],
            foreign_portfolio=foreign_portfolio.id, foreign_company=foreign_company.id,
            foreign_establishment=foreign_establishment.id,
        )
