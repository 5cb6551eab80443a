"""Pending ticks of the habilitation grid: what they would change, and "Valider".

Edits are what the administrator asked for: "Tout (dé)cocher" of a column over every cell of
the search (bulk), the copy of another person's rights ("Mêmes habilitations que…"), and boxes
ticked one by one (cells), applied in that order. A Plan compares them with the database; apply()
writes the Plan in one transaction, set-based, with one journal row per cell that changed, after
refusing it (Conflict) when a cell it touches changed since the page was loaded.
"""
from dataclasses import dataclass, field

from peewee import JOIN, Tuple, chunked, fn

from db import access_delay, audit, clock
from db.database import database
from db.errors import Conflict, Invalid, NotFound
from db.habilitation_scope import CELL_COLUMNS, cells_query, coalesce_false, firm_criteria, pairs_query
from db.identifiers import format_siret
from db.models import (
    AuditEvent,
    Company,
    Declaration,
    Establishment,
    EstablishmentDeclaration,
    Firm,
    Habilitation,
    PortfolioDeclarant,
    User,
)

DECLARE, PAY = "declare", "pay"
COLUMNS = {"d": DECLARE, "p": PAY}
MAX_CELLS = 200_000
CHUNK = 500
KEY_CHUNK = 300  # (establishment, declaration, user) triples per query: 900 parameters
CONFLICT = (
    "Ces habilitations ont été modifiées par un autre administrateur depuis l'affichage de la grille : "
    "rien n'a été enregistré. La grille est rechargée avec leurs valeurs actuelles ; vérifiez-les, "
    "puis cliquez de nouveau sur « Valider » pour appliquer vos modifications."
)
GONE = "n'est plus proposée (déclaration ou déclarant retiré entre-temps)"


@dataclass
class Edits:
    bulk: dict = field(default_factory=dict)  # column -> bool, over every cell of the criteria
    cells: dict = field(default_factory=dict)  # (establishment, declaration, user) -> {column: bool}
    copy: tuple = None  # (target user id, source user id)

    def is_empty(self):
        return not (self.bulk or self.cells or self.copy)

    def token_text(self):
        """The cells as the grid's form carries them: "e-d-u-c-v" separated by spaces."""
        letters = {DECLARE: "d", PAY: "p"}
        return " ".join(
            f"{e}-{d}-{u}-{letters[col]}-{int(v)}" for (e, d, u), cols in self.cells.items() for col, v in cols.items()
        )


def _ints(parts):
    if not all(p.isdigit() and len(p) < 19 for p in parts):
        raise NotFound()
    return tuple(int(p) for p in parts)


def bulk_value(value):
    text = (value or "").strip()
    if text not in ("", "0", "1"):
        raise NotFound()
    return None if text == "" else text == "1"


def parse_edits(bulk_declare="", bulk_pay="", changes="", shown=(), declare_ticked=(), pay_ticked=()):
    """Edits from the grid's form: bulk_* ("", "1", "0"), changes ("e-d-u-c-v" tokens), and the
    boxes of the page shown ("e-d-u-D-P" as rendered) with those ticked now ("e-d-u")."""
    edits = Edits()
    for column, value in ((DECLARE, bulk_declare), (PAY, bulk_pay)):
        value = bulk_value(value)
        if value is not None:
            edits.bulk[column] = value
    tokens = (changes or "").split()
    if len(tokens) + len(shown) > MAX_CELLS:
        raise Invalid({"__all__": "Trop de modifications en une fois : validez-les par parties."})
    for token in tokens:
        parts = token.split("-")
        if len(parts) != 5 or parts[3] not in COLUMNS or parts[4] not in ("0", "1"):
            raise NotFound()
        edits.cells.setdefault(_ints(parts[:3]), {})[COLUMNS[parts[3]]] = parts[4] == "1"
    ticked = {DECLARE: set(declare_ticked), PAY: set(pay_ticked)}
    for token in shown:
        parts = token.split("-")
        if len(parts) != 5 or not {parts[3], parts[4]} <= {"0", "1", "-"}:
            raise NotFound()
        key = _ints(parts[:3])
        for column, rendered in ((DECLARE, parts[3]), (PAY, parts[4])):
            now_ticked = "-".join(parts[:3]) in ticked[column]
            if rendered != "-" and now_ticked != (rendered == "1"):
                edits.cells.setdefault(key, {})[column] = now_ticked
    return edits


@dataclass
class CellChange:
    key: tuple
    siret: str
    establishment: str
    code: str
    label: str
    has_payment: bool
    delay_hours: int
    person: str
    habilitation_id: int
    before: tuple  # (declare, pay)
    after: list

    @property
    def added(self):
        return sum(1 for b, a in zip(self.before, self.after, strict=True) if a and not b)

    @property
    def removed(self):
        return sum(1 for b, a in zip(self.before, self.after, strict=True) if b and not a)


@dataclass
class Plan:
    changes: list
    added: int = 0
    removed: int = 0
    not_copied: int = 0  # copy: rights of the source where the target is not offered
    bulk_changed: dict = field(default_factory=dict)  # column -> boxes "Tout (dé)cocher" changes

    @property
    def summary(self):
        return pending_phrase(self.added, self.removed)


def _n(value):
    return f"{value:,}".replace(",", "\u202f")


def pending_phrase(added, removed):
    """ "3 habilitations ajoutées, 1 retirée" (the grid's pending count)."""
    if not added and not removed:
        return "Aucune modification en attente."
    if not added:
        return f"{_n(removed)} habilitation{'s' if removed > 1 else ''} retirée{'s' if removed > 1 else ''}"
    text = f"{_n(added)} habilitation{'s' if added > 1 else ''} ajoutée{'s' if added > 1 else ''}"
    if removed:
        text += f", {_n(removed)} retirée{'s' if removed > 1 else ''}"
    return text


def _change(row):
    e_id, siret, name, d_id, code, label, has_payment, delay, u_id, nom, prenom, h_id, declare, pay = row[:14]
    before = (bool(declare), bool(pay) and bool(has_payment))
    return CellChange(
        (e_id, d_id, u_id), siret, name, code, label, bool(has_payment), delay, f"{nom.upper()} {prenom}",
        h_id, before, list(before),
    )


def _explicit_rows(actor, keys):
    """The current state of the cells named one by one, checked to be cells of the firm."""
    found = {}
    for chunk in chunked(sorted(keys), KEY_CHUNK):
        query = cells_query(firm_criteria(actor), *CELL_COLUMNS, user_ids=sorted({k[2] for k in chunk})).where(
            Tuple(Establishment.id, Declaration.id, User.id).in_(chunk)
        )
        found.update({(row[0], row[3], row[8]): row for row in query.tuples()})
    missing = keys - set(found)
    if missing:
        _check_ownership(actor, missing)
        raise Conflict(CONFLICT, _gone(sorted(missing)[:200]))
    return found


def _check_ownership(actor, keys):
    """An establishment, person or declaration that is not the firm's is a 404, never a hint."""
    for ids, model, scoped in (
        ({k[0] for k in keys}, Establishment, Establishment.firm == actor.firm_id),
        ({k[2] for k in keys}, User, User.firm == actor.firm_id),
        ({k[1] for k in keys}, Declaration, True),
    ):
        for chunk in chunked(sorted(ids), CHUNK):
            if model.select().where(model.id.in_(chunk) & scoped).count() != len(chunk):
                raise NotFound()


def _gone(keys):
    sirets = dict(Establishment.select(Establishment.id, Establishment.siret)
                  .where(Establishment.id.in_({k[0] for k in keys})).tuples())
    labels = dict(Declaration.select(Declaration.id, Declaration.label)
                  .where(Declaration.id.in_({k[1] for k in keys})).tuples())
    people = {u.id: u.full_name for u in User.select().where(User.id.in_({k[2] for k in keys}))}
    return [f"{format_siret(sirets[e])} – {labels[d]} – {people[u]} : {GONE}" for e, d, u in keys]


def _bulk_rows(c, column, value):
    box = Habilitation.declare if column == DECLARE else Habilitation.pay
    query = cells_query(c, *CELL_COLUMNS).where(coalesce_false(box) != value)
    return query.where(Declaration.has_payment) if column == PAY else query


def _copy_rows(c, target, source):
    """Cells of the target whose boxes differ from the source's on the same establishment and service."""
    theirs = Habilitation.alias()
    query = cells_query(c, *CELL_COLUMNS, theirs.declare, theirs.pay, user_ids=[target]).join(
        theirs, on=(
            (theirs.establishment == EstablishmentDeclaration.establishment)
            & (theirs.declaration == EstablishmentDeclaration.declaration)
            & (theirs.user == source)
        ), join_type=JOIN.LEFT_OUTER,
    )
    differs = (coalesce_false(Habilitation.declare) != coalesce_false(theirs.declare)) | (
        Declaration.has_payment & (coalesce_false(Habilitation.pay) != coalesce_false(theirs.pay))
    )
    return query.where(differs)


def _not_copied(c, target, source):
    """Rights of the source on cells where the target is not a déclarant of the portfolio."""
    offered = PortfolioDeclarant.select().where(
        (PortfolioDeclarant.portfolio == Company.portfolio) & (PortfolioDeclarant.user == target)
    )
    return (
        pairs_query(c, Habilitation.id)
        .join(Habilitation, on=(
            (Habilitation.establishment == EstablishmentDeclaration.establishment)
            & (Habilitation.declaration == EstablishmentDeclaration.declaration)
            & (Habilitation.user == source)
        ))
        .where((Habilitation.declare | Habilitation.pay) & ~fn.EXISTS(offered))
        .count()
    )


def plan(actor, c, edits):
    """The Plan of the edits against the database now (nothing written)."""
    entries, bulk_changed = {}, {}
    for column, value in edits.bulk.items():
        bulk_changed[column] = 0
        for row in _bulk_rows(c, column, value).tuples():
            bulk_changed[column] += 1
            entry = entries.get((row[0], row[3], row[8])) or _change(row)
            entries[entry.key] = entry
            entry.after[0 if column == DECLARE else 1] = value
    not_copied = 0
    if edits.copy:
        target, source = edits.copy
        for row in _copy_rows(c, target, source).tuples():
            entry = entries.get((row[0], row[3], row[8])) or _change(row)
            entries[entry.key] = entry
            entry.after[:] = [bool(row[14]), bool(row[15]) and entry.has_payment]
        not_copied = _not_copied(c, target, source)
    if edits.cells:
        found = _explicit_rows(actor, set(edits.cells))
        for key, columns in edits.cells.items():
            entry = entries.get(key) or _change(found[key])
            entries[key] = entry
            for column, value in columns.items():
                if column == PAY and value and not entry.has_payment:
                    raise Invalid({"__all__": f"« {entry.label} » ne comporte pas de droit Payer."})
                entry.after[0 if column == DECLARE else 1] = value
    changes = [e for e in entries.values() if tuple(e.after) != e.before]
    changes.sort(key=lambda e: (e.siret, e.code, e.person))
    return Plan(changes, sum(e.added for e in changes), sum(e.removed for e in changes), not_copied, bulk_changed)


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
    return _describe(actor, hit)


def _describe(actor, keys):
    if not keys:
        return []
    rows = {}
    for chunk in chunked(sorted(keys), CHUNK):
        query = cells_query(firm_criteria(actor), *CELL_COLUMNS, user_ids=sorted({k[2] for k in chunk})).where(
            Establishment.id.in_(sorted({k[0] for k in chunk}))
        )
        rows.update({(r[0], r[3], r[8]): r for r in query.tuples()})
    out = []
    for row in sorted((rows[k] for k in keys if k in rows), key=lambda r: (r[1], r[4], r[9], r[10])):
        cell = _change(row)
        boxes = [f"Déclarer {'coché' if cell.before[0] else 'décoché'}"]
        if cell.has_payment:
            boxes.append(f"Payer {'coché' if cell.before[1] else 'décoché'}")
        out.append(f"{format_siret(cell.siret)} – {cell.label} – {cell.person} : {', '.join(boxes)}")
    return out


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
