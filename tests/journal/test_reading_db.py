"""Reading the journal (db/journal/reading.py): filters, firm isolation, French before → after, CSV rows."""
import datetime

import pytest

from db import audit, clock
from db.errors import Forbidden, NotFound
from db.journal import reading
from db.models import AuditEvent
from tests.factories.firms import make_firm


@pytest.fixture
def events(db_engine):
    firm, admin, [declarant] = make_firm()
    other_firm, stranger, _ = make_firm("98765432100014", "TIERS")
    # 22/11/2026 23:30 UTC is already 23/11 in Paris.
    moments = [datetime.datetime(2026, 11, 20, 9), datetime.datetime(2026, 11, 22, 23, 30),
               datetime.datetime(2026, 11, 23, 10)]
    rows = [
        (
            moments[0],
            admin,
            "habilitation.grant",
            "11111111800001",
            "DSN",
            {"declare": False},
            {"declare": True},
        ),
        (
            moments[1],
            declarant,
            "declarant.update",
            None,
            None,
            {"role": "declarant", "email": "a@x.test"},
            {"role": "admin", "email": "a@x.test"},
        ),
        (
            moments[2],
            admin,
            "declaration.unselect",
            "22222222600002",
            "TESE",
            {"selected": True},
            {"selected": False},
        ),
    ]
    for at, actor, action, siret, code, before, after in rows:
        clock.freeze(at)
        audit.record(
            actor,
            action,
            f"{action} sur {siret}",
            siret=siret,
            declaration_code=code,
            before=before,
            after=after,
        )
    clock.freeze(moments[2])
    audit.record(stranger, "habilitation.grant", "ailleurs", siret="11111111800001", declaration_code="DSN")
    return {"admin": admin, "declarant": declarant, "stranger": stranger}


def actions(actor, **args):
    page = reading.search(actor, args)
    assert not page.criteria.errors, page.criteria.errors
    return [entry.event.action for entry in page.events]


def test_the_journal_shows_the_firm_events_newest_first(events):
    assert actions(events["admin"]) == ["declaration.unselect", "declarant.update", "habilitation.grant"]
    assert actions(events["stranger"]) == ["habilitation.grant"]


def test_period_is_read_in_paris_days(events):
    assert actions(events["admin"], du="2026-11-23") == ["declaration.unselect", "declarant.update"]
    assert actions(events["admin"], au="22/11/2026") == ["habilitation.grant"]
    assert actions(events["admin"], du="2026-11-20", au="2026-11-20") == ["habilitation.grant"]


def test_filters_by_person_siret_siren_and_service(events):
    assert actions(events["admin"], personne=str(events["declarant"].id)) == ["declarant.update"]
    assert actions(events["admin"], siret="111 111 118 00001") == ["habilitation.grant"]
    assert actions(events["admin"], siret="222222226") == ["declaration.unselect"]
    assert actions(events["admin"], service="TESE") == ["declaration.unselect"]


def test_bad_criteria_are_reported_in_french(events):
    criteria = reading.search(
        events["admin"], {"du": "31/02/2026", "siret": "12", "service": "NOPE"}
    ).criteria
    assert set(criteria.errors) == {"du", "siret", "service"}
    assert "jj/mm/aaaa" in criteria.errors["du"]
    criteria = reading.search(events["admin"], {"du": "2026-11-23", "au": "2026-11-01"}).criteria
    assert "période" in criteria.errors["au"]


def test_a_person_of_another_firm_is_not_found(events):
    with pytest.raises(NotFound):
        reading.search(events["admin"], {"personne": str(events["stranger"].id)})
    with pytest.raises(NotFound):
        reading.export(events["admin"], {"personne": "abc"})


def test_only_administrators_read_the_journal(events):
    with pytest.raises(Forbidden):
        reading.search(events["declarant"], {})
    with pytest.raises(Forbidden):
        reading.export(events["declarant"], {})


def test_before_and_after_are_told_in_french(events):
    entries = {e.event.action: e for e in reading.search(events["admin"], {}).events}
    grant = entries["habilitation.grant"]
    assert grant.action_label == "Habilitation accordée"
    assert [(c.label, c.before, c.after) for c in grant.changes] == [("Déclarer", "Non", "Oui")]
    update = entries["declarant.update"]
    assert update.action_label == "Déclarant"
    assert [(c.label, c.before, c.after) for c in update.changes] == [("Rôle", "Déclarant", "Administrateur")]
    assert entries["declaration.unselect"].siret_text == "222 222 226 00002"


def test_export_rows_follow_the_criteria(events):
    rows = list(reading.export(events["admin"], {"service": "DSN"}))
    assert rows[0] == reading.CSV_HEADER
    assert len(rows) == 2
    date, author, action, siret, service, summary, before, after = rows[1]
    assert (date, author, action, siret, service) == (
        "20/11/2026 10:00:00", "ADMIN Autre", "Habilitation accordée", "11111111800001", "DSN")
    assert (before, after) == ("Déclarer : Non", "Déclarer : Oui")
    assert list(reading.export(events["admin"], {"siret": "1"})) == [reading.CSV_HEADER]
    assert AuditEvent.select().count() == 4
