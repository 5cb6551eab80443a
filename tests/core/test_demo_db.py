"""The demo firm of the embedded default (db/demo.py): people, portfolios, clients, declarations, rights."""
from db.demo import DEMO_SIRET, create_demo
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
