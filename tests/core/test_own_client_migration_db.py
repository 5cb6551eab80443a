"""The data migration 0201 (db/migrations/0201_firm_is_its_own_client.py), on SQLite and PostgreSQL: a
database of the previous head holding the demo firm upgrades, and the demo firm becomes its own first
client, as a new inscription makes it; a firm that had already arranged it keeps everything as it was."""

from playhouse.migrations import Runner

from db import schema
from db.clients import composition, portfolios
from db.database import database
from db.demo import DEMO_SIRET, create_demo
from db.models import (
    AuditEvent,
    Company,
    CompanyDeclaration,
    Establishment,
    Firm,
    Habilitation,
    Portfolio,
    PortfolioDeclarant,
    PortfolioDeclaration,
)
from tests.factories.firms import make_firm

AUBADE_SIRET = "77569590100063"  # an active establishment of a company of the sample


def _rows(firm):
    portfolio_ids = [p.id for p in Portfolio.select().where(Portfolio.firm == firm.id)]
    return (
        Company.select().where(Company.firm == firm.id).count(),
        Establishment.select().where(Establishment.firm == firm.id).count(),
        PortfolioDeclaration.select().where(PortfolioDeclaration.portfolio.in_(portfolio_ids)).count(),
        PortfolioDeclarant.select().where(PortfolioDeclarant.portfolio.in_(portfolio_ids)).count(),
        Habilitation.select().join(Establishment).where(Establishment.firm == firm.id).count(),
    )


def test_firms_of_the_previous_head_become_their_own_first_client(db_engine):
    demo = create_demo()
    arranged, admin, _ = make_firm(AUBADE_SIRET, "AUBADE PARIS", ("RANGE", "Alice"), ())
    own = portfolios.create_portfolio(admin, "MON CABINET", "", [admin.id])
    composition.add_company(admin, own.id, AUBADE_SIRET[:9])
    before = _rows(arranged)
    # Back to the previous head (0003), the firms' rows kept; then upgrade as an installation would.
    runner = Runner(database.obj, schema.MIGRATIONS_DIR)
    undone = runner.down("0200_firm_space")  # 0201, 0200 and the later migrations, newest first
    assert undone[-2:] == ["0201_firm_is_its_own_client", "0200_firm_space"]
    assert schema.upgrade() == undone[::-1]

    default = Portfolio.get((Portfolio.firm == demo.id) & Portfolio.is_default)
    company = Company.get((Company.firm == demo.id) & (Company.siren == DEMO_SIRET[:9]))
    assert company.portfolio_id == default.id and company.name == "AG CONSEIL"
    sirets = {e.siret for e in Establishment.select().where(Establishment.company == company.id)}
    assert DEMO_SIRET in sirets
    chosen = {
        c.declaration.code for c in CompanyDeclaration.select().where(CompanyDeclaration.company == company)
    }
    assert chosen == {"DSN", "SOLTEA_EMPLOYEURS"}  # the declarations chosen at inscription, not the clients'
    offered = {
        p.declaration.code
        for p in PortfolioDeclaration.select().where(PortfolioDeclaration.portfolio == default.id)
    }
    assert offered == {"DSN", "DPAE", "SOLTEA_EMPLOYEURS"}
    claire = company.firm.users.where(company.firm.users.model.nom == "MOUTIN").get()
    rights = {
        (h.declaration.code, h.declare, h.pay)
        for h in Habilitation.select()
        .join(Establishment)
        .where((Establishment.company == company.id) & (Habilitation.user == claire.id))
    }
    assert rights == {("DSN", True, True), ("SOLTEA_EMPLOYEURS", True, False)}
    pending = Habilitation.select().join(Establishment).where(Establishment.company == company.id).first()
    assert (pending.active_from - pending.granted_at).total_seconds() == 24 * 3600
    assert (
        AuditEvent.select()
        .where(
            (AuditEvent.firm == demo.id)
            & (AuditEvent.action == "company.add")
            & AuditEvent.summary.contains("mise à niveau du portail")
        )
        .count()
        == 1
    )
    assert _rows(Firm.get_by_id(arranged.id)) == before  # it had arranged it itself: nothing changes
    assert schema.upgrade() == [] and not schema.drift()
