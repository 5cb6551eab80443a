"""The journal: one AuditEvent per change, with who, when, what, before → after."""
import json

from db import bulk, clock
from db.models import AuditEvent


def _dump(value):
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def record(actor, action, summary, *, firm=None, obj=None, before=None, after=None,
           siret=None, declaration_code=None):
    """Write one journal entry. Call it inside the operation's transaction."""
    firm_id = firm.id if firm is not None else getattr(actor, "firm_id", None)
    return AuditEvent.create(
        firm=firm_id,
        actor=actor.id if actor is not None else None,
        actor_name=actor.full_name if actor is not None else "",
        at=clock.now(),
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(obj._pk) if obj is not None else "",
        summary=summary,
        siret=siret,
        declaration_code=declaration_code,
        before=_dump(before),
        after=_dump(after),
    )


def record_many(rows):
    """Bulk journal writes for set-based operations: rows are dicts of AuditEvent fields
    (missing ones take their defaults). One prepared statement, whatever the number of rows."""
    bulk.insert_rows(
        AuditEvent, ({**r, "before": _dump(r.get("before")), "after": _dump(r.get("after"))} for r in rows)
    )
