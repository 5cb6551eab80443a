"""Couverture (db/habilitations/coverage.py): cells covered by nobody, by one person, by two; today's
rights only (started, not ended, people active); scoped to the firm; paged."""
import datetime

import pytest

from db import clock, habilitations
from db.clients import companies
from db.errors import Forbidden, NotFound
from db.habilitations import coverage, grid
from db.models import User
from tests.factories.habilitations import establishments, grant, key
from tests.habilitations.conftest import NOW

DAY = datetime.timedelta(days=1)


def cells(found):
    return {(g.siret, g.declaration, g.holders, g.holder) for g in found.gaps}


def test_zero_one_and_two_people(t):
    acme = establishments(t.acme)
    grant(t.paul, acme[:2], "DSN", at=NOW - 2 * DAY)
    grant(t.sophie, acme[:1], "DSN", at=NOW - 2 * DAY)
    found = coverage.coverage(t.admin, t.big.id)
    # GRANDS COMPTES: 5 establishments × DSN, DPAE = 10 cells; acme[0] DSN has two people.
    assert (found.uncovered, found.single) == (8, 1)
    assert (acme[1].siret, "DSN", 1, "DURAND Paul") in cells(found)
    assert not any(g.siret == acme[0].siret and g.declaration == "DSN" for g in found.gaps)
    only_one = coverage.coverage(t.admin, t.big.id, kind="une")
    assert [(g.siret, g.holders) for g in only_one.gaps] == [(acme[1].siret, 1)]
    assert len(coverage.coverage(t.admin, t.big.id, kind="aucun").gaps) == 8


def test_a_right_not_usable_yet_or_ended_covers_nothing(t):
    acme = establishments(t.acme)
    grant(t.paul, acme[:1], "DSN")  # usable in 24 hours
    assert coverage.coverage(t.admin, t.big.id).uncovered == 10
    clock.freeze(NOW + 2 * DAY)
    assert coverage.coverage(t.admin, t.big.id).uncovered == 9
    from db.models import Habilitation
    Habilitation.update(active_until=NOW + 2 * DAY).execute()  # ends exactly now
    assert coverage.coverage(t.admin, t.big.id).uncovered == 10


def test_payer_counts_only_declarations_with_payment_and_inactive_people_do_not_cover(t):
    acme = establishments(t.acme)
    grant(t.paul, acme, "DSN", declare=True, pay=True, at=NOW - 2 * DAY)
    payer = coverage.coverage(t.admin, t.big.id, right="payer")
    assert {g.declaration for g in payer.gaps} == {"DSN"} and payer.single == 3
    User.update(is_active=False).where(User.id == t.paul.id).execute()
    assert coverage.coverage(t.admin, t.big.id, right="payer").uncovered == 5


def test_valider_and_a_company_removed_move_the_counts_at_once(t):
    acme = establishments(t.acme)

    def valider(changes):
        habilitations.validate(t.admin, {}, {"version": str(grid.version()), "changes": changes})

    valider(f"{key(acme[0], 'DSN', t.paul)}-d-1 {key(acme[0], 'DSN', t.sophie)}-d-1 "
            f"{key(acme[1], 'DSN', t.paul)}-d-1")
    clock.freeze(NOW + 2 * DAY)
    found = coverage.coverage(t.admin, t.big.id)
    assert (found.uncovered, found.single) == (8, 1)
    valider(f"{key(acme[0], 'DSN', t.sophie)}-d-0")
    found = coverage.coverage(t.admin, t.big.id)
    assert (found.uncovered, found.single) == (8, 2)
    assert (acme[0].siret, "DSN", 1, "DURAND Paul") in cells(found)
    companies.remove_company(t.admin, t.acme.id)
    found = coverage.coverage(t.admin, t.big.id)
    assert (found.uncovered, found.single) == (4, 0)


def test_pages_of_fifty_and_the_default_portfolio(t):
    found = coverage.coverage(t.admin, None)
    assert found.portfolio.is_default and found.pages == 1
    with pytest.raises(NotFound):
        coverage.coverage(t.admin, t.other_portfolio.id)
    with pytest.raises(Forbidden):
        coverage.coverage(t.paul, t.big.id)


def test_pages_run_across_companies_in_their_order_with_todays_corrections(t):
    """Lines are found from the companies' counts, then only the page's companies are read: the pages
    together are exactly every gap in company, SIRET and service order, a right ended today included."""
    from tests.factories.clients import make_company
    make_company(t.firm, t.big, "100000003", 30, name="ALPHA")  # 60 cells, between ACME and BETA
    make_company(t.firm, t.big, "100000004", 20, name="ZETA")
    acme = establishments(t.acme)
    grant(t.paul, acme[:2], "DSN", at=NOW - 2 * DAY)
    grant(t.sophie, acme[:1], "DSN", at=NOW - 2 * DAY)
    from db.models import Habilitation
    Habilitation.update(active_until=NOW).where(Habilitation.user == t.sophie.id).execute()  # ended now
    first, second, third = (coverage.coverage(t.admin, t.big.id, page=n) for n in (1, 2, 3))
    lines = [(g.company, g.siret, g.declaration, g.holders) for f in (first, second, third) for g in f.gaps]
    assert (first.uncovered, first.single, first.pages) == (108, 2, 3)  # ACME 4 + 60 + BETA 4 + 40; 2
    assert len(lines) == 110 and lines == sorted(lines, key=lambda g: (g[0], g[1], g[2] == "DPAE"))
    assert [g[0] for g in lines[64:68]] == ["ALPHA", "ALPHA", "BETA", "BETA"]
    assert (acme[0].siret, "DSN", 1, "DURAND Paul") in cells(first) | cells(second)
    once = coverage.coverage(t.admin, t.big.id, kind="une")
    assert [(g.siret, g.holder) for g in once.gaps] == [(acme[0].siret, "DURAND Paul"),
                                                          (acme[1].siret, "DURAND Paul")]
    assert coverage.coverage(t.admin, t.big.id, page=9).page == 3  # past the last page: the last one


def test_a_company_moved_carries_its_gaps_to_the_other_portfolio(t):
    """The totals come from maintained sums per portfolio: a transfer moves the company's gaps with it,
    and every count stays equal to its truth (db check-counts)."""
    from db import counts
    acme = establishments(t.acme)
    grant(t.paul, acme[:1], "DSN", at=NOW - 2 * DAY)
    before = coverage.coverage(t.admin, t.big.id)
    small = coverage.coverage(t.admin, t.small.id)
    companies.transfer_company(t.admin, t.acme.id, t.small.id)  # PETITS: DSN only, Paul keeps it
    after = coverage.coverage(t.admin, t.big.id)
    assert (before.uncovered, before.single, after.uncovered, after.single) == (9, 1, 4, 0)
    moved = coverage.coverage(t.admin, t.small.id)
    assert moved.uncovered > small.uncovered and "ACME" in {g.company for g in moved.gaps}
    assert counts.check() == {}
