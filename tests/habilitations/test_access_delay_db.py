"""Access delays: a right granted now is usable after its declaration's delay (24 h unless stated,
ACCESS_DELAY_HOURS overrides it, 0 allowed); removing and granting again restarts it."""
import datetime

import pytest

from db import clock
from db.declarations import tiles
from db.habilitations import access_delay, grid
from db.habilitations import operations as habilitations
from db.models import Declaration
from tests.factories.declarations import declaration
from tests.factories.habilitations import establishments, habilitation, key
from tests.habilitations.conftest import NOW

HOUR = datetime.timedelta(hours=1)


@pytest.mark.parametrize("own, override, expected", [(24, None, 24), (48, None, 48), (24, 0, 0), (24, "6", 6),
                                                     (None, None, 24), (24, "", 24)])
def test_effective_delay(own, override, expected):
    assert access_delay.effective_hours(own, override) == expected


def test_phrases_and_remaining_hours():
    assert access_delay.within_label(24) == "Accessible sous 24 heures"
    assert access_delay.within_label(0) == "Accessible immédiatement"
    assert access_delay.hours_left(NOW + 90 * datetime.timedelta(minutes=1), NOW) == 2
    assert access_delay.hours_left(NOW - HOUR, NOW) == 0
    assert access_delay.is_usable(NOW, NOW) and not access_delay.is_usable(NOW + HOUR, NOW)
    assert access_delay.grant_moments(24, now=NOW) == (NOW, NOW + 24 * HOUR)


def tick(t, *tokens, override=None):
    habilitations.validate(
        t.admin, {}, {"changes": " ".join(tokens), "version": str(grid.version())}, override
    )


def test_granted_now_usable_after_the_declaration_delay(t):
    Declaration.update(access_delay_hours=48).where(Declaration.code == "DPAE").execute()
    acme = establishments(t.acme)
    tick(t, f"{key(acme[0], 'DSN', t.paul)}-d-1", f"{key(acme[0], 'DPAE', t.paul)}-d-1")
    dsn, dpae = habilitation(acme[0], "DSN", t.paul), habilitation(acme[0], "DPAE", t.paul)
    assert (dsn.granted_at, dsn.active_from) == (NOW, NOW + 24 * HOUR)
    assert dpae.active_from == NOW + 48 * HOUR
    tile = {x.declaration.code: x for x in tiles.tiles(t.paul)}["DSN"]
    assert not tile.accessible and tile.hours_left == 24 and tile.next_access == NOW + 24 * HOUR


def test_payer_has_its_own_delay_and_a_later_grant_restarts_only_it(t):
    acme = establishments(t.acme)
    k = key(acme[0], "DSN", t.paul)
    tick(t, f"{k}-d-1")
    clock.advance(hours=30)
    tick(t, f"{k}-p-1")
    row = habilitation(acme[0], "DSN", t.paul)
    assert row.active_from == NOW + 24 * HOUR  # Déclarer kept its moment
    assert (row.pay_granted_at, row.pay_active_from) == (NOW + 30 * HOUR, NOW + 54 * HOUR)


def test_removing_and_granting_again_restarts_the_delay(t):
    acme = establishments(t.acme)
    k = key(acme[0], "DSN", t.paul)
    tick(t, f"{k}-d-1")
    clock.advance(hours=30)
    assert tiles.tiles(t.paul)[0].accessible
    tick(t, f"{k}-d-0")
    tick(t, f"{k}-d-1")
    row = habilitation(acme[0], "DSN", t.paul)
    assert row.active_from == NOW + 54 * HOUR
    assert not tiles.tiles(t.paul)[0].accessible


@pytest.mark.parametrize("override, hours", [(0, 0), (2, 2)])
def test_the_portal_setting_overrides_every_delay(t, override, hours):
    acme = establishments(t.acme)
    tick(t, f"{key(acme[0], 'DSN', t.paul)}-d-1", override=override)
    assert habilitation(acme[0], "DSN", t.paul).active_from == NOW + hours * HOUR
    page = habilitations.search(t.admin, {"company": str(t.acme.id)}, override).grid
    assert page.delay_label(page.cells[0]) == access_delay.within_label(hours)
    if override == 0:
        assert tiles.tiles(t.paul)[0].accessible


def test_a_tout_cocher_grant_uses_each_declaration_delay(t):
    Declaration.update(access_delay_hours=0).where(Declaration.id == declaration("DPAE").id).execute()
    habilitations.validate(t.admin, {"company": str(t.acme.id)}, {"bulk_declare": "1", "version": "0"})
    acme = establishments(t.acme)
    assert habilitation(acme[2], "DPAE", t.sophie).active_from == NOW
    assert habilitation(acme[2], "DSN", t.sophie).active_from == NOW + 24 * HOUR
