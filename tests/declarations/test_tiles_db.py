"""Vos déclarations (db/declarations/tiles.py): tiles and the establishments behind a tile, on both
engines."""
import datetime

import pytest

from db import clock
from db.declarations import tiles
from db.errors import NotFound
from tests.factories.clients import make_company, make_portfolio
from tests.factories.firms import make_firm
from tests.factories.habilitations import grant
from tests.factories.queries import count_queries

NOW = datetime.datetime(2026, 11, 22, 13, 5)  # 14:05 in Paris


@pytest.fixture
def firm(db_engine):
    clock.freeze(NOW)
    firm, admin, [declarant] = make_firm()
    portfolio = make_portfolio(firm, "CLIENTS", ["DSN", "SOLTEA_EMPLOYEURS", "TESE"])
    alpha = make_company(firm, portfolio, "111111118", 3, name="ALPHA")
    beta = make_company(firm, portfolio, "222222226", 2, name="BETA")
    return {"firm": firm, "admin": admin, "declarant": declarant, "alpha": alpha, "beta": beta}


def by_code(user):
    return {t.declaration.code: t for t in tiles.tiles(user)}


def test_a_right_granted_now_is_accessible_in_24_hours(firm):
    grant(firm["declarant"], firm["alpha"].establishments, "SOLTEA_EMPLOYEURS")
    tile = by_code(firm["declarant"])["SOLTEA_EMPLOYEURS"]
    assert not tile.accessible and tile.establishments == 3
    assert tile.hours_left == 24
    assert tile.next_access == NOW + datetime.timedelta(hours=24)
    clock.advance(hours=23, minutes=1)
    assert by_code(firm["declarant"])["SOLTEA_EMPLOYEURS"].hours_left == 1
    clock.advance(minutes=59)
    tile = by_code(firm["declarant"])["SOLTEA_EMPLOYEURS"]
    assert tile.accessible and tile.establishments == 3 and tile.next_access is None


def test_one_usable_right_makes_the_tile_accessible(firm):
    grant(firm["declarant"], firm["alpha"].establishments, "DSN", at=NOW - datetime.timedelta(days=2))
    grant(firm["declarant"], firm["beta"].establishments, "DSN", at=NOW - datetime.timedelta(hours=10))
    tile = by_code(firm["declarant"])["DSN"]
    assert tile.accessible and tile.establishments == 5 and tile.next_access is None


def test_the_first_right_to_open_gives_the_moment(firm):
    grant(firm["declarant"], firm["alpha"].establishments, "TESE", at=NOW - datetime.timedelta(hours=3))
    grant(firm["declarant"], firm["beta"].establishments, "TESE", declare=False, pay=True,
          at=NOW - datetime.timedelta(hours=10))
    tile = by_code(firm["declarant"])["TESE"]
    assert not tile.accessible and tile.establishments == 5
    assert tile.next_access == NOW + datetime.timedelta(hours=14) and tile.hours_left == 14


def test_payer_alone_counts_and_rows_without_any_right_do_not(firm):
    grant(firm["declarant"], firm["alpha"].establishments[:1], "TESE", declare=False, pay=True,
          at=NOW - datetime.timedelta(days=3))
    grant(firm["declarant"], firm["beta"].establishments, "DSN", declare=False, pay=False)
    found = by_code(firm["declarant"])
    assert set(found) == {"TESE"} and found["TESE"].accessible


def test_each_person_sees_only_his_own_tiles(firm):
    grant(firm["declarant"], firm["alpha"].establishments, "DSN")
    grant(firm["admin"], firm["beta"].establishments, "SOLTEA_EMPLOYEURS")
    assert set(by_code(firm["declarant"])) == {"DSN"}
    assert set(by_code(firm["admin"])) == {"SOLTEA_EMPLOYEURS"}
    assert by_code(make_firm("98765432100014", "TIERS").people[0]) == {}


def test_tiles_follow_the_catalogue_order_in_a_constant_number_of_queries(firm):
    grant(firm["declarant"], firm["alpha"].establishments, "SOLTEA_EMPLOYEURS")
    with count_queries() as one:
        tiles.tiles(firm["declarant"])
    grant(firm["declarant"], firm["alpha"].establishments, "DSN")
    grant(firm["declarant"], firm["beta"].establishments, "TESE", pay=True)
    with count_queries() as three:
        found = tiles.tiles(firm["declarant"])
    assert [t.declaration.code for t in found] == ["DSN", "TESE", "SOLTEA_EMPLOYEURS"]
    assert one() == three() == 1  # the tally of rights (RightTally) joined to its declarations


def test_tile_establishments_with_search_and_pages(firm):
    grant(
        firm["declarant"], firm["alpha"].establishments, "TESE", pay=True, at=NOW - datetime.timedelta(days=2)
    )
    grant(firm["declarant"], firm["beta"].establishments, "TESE")
    declaration, rights, total = tiles.tile_establishments(firm["declarant"], "TESE", per_page=4)
    assert declaration.code == "TESE" and total == 5 and len(rights) == 4
    first = rights[0]
    assert (first.siret, first.company, first.name) == ("11111111800001", "ALPHA", "ETS 1")
    assert first.declare and first.usable(first.declare_from) and first.pay
    later = [r for r in rights if r.siret.startswith("222222226")][0]
    assert not later.usable(later.declare_from) and later.pay_from is None
    _, rights, total = tiles.tile_establishments(firm["declarant"], "TESE", page=2, per_page=4)
    assert total == 5 and [r.siret for r in rights] == ["22222222600002"]
    assert tiles.tile_establishments(firm["declarant"], "TESE", search="222 222 226")[2] == 2
    assert tiles.tile_establishments(firm["declarant"], "TESE", search="alph")[2] == 3
    assert tiles.tile_establishments(firm["declarant"], "TESE", search="zzz")[2] == 0


@pytest.mark.parametrize("code", ["DSN", "INCONNU"])
def test_a_tile_the_user_does_not_hold_is_not_found(firm, code):
    grant(firm["admin"], firm["alpha"].establishments, "DSN")
    with pytest.raises(NotFound):
        tiles.tile_establishments(firm["declarant"], code)
