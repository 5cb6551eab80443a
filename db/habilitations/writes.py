"""Valider: the conflict check and the set-based writes of a Plan, with its journal rows.

apply() locks the firm's habilitations for the transaction, refuses (Conflict, nothing written)
when the journal shows that a cell the edits touch changed after the page's version, then
computes the Plan again and writes it: INSERTs in chunks, UPDATE/DELETE … WHERE id IN (chunk),
grouped by what changes, and one AuditEvent per cell.
"""
from peewee import chunked

from db import clock
from db.bulk import IDS_PER_QUERY, copy_rows
from db.database import database, is_postgres
from db.errors import Conflict
from db.habilitations import access_delay
from db.habilitations.changes import CONFLICT, describe, plan
from db.habilitations.criteria import cells_query
from db.identifiers import format_siret
from db.models import AuditEvent, Declaration, Establishment, Firm, Habilitation, User
from db.notifications import rights

INSERT_FIELDS = ("user", "establishment", "declaration", "declare", "granted_at", "active_from", "pay",
                 "pay_granted_at", "pay_active_from")
JOURNAL_FIELDS = (
    "firm",
    "actor",
    "actor_name",
    "at",
    "action",
    "object_type",
    "object_id",
    "summary",
    "siret",
    "declaration_code",
    "before",
    "after",
)


def conflicts(actor, criteria, edits, version):
    """Descriptions of the cells the edits touch that the journal shows changed after version."""
    events = (
        AuditEvent.select(AuditEvent.object_id)
        .where((AuditEvent.id > version) & (AuditEvent.firm == actor.firm_id)
               & (AuditEvent.object_type == "Habilitation"))
        .tuples()
    )
    changed = set()
    for (object_id,) in events:
        parts = object_id.split(":")
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            changed.add(tuple(int(p) for p in parts))
    hit = changed & set(edits.cells)
    others = changed - hit
    if others and (edits.bulk or edits.copy):
        users = list(edits.copy) if edits.copy and not edits.bulk else None
        for chunk in chunked(sorted({k[0] for k in others}), IDS_PER_QUERY):
            rows = cells_query(criteria, Establishment.id, Declaration.id, User.id, user_ids=users,
                               with_habilitation=False).where(Establishment.id.in_(chunk)).tuples()
            hit |= others & set(rows)
    return describe(actor, hit)


def apply(actor, criteria, edits, version, delay_override=None):
    """Write the edits in one transaction; Conflict (nothing written) when a cell they touch
    changed after version. Returns the Plan that was applied."""
    with database.atomic():
        # Serialise the firm's Valider: a row lock on PostgreSQL, the write lock on SQLite.
        Firm.update(is_active=Firm.is_active).where(Firm.id == actor.firm_id).execute()
        changed = conflicts(actor, criteria, edits, version)
        if changed:
            raise Conflict(CONFLICT, changed)
        result = plan(actor, criteria, edits)
        write(actor, result.changes, delay_override)
    return result


def write(actor, changes, delay_override=None):
    """Set-based writes of CellChanges and their journal rows (inside the caller's transaction)."""
    now = clock.now()
    starts, stamps = {}, {}  # per declaration: when its rights start, and that moment as stored
    stamp = _stamp_function()
    inserts, deletes, updates = [], [], {}
    for change in changes:
        declaration_id = change.key[1]
        if declaration_id not in starts:
            hours = access_delay.effective_hours(change.delay_hours, delay_override)
            starts[declaration_id] = access_delay.active_from(now, hours)
            stamps[declaration_id] = stamp(starts[declaration_id])
        declare, pay = change.after
        if change.habilitation_id is None:
            start, granted = stamps[declaration_id], stamp(now)
            inserts.append((change.key[2], change.key[0], declaration_id,
                            declare, granted if declare else None, start if declare else None,
                            pay, granted if pay else None, start if pay else None))
        elif not (declare or pay):
            deletes.append(change.habilitation_id)
        else:
            moves = tuple(_move(b, a) for b, a in zip(change.before, change.after, strict=True))
            updates.setdefault((moves, declaration_id), []).append(change.habilitation_id)
    copy_rows(Habilitation, INSERT_FIELDS, inserts)
    for batch in chunked(deletes, IDS_PER_QUERY):
        Habilitation.delete().where(Habilitation.id.in_(batch)).execute()
    for ((declare_move, pay_move), declaration_id), ids in updates.items():
        values = {}
        _set(values, declare_move, Habilitation.declare, Habilitation.granted_at, Habilitation.active_from,
             now, starts[declaration_id])
        _set(values, pay_move, Habilitation.pay, Habilitation.pay_granted_at, Habilitation.pay_active_from,
             now, starts[declaration_id])
        for batch in chunked(ids, IDS_PER_QUERY):
            Habilitation.update(values).where(Habilitation.id.in_(batch)).execute()
    who = (actor.firm_id, actor.id, actor.full_name, stamp(now))
    copy_rows(AuditEvent, JOURNAL_FIELDS, [_event(who, change, starts[change.key[1]]) for change in changes])
    rights.cells_changed(actor, changes, starts)  # Vos notifications of each person concerned


def _stamp_function():
    """How a datetime is passed to the driver: as is on PostgreSQL; on SQLite as the text the
    default adapter would make ("2026-11-23 14:05:00"), converted once instead of per row."""
    if is_postgres():
        return lambda moment: moment
    cache = {}
    return lambda moment: cache.setdefault(moment, str(moment))


def _move(before, after):
    return "keep" if before == after else ("grant" if after else "revoke")


def _set(values, move, box, granted, active, now, start):
    if move == "grant":
        values.update({box: True, granted: now, active: start})
    elif move == "revoke":
        values.update({box: False, granted: None, active: None})


def _event(who, change, start):
    """One journal row (a tuple in JOURNAL_FIELDS order), before/after as db/audit.py writes them."""
    words = []
    for index, name in enumerate(("Déclarer", "Payer")):
        if change.before[index] != change.after[index]:
            words.append(f"{name} {'accordé' if change.after[index] else 'retiré'}")
    created, deleted = change.habilitation_id is None, not any(change.after)
    action = (
        "habilitation.grant" if created else ("habilitation.revoke" if deleted else "habilitation.change")
    )
    granted = (change.after[0] and not change.before[0], change.after[1] and not change.before[1])
    return (
        *who, action, "Habilitation", ":".join(map(str, change.key)),
        f"{change.person} – « {change.label} » sur {format_siret(change.siret)} : {', '.join(words)}",
        change.siret, change.code,
        None if created else _state(change.before, (False, False), None),
        None if deleted else _state(change.after, granted, str(start)),
    )


def _state(boxes, granted, start):
    # The JSON of json.dumps(..., sort_keys=True), written directly: it runs once per cell.
    parts = []
    if granted[0]:
        parts.append(f'"active_from": "{start}"')
    parts.append(f'"declare": {"true" if boxes[0] else "false"}')
    parts.append(f'"pay": {"true" if boxes[1] else "false"}')
    if granted[1]:
        parts.append(f'"pay_active_from": "{start}"')
    return "{" + ", ".join(parts) + "}"
