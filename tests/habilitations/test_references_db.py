"""The references of habilitations (person, establishment, declaration) and of the journal's lines (their
event), on both engines: foreign keys on SQLite, checked once per statement on PostgreSQL (migration 0801).
A row naming nothing is refused, a row goes with what it names, and its references are never moved."""
import pytest
from peewee import IntegrityError

from db.database import database
from db.models import AuditEvent, Habilitation, HabilitationChange, User
from tests.factories.declarations import declaration
from tests.factories.habilitations import establishments, grant

MISSING = 987654321


def line(event_id, e, d, u):
    return HabilitationChange.insert(event=event_id, establishment_id=e.id, declaration_id=d.id, user_id=u.id,
                                     siret=e.siret, before=0, after=1)


def test_a_row_naming_nothing_is_refused_whichever_reference(t):
    e, d = establishments(t.acme)[0], declaration("DSN")
    rows = [{"user": t.paul.id, "establishment": e.id, "declaration": d.id}] * 2
    for column in ("user", "establishment", "declaration"):
        wrong = [dict(row, **{column: MISSING}) if i else row for i, row in enumerate(rows)]
        with pytest.raises(IntegrityError), database.atomic():
            Habilitation.insert_many(wrong[1:]).execute()
    with pytest.raises(IntegrityError), database.atomic():
        line(MISSING, e, d, t.paul).execute()
    assert not Habilitation.select().exists() and not HabilitationChange.select().exists()


def test_rows_go_with_what_they_name_and_their_references_never_move(t):
    acme, d = establishments(t.acme), declaration("DSN")
    grant(t.paul, acme)
    grant(t.sophie, acme)
    event = AuditEvent.create(firm=t.firm.id, action="habilitation.grant")
    line(event.id, acme[0], d, t.paul).execute()
    with pytest.raises(IntegrityError), database.atomic():
        Habilitation.update(user=MISSING).where(Habilitation.user == t.paul.id).execute()
    User.delete().where(User.id == t.paul.id).execute()
    assert {h.user_id for h in Habilitation.select()} == {t.sophie.id}
    acme[0].delete_instance()
    assert Habilitation.select().count() == len(acme) - 1
    event.delete_instance()
    assert not HabilitationChange.select().exists()
