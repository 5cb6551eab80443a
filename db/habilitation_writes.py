"""Valider: the conflict check and the set-based writes of a Plan, with its journal rows.

apply() locks the firm's habilitations for the transaction, refuses (Conflict, nothing written)
when the journal shows that a cell the edits touch changed after the page's version, then
computes the Plan again and writes it: INSERTs in chunks, UPDATE/DELETE … WHERE id IN (chunk),
grouped by what changes, and one AuditEvent per cell.
"""
from peewee import chunked

from db import access_delay, audit, clock
from db.database import database
from db.errors import Conflict
from db.habilitation_changes import CHUNK, CONFLICT, describe, plan
from db.habilitation_scope import cells_query
from db.identifiers import format_siret
from db.models import AuditEvent, Declaration, Establishment, Firm, Habilitation, User


def conflicts(actor, c, edits, version):
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
        for chunk in chunked(sorted({k[0] for k in others}), CHUNK):
            rows = cells_query(c, Establishment.id, Declaration.id, User.id, user_ids=users,
                               with_habilitation=False).where(Establishment.id.in_(chunk)).tuples()
            hit |= others & set(rows)
    return describe(actor, hit)


def apply(actor, c, edits, version, delay_override=None):
    """Write the edits in one transaction; Conflict (nothing written) when a cell they touch
    changed after version. Returns the Plan that was applied."""
    with database.atomic():
        # Serialise the firm's Valider: a row lock on PostgreSQL, the write lock on SQLite.
        Firm.update(is_active=Firm.is_active).where(Firm.id == actor.firm_id).execute()
        changed = conflicts(actor, c, edits, version)
        if changed:
            raise Conflict(CONFLICT, changed)
        result = plan(actor, c, edits)
        write(actor, result.changes, delay_override)
    return result


def write(actor, changes, delay_override=None):
    """Set-based writes of CellChanges and their journal rows (inside the caller's transaction)."""
    now = clock.now()
    starts = {}
    inserts, deletes, updates = [], [], {}
    for ch in changes:
        hours = access_delay.effective_hours(ch.delay_hours, delay_override)
        starts[ch.key[1]] = access_delay.active_from(now, hours)
        declare, pay = ch.after
        if ch.habilitation_id is None:
            inserts.append({
                "user": ch.key[2], "establishment": ch.key[0], "declaration": ch.key[1],
                "declare": declare, "granted_at": now if declare else None,
                "active_from": starts[ch.key[1]] if declare else None,
                "pay": pay, "pay_granted_at": now if pay else None,
                "pay_active_from": starts[ch.key[1]] if pay else None,
            })
        elif not (declare or pay):
            deletes.append(ch.habilitation_id)
        else:
            moves = tuple(_move(b, a) for b, a in zip(ch.before, ch.after, strict=True))
            updates.setdefault((moves, ch.key[1]), []).append(ch.habilitation_id)
    for batch in chunked(inserts, CHUNK):
        Habilitation.insert_many(batch).execute()
    for batch in chunked(deletes, CHUNK):
        Habilitation.delete().where(Habilitation.id.in_(batch)).execute()
    for ((declare_move, pay_move), declaration_id), ids in updates.items():
        values = {}
        _set(values, declare_move, Habilitation.declare, Habilitation.granted_at, Habilitation.active_from,
             now, starts[declaration_id])
        _set(values, pay_move, Habilitation.pay, Habilitation.pay_granted_at, Habilitation.pay_active_from,
             now, starts[declaration_id])
        for batch in chunked(ids, CHUNK):
            Habilitation.update(values).where(Habilitation.id.in_(batch)).execute()
    audit.record_many([_event(actor, ch, now, starts[ch.key[1]]) for ch in changes])


def _move(before, after):
    return "keep" if before == after else ("grant" if after else "revoke")


def _set(values, move, box, granted, active, now, start):
    if move == "grant":
        values.update({box: True, granted: now, active: start})
    elif move == "revoke":
        values.update({box: False, granted: None, active: None})


def _event(actor, ch, now, start):
    words = []
    for index, name in enumerate(("Déclarer", "Payer")):
        if ch.before[index] != ch.after[index]:
            words.append(f"{name} {'accordé' if ch.after[index] else 'retiré'}")
    state = {"declare": ch.after[0], "pay": ch.after[1]}
    if ch.after[0] and not ch.before[0]:
        state["active_from"] = start
    if ch.after[1] and not ch.before[1]:
        state["pay_active_from"] = start
    created, deleted = ch.habilitation_id is None, not any(ch.after)
    return {
        "firm": actor.firm_id, "actor": actor.id, "actor_name": actor.full_name, "at": now,
        "action": "habilitation.grant" if created else ("habilitation.revoke" if deleted else "habilitation.change"),
        "object_type": "Habilitation", "object_id": ":".join(map(str, ch.key)),
        "summary": f"{ch.person} – « {ch.label} » sur {format_siret(ch.siret)} : {', '.join(words)}",
        "siret": ch.siret, "declaration_code": ch.code,
        "before": None if created else {"declare": ch.before[0], "pay": ch.before[1]},
        "after": None if deleted else state,
    }
