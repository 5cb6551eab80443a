"""The administrator's dashboard (db.clients.dashboard): the firm's own counts, the rights becoming usable
in the next 24 hours, never another firm's, and only for administrators."""
import datetime

import pytest

from db import clock, counts
from db.clients.dashboard import dashboard
from db.errors import Forbidden
from db.models import USER_DECLARATION_RIGHTS, Declaration, Establishment, Habilitation, Portfolio, User
from tests.factories.firms import second_firm
from tests.factories.people import demo_user


def test_the_firms_counts_and_the_rights_of_the_next_24_hours(admin):
    other = second_firm()
    firm = admin.firm_id
    board = dashboard(admin)
    portfolios = Portfolio.select().where(Portfolio.firm == firm)
    assert board.portfolios == portfolios.count()
    assert board.companies == sum(p.company_count for p in portfolios) > 0
    assert board.establishments == sum(p.establishment_count for p in portfolios) > 0
    assert board.people == User.select().where(User.firm == firm).count() == 3
    before = board.soon_count  # the demo's own grants may become usable within the day
    now = clock.now()
    soon = now + datetime.timedelta(hours=2, minutes=7)
    mine = Establishment.select().where(Establishment.firm == firm).first()
    theirs = Establishment.select().where(Establishment.firm == other.firm.id).first()
    dsn = Declaration.get(Declaration.code == "DSN")
    for establishment, person, when in ((mine, demo_user("DURAND"), soon),
                                        (mine, admin, now + datetime.timedelta(days=2)),
                                        (theirs, other.admin, soon)):
        Habilitation.delete().where(Habilitation.user == person, Habilitation.establishment == establishment,
                                    Habilitation.declaration == dsn).execute()
        Habilitation.create(user=person, establishment=establishment, declaration=dsn, declare=True,
                            granted_at=now, active_from=when)
    counts.recount(USER_DECLARATION_RIGHTS)  # as every write path of habilitations does
    board = dashboard(admin)
    assert board.soon_count == before + 1
    assert any(abs((moment - soon).total_seconds()) < 1 and count == 1 for moment, count in board.soon)
    assert board.soon == sorted(board.soon) and len({moment for moment, _ in board.soon}) == len(board.soon)


def test_a_declarant_has_no_dashboard(admin):
    with pytest.raises(Forbidden):
        dashboard(demo_user("DURAND"))
