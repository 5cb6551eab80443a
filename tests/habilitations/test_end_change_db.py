"""« Modifier la date de fin » (db/habilitations/ends.py): the end of rights already held changes without
ticking them again (their start stays), for the chosen person within the search, confirmed by the
count shown; the tiles' tally, the cells' holders and the Couverture stay exact; one journal entry."""
import datetime

import pytest

from db import clock, counts
from db.declarations import tiles
from db.errors import Invalid, NotFound
from db.habilitations import coverage, ends
from db.models import AuditEvent, Declaration, Habilitation
from tests.factories.habilitations import establishments, grant, habilitation
from tests.habilitations.conftest import NOW

DAY = datetime.timedelta(days=1)
END = datetime.datetime(2026, 12, 4, 23, 0)  # « jusqu'au 04/12/2026 »: the end of that Paris day


def search(t, person, **more):
    return {"declarant": str(person.id), **{k: str(v) for k, v in more.items()}}


def dsn_tile(user):
    return next((tile for tile in tiles.tiles(user) if tile.declaration.code == "DSN"), None)


def test_the_search_s_held_rights_of_the_person_get_the_end_their_start_kept(t):
    acme, beta = establishments(t.acme), establishments(t.beta)
    grant(t.paul, acme + beta, "DSN", at=NOW - 2 * DAY)
    grant(t.sophie, acme, "DSN", at=NOW - 2 * DAY)
    started = habilitation(acme[0], "DSN", t.paul).active_from
    args = search(t, t.paul, company=t.acme.id)
    assert ends.end_preview(t.admin, args).held == 3
    assert ends.end_preview(t.admin, {**args, "siret": acme[0].siret}).held == 1  # the search box
    dpae = Declaration.get(Declaration.code == "DPAE").id
    assert ends.end_preview(t.admin, {**args, "service": str(dpae)}).held == 0  # another service
    assert ends.change_end(t.admin, args, "04/12/2026", "3").held == 3
    assert {habilitation(e, "DSN", t.paul).active_until for e in acme} == {END}
    assert habilitation(acme[0], "DSN", t.paul).active_from == started  # no new access delay
    assert {habilitation(e, "DSN", t.paul).active_until for e in beta} == {None}  # outside the search
    assert habilitation(acme[0], "DSN", t.sophie).active_until is None  # another person
    tile = dsn_tile(t.paul)
    assert (tile.available, tile.ending) == (5, [(END, 3)])
    assert counts.check() == {}
    entry = AuditEvent.select().where(AuditEvent.action == ends.ACTION).get()
    assert entry.summary == "Date de fin modifiée pour 3 habilitations de DURAND Paul : jusqu’au 04/12/2026"
    assert coverage.coverage(t.admin, t.big.id, kind="une").single == 2  # BETA: Paul alone
    clock.freeze(END)  # the new end passed: the rights leave the tile at once, the others stay
    assert dsn_tile(t.paul).available == 2
    assert coverage.coverage(t.admin, t.big.id, kind="une").single == 5  # and ACME: Sophie alone


def test_an_empty_date_removes_the_end_and_ended_rights_are_left_as_they_are(t):
    acme = establishments(t.acme)
    grant(t.paul, acme, "DSN", at=NOW - 2 * DAY)
    args = search(t, t.paul, portfolio=t.big.id)
    ends.change_end(t.admin, args, "04/12/2026", "3")
    Habilitation.update(active_until=NOW).where(Habilitation.establishment == acme[0].id).execute()
    counts.check(repair=True)
    assert ends.end_preview(t.admin, args).held == 2  # the right ended now is not held any more
    ends.change_end(t.admin, args, "", "2")
    assert [habilitation(e, "DSN", t.paul).active_until for e in acme] == [NOW, None, None]
    assert dsn_tile(t.paul).ending == []
    assert counts.check() == {}
    last = AuditEvent.select().where(AuditEvent.action == ends.ACTION).order_by(AuditEvent.id.desc()).get()
    assert last.summary == "Date de fin modifiée pour 2 habilitations de DURAND Paul : sans date de fin"


def test_a_changed_count_a_past_date_or_no_person_is_refused_and_nothing_changes(t):
    acme = establishments(t.acme)
    grant(t.paul, acme, "DSN", at=NOW - 2 * DAY)
    args = search(t, t.paul, company=t.acme.id)
    with pytest.raises(Invalid) as changed:
        ends.change_end(t.admin, args, "04/12/2026", "2")
    assert "ont changé" in changed.value.errors["until"]
    with pytest.raises(Invalid) as past:
        ends.change_end(t.admin, args, "21/11/2026", "3")
    assert "passée" in past.value.errors["until"]
    with pytest.raises(Invalid):
        ends.end_preview(t.admin, {"company": str(t.acme.id)})
    with pytest.raises(NotFound):
        ends.end_preview(t.admin, search(t, t.other.people[0]))
    assert {habilitation(e, "DSN", t.paul).active_until for e in acme} == {None}
    assert not AuditEvent.select().where(AuditEvent.action == ends.ACTION).exists()
