"""The journal's writes (db/audit.py): one event, and many events through one prepared statement."""
import datetime

from db import audit, clock
from db.models import AuditEvent, Firm, User


def test_record_many_fills_defaults_and_keeps_before_after(demo_firm):
    clock.freeze(datetime.datetime(2026, 11, 23, 13, 5))
    admin = User.get(User.nom == "MOUTIN")
    firm = Firm.get()
    before = AuditEvent.select().count()
    audit.record_many(
        {"firm": firm, "actor": admin.id, "actor_name": admin.full_name, "action": "habilitation.granted",
         "siret": f"5520325340{n:04d}", "before": {"Déclarer": False}, "after": {"Déclarer": True}}
        for n in range(2500)
    )
    events = AuditEvent.select().where(AuditEvent.action == "habilitation.granted")
    assert events.count() == 2500 == AuditEvent.select().count() - before
    event = events.order_by(AuditEvent.id.desc()).first()
    assert (event.firm_id, event.actor_id, event.at, event.object_type, event.summary) == (
        firm.id, admin.id, datetime.datetime(2026, 11, 23, 13, 5), "", "")
    assert (event.before, event.after) == ('{"Déclarer": false}', '{"Déclarer": true}')


def test_record_many_of_nothing_writes_nothing(demo_firm):
    before = AuditEvent.select().count()
    audit.record_many([])
    assert AuditEvent.select().count() == before
