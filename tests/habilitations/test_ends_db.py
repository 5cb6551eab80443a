"""Habilitations with an end (« jusqu'au »): set at Valider, carried by the journal's lines, read by the
tiles at read time (ended rights leave them at once, with no job), announced to the administrators
7 days before, once per batch."""
import datetime

import pytest

from db import clock, counts, habilitations
from db.clients.dashboard import dashboard
from db.declarations import tiles
from db.errors import Invalid, NotFound
from db.habilitations import grid
from db.models import Habilitation, HabilitationChange, Notification, OutgoingMail, RightEndNotice
from db.notifications import rights_ending, set_mail_choices
from db.notifications.kinds import RIGHTS_ENDING
from tests.factories.habilitations import establishments, habilitation, key
from tests.factories.queries import count_queries
from tests.habilitations.conftest import NOW

# « jusqu'au 04/12/2026 » (a Friday): usable until the midnight that ends that Paris day (23:00 UTC).
FRIDAY = "04/12/2026"
END = datetime.datetime(2026, 12, 4, 23, 0)


def validate(t, fields):
    return habilitations.validate(t.admin, {}, {"version": str(grid.version()), **fields})


def grant_until(t, until, *people):
    acme = establishments(t.acme)
    changes = " ".join(f"{key(e, 'DSN', p)}-d-1" for e in acme for p in people or (t.paul,))
    return validate(t, {"changes": changes, "until": until})


def dsn_tile(user):
    return next((tile for tile in tiles.tiles(user) if tile.declaration.code == "DSN"), None)


def test_the_end_is_written_on_the_rights_and_their_journal_lines(t):
    grant_until(t, FRIDAY)
    acme = establishments(t.acme)
    assert habilitation(acme[0], "DSN", t.paul).active_until == END
    assert {line.active_until for line in HabilitationChange.select()} == {END}
    assert counts.check() == {}


def test_rights_are_usable_from_their_start_until_their_end(t):
    grant_until(t, FRIDAY)
    assert dsn_tile(t.paul).available == 0 and dsn_tile(t.paul).upcoming  # the access delay
    clock.freeze(NOW + datetime.timedelta(days=1))
    tile = dsn_tile(t.paul)
    assert tile.available == 3 and tile.ending == [(END, 3)]
    clock.freeze(END - datetime.timedelta(seconds=1))  # the last second of Friday in Paris
    assert dsn_tile(t.paul).available == 3
    clock.freeze(END)  # exactly the end: no longer usable, out of the tiles with no job run
    assert dsn_tile(t.paul) is None
    with pytest.raises(NotFound):
        tiles.tile_establishments(t.paul, "DSN")
    assert HabilitationChange.select().count() == 3  # the journal keeps them


def test_an_end_in_the_future_shows_behind_the_tile(t):
    grant_until(t, FRIDAY)
    clock.freeze(NOW + datetime.timedelta(days=2))
    _, rights, total = tiles.tile_establishments(t.paul, "DSN")
    assert total == 3 and {r.until for r in rights} == {END}


def test_an_end_in_the_past_is_refused_and_nothing_is_written(t):
    with pytest.raises(Invalid) as refused:
        grant_until(t, "21/11/2026")
    assert "passée" in refused.value.errors["until"]
    with pytest.raises(Invalid):
        grant_until(t, "2026-12-04")
    assert habilitation(establishments(t.acme)[0], "DSN", t.paul) is None


def test_today_is_a_valid_end_and_no_date_means_no_end(t):
    grant_until(t, "22/11/2026")
    assert habilitation(establishments(t.acme)[0], "DSN", t.paul).active_until == datetime.datetime(
        2026, 11, 22, 23, 0)
    validate(t, {"changes": f"{key(establishments(t.beta)[0], 'DSN', t.paul)}-d-1"})
    assert habilitation(establishments(t.beta)[0], "DSN", t.paul).active_until is None


def test_removing_one_box_keeps_the_end_of_the_other(t):
    acme = establishments(t.acme)
    k = key(acme[0], "DSN", t.paul)
    validate(t, {"changes": f"{k}-d-1 {k}-p-1", "until": FRIDAY})
    validate(t, {"changes": f"{k}-p-0"})
    assert habilitation(acme[0], "DSN", t.paul).active_until == END


def test_a_tout_cocher_carries_the_end(t):
    habilitations.validate(t.admin, {"portfolio": str(t.big.id), "declarant": str(t.paul.id)},
                           {"version": str(grid.version()), "bulk_declare": "1", "until": FRIDAY})
    acme_and_beta = establishments(t.acme) + establishments(t.beta)
    rows = {habilitation(e, "DSN", t.paul).active_until for e in acme_and_beta}
    assert rows == {END}
    assert counts.check() == {}


def test_administrators_are_told_7_days_before_once_per_batch(t):
    set_mail_choices(t.admin, [RIGHTS_ENDING])
    grant_until(t, FRIDAY, t.paul, t.sophie)
    assert rights_ending.announce(t.admin) == 0  # 12 days before: not yet
    clock.freeze(END - datetime.timedelta(days=7))
    assert rights_ending.announce(t.admin) == 1
    assert rights_ending.announce(t.admin) == 0  # idempotent
    notice = Notification.get(Notification.kind == RIGHTS_ENDING)
    assert notice.user_id == t.admin.id
    assert notice.text.startswith("6 habilitations de 2 personnes prennent fin après le vendredi 4 décembre")
    assert OutgoingMail.select().where(OutgoingMail.to == t.admin.email).count() == 1
    assert RightEndNotice.select().count() == 1
    assert rights_ending.announce(t.paul) == 0  # déclarants are not told
    assert Notification.select().where(Notification.kind == RIGHTS_ENDING).count() == 1


def test_another_firm_is_not_told_of_these_ends(t):
    grant_until(t, FRIDAY)
    clock.freeze(END - datetime.timedelta(days=3))
    assert rights_ending.announce(t.other.admin) == 0


def test_the_batches_come_from_the_tally_and_once_told_cost_one_statement(t):
    grant_until(t, FRIDAY, t.paul, t.sophie)
    clock.freeze(END - datetime.timedelta(days=3))
    ending = Habilitation.select().where((Habilitation.active_until == END)
                                         & (Habilitation.declare | Habilitation.pay))
    people = len({h.user_id for h in ending})
    assert rights_ending.ending_soon(t.admin.firm_id, clock.now()) == [(END, ending.count(), people)]
    assert rights_ending.announce(t.admin) == 1
    assert rights_ending.ending_soon(t.admin.firm_id, clock.now(), unannounced=True) == []
    with count_queries() as statements:
        assert rights_ending.announce(t.admin) == 0
    assert statements() == 1  # the tally read once, whatever the number of rights ending


def test_the_menus_dashboard_reads_the_batches_in_its_own_statement_and_tells_once(t):
    set_mail_choices(t.admin, [RIGHTS_ENDING])
    grant_until(t, FRIDAY, t.paul, t.sophie)
    clock.freeze(END - datetime.timedelta(days=7))
    board = dashboard(t.admin)
    texts = [n.text for n in Notification.select().where(Notification.kind == RIGHTS_ENDING)]
    assert len(texts) == 1 and texts[0].startswith("6 habilitations de 2 personnes prennent fin après le "
                                                   "vendredi 4 décembre")
    assert OutgoingMail.select().where(OutgoingMail.to == t.admin.email).count() == 1
    with count_queries() as statements:
        assert dashboard(t.admin) == board  # told once: the same figures, one statement, no notice
    assert statements() == 1 and Notification.select().where(Notification.kind == RIGHTS_ENDING).count() == 1
    assert dashboard(t.other.admin).people and RightEndNotice.select().count() == 1  # not the other firm's
