"""Fixtures of the habilitation tests: two firms, their portfolios, clients and people, with the
clock frozen."""
import datetime
from types import SimpleNamespace

import pytest

from db import clock
from db.models import Declaration
from tests.factories.clients import make_company, make_portfolio
from tests.factories.firms import make_firm

NOW = datetime.datetime(2026, 11, 22, 13, 5)  # 14:05 in Paris
ALICE = ("ADMIN", "Alice")


def world():
    """A firm with two portfolios:
    - "GRANDS COMPTES" (DSN with payment, DPAE without) with ADMIN Alice, DURAND Paul and LEROY Sophie,
      clients 100000001 (3 establishments) and 100000002 (2);
    - "PETITS" (DSN) with DURAND Paul only, client 200000001 (1 establishment).
    Plus another firm with its own client 900000001 and déclarant."""
    t = SimpleNamespace(**make_firm(name="CABINET TEST", admin=ALICE,
                                    declarants=(("DURAND", "Paul"), ("LEROY", "Sophie")))._asdict())
    t.paul, t.sophie = t.people
    t.big = make_portfolio(t.firm, "GRANDS COMPTES", ["DSN", "DPAE"], [t.admin, t.paul, t.sophie])
    t.small = make_portfolio(t.firm, "PETITS", ["DSN"], [t.paul])
    t.acme = make_company(t.firm, t.big, "100000001", 3, name="ACME")
    t.beta = make_company(t.firm, t.big, "100000002", 2, name="BETA")
    t.gamma = make_company(t.firm, t.small, "200000001", 1, name="GAMMA")
    t.other = other_firm()
    t.other_portfolio = make_portfolio(t.other.firm, "AILLEURS", ["DSN"], [t.other.admin, *t.other.people])
    t.other_company = make_company(t.other.firm, t.other_portfolio, "900000001", 1)
    return t


def other_firm(declarants=(("MARTIN", "Luc"),)):
    """AUTRE CABINET, whose ids the habilitation pages and operations must not find."""
    return make_firm(siret="98765432100014", name="AUTRE CABINET", admin=ALICE, declarants=declarants)


@pytest.fixture
def t(db_engine):
    """The test firms (see world), with the clock frozen at NOW; the catalogue's access delays, which
    PostgreSQL keeps between tests, are put back afterwards."""
    delays = dict(Declaration.select(Declaration.id, Declaration.access_delay_hours).tuples())
    clock.freeze(NOW)
    yield world()
    clock.freeze(None)
    for declaration_id, hours in delays.items():
        Declaration.update(access_delay_hours=hours).where(
            (Declaration.id == declaration_id) & (Declaration.access_delay_hours != hours)).execute()
