"""Valider: the conflict check and the set-based writes of pending Edits, with their journal.

apply() locks the firm's habilitations for the transaction, refuses (Conflict, nothing written) when
the journal shows that a cell the edits touch changed after the page's version, then writes one
journal event and its lines (habilitation_change: each cell's boxes before → after), derived in SQL:
one INSERT … SELECT per "Tout (dé)cocher" or column tick, one for a copy, the boxes named one by one
on top. The habilitations follow from the lines in at most two statements: an INSERT … SELECT … ON
CONFLICT DO UPDATE for the cells that keep a box, its DELETE twin for the others. The Couverture's
holders per cell, the grid's tally and the tiles follow from the lines too, each in one statement.
No cell becomes a Python object, whatever the number of cells. On PostgreSQL a « Tout (dé)cocher » or
a column tick alone is written in one statement (single_bulk.py), its cells read once.
"""
from peewee import EXCLUDED, Case, Tuple, Value, chunked, fn

from db import clock, counts
from db.bulk import IDS_PER_QUERY
from db.database import database, is_postgres
from db.errors import Conflict
from db.habilitations import access_delay, events, line_effects, single_bulk
from db.habilitations.changes import Plan, check_named, check_size, declarations_of
from db.habilitations.criteria import cells_query
from db.habilitations.line_effects import LINE_FIELDS
from db.habilitations.sources import BITS, CONFLICT, bits_before, bulk_rows, describe, raw, scoped
from db.habilitations.sources import copy_rows as copy_source
from db.models import (
    USER_DECLARATION_BOXES,
    USER_DECLARATION_RIGHTS,
    AuditEvent,
    BoxTally,
    Declaration,
    Establishment,
    EventPerson,
    Firm,
    Habilitation,
    HabilitationChange,
    RightTally,
    User,
    cell_holders,
)
from db.notifications import rights

HC = HabilitationChange
CONFLICTS_SHOWN = 200


def _recent(actor, version):
    """(establishment, declaration, user) of the lines the firm's journal wrote after version."""
    return (HC.select(HC.establishment_id, HC.declaration_id, HC.user_id)
            .join(AuditEvent, on=(HC.event == AuditEvent.id))
            .where((HC.event > version) & (AuditEvent.firm == actor.firm_id)))


def conflicts(actor, criteria, edits, version):
    """Descriptions of the cells the edits touch that the journal shows changed after version."""
    if not AuditEvent.select().where((AuditEvent.id > version) & (AuditEvent.firm == actor.firm_id)).exists():
        return []  # the firm's journal has no event after the page's version: no cell changed since
    recent = _recent(actor, version)
    hit = set()
    if edits.cells:
        for chunk in chunked(sorted({k[0] for k in edits.cells}), IDS_PER_QUERY):
            hit |= set(raw(recent.where(HC.establishment_id.in_(chunk)))) & set(edits.cells)
    keys = (Establishment.id, Declaration.id, User.id)
    declarations = declarations_of(edits)
    sources = [bulk_rows(scoped(criteria, declarations, service), column, value, *keys)
               for _, service, column, value in edits.bulks()]
    if edits.copy:
        sources.append(cells_query(criteria, *keys, user_ids=list(edits.copy), with_habilitation=False))
    for source in sources:
        if len(hit) < CONFLICTS_SHOWN:
            query = source.where(Tuple(*keys).in_(recent)).limit(CONFLICTS_SHOWN)
            hit |= {tuple(row) for row in raw(query)}
    return describe(actor, hit)


def apply(actor, criteria, edits, version, delay_override=None):
    """Write the edits in one transaction; Conflict (nothing written) when a cell they touch
    changed after version. Returns the Plan applied (its counts, its journal event)."""
    with database.atomic():
        if is_postgres():
            # A Valider of 60,000 cells sorts and keeps in memory a few MB of lines and changed cells:
            # with the default 4 MB they went to temporary files.
            database.execute_sql("SET LOCAL work_mem = '64MB'")
        # Serialise the firm's Valider: a row lock on PostgreSQL, the write lock on SQLite.
        Firm.update(is_active=Firm.is_active).where(Firm.id == actor.firm_id).execute()
        changed = conflicts(actor, criteria, edits, version)
        if changed:
            raise Conflict(CONFLICT, changed)
        return write(actor, criteria, edits, delay_override)


def write(actor, criteria, edits, delay_override=None):
    """The event, its lines and the habilitations they change (inside the caller's transaction)."""
    check_size(criteria, edits)
    named = check_named(actor, edits)  # before anything is written: 404, Conflict, Payer refused
    now = clock.now()
    starts = _starts(now, delay_override)
    event = AuditEvent.create(firm=actor.firm_id, actor=actor.id, actor_name=actor.full_name, at=now,
                              action="habilitation.change", object_type="Habilitation", summary="")
    declarations = declarations_of(edits)
    in_one_statement = single_bulk.applies(criteria, edits, named)
    if in_one_statement:
        # One « Tout (dé)cocher » or column tick: the whole action in one statement, applied already.
        ((_, service, column, value),) = edits.bulks()
        figures = single_bulk.write(event, scoped(criteria, declarations, service), column, value,
                                    starts, edits.until, now)
    else:
        _stage(event, criteria, edits, named, declarations, starts)
        figures = events.figures(event.id, event.firm_id)  # the journal entry's, read from its lines once
    if not figures["lines"]:
        event.delete_instance()
        return Plan([])
    users, declarations = _touched(event, figures)
    if not in_one_statement:
        _apply_lines(event, now, users, declarations, figures)
    rights.lines_changed(actor, event.id, figures)  # Vos notifications of each person concerned
    counts.recount(USER_DECLARATION_RIGHTS,
                   RightTally.user.in_(users) & RightTally.declaration.in_(declarations))
    return events.describe_event(event, starts, figures)


def _stage(event, criteria, edits, named, declarations, starts):
    """The event's lines: the bulk edits', then the copy's, then the boxes named one by one on top."""
    for index, (_, service, column, value) in enumerate(edits.bulks()):
        _stage_bulk(event, scoped(criteria, declarations, service), column, value, starts, edits.until,
                    merge=index > 0)
    if edits.copy:
        _stage_copy(event, criteria, *edits.copy, starts, edits.until)
    if named:
        _stage_named(event, named, starts, edits.until, edits.ends)
    if len(edits.bulks()) > 1 or edits.copy or named:  # one bulk stages only cells it changes
        HC.delete().where((HC.event == event.id) & (HC.before == HC.after)).execute()


def _touched(event, figures):
    """The people and services the lines touch, given as values to the statements after: with
    subqueries in their place, PostgreSQL scanned the whole tally (and every habilitation for the
    recount)."""
    touched = events.touched(event.id, figures)
    return sorted({u for u, _ in touched}), sorted({d for _, d in touched})


def _tally_rows(users, declarations):
    return BoxTally.user.in_(users) & BoxTally.declaration.in_(declarations)


def _starts(now, delay_override):
    """{declaration id: when a right granted now becomes usable}."""
    rows = Declaration.select(Declaration.id, Declaration.access_delay_hours).tuples()
    return {
        d: access_delay.active_from(now, access_delay.effective_hours(h, delay_override)) for d, h in rows
    }


def _start_sql(starts, declaration_column):
    return Case(declaration_column, list(starts.items()), None)


def _stage_bulk(event, criteria, column, value, starts, until, merge):
    before = bits_before()
    bit = BITS[column]
    after = before.bin_and(3 - bit) + (bit if value else 0)
    start = _start_sql(starts, Declaration.id) if value else Value(None)
    source = bulk_rows(criteria, column, value, Value(event.id), Establishment.id, Declaration.id, User.id,
                       Establishment.siret, before, after, start, Value(until if value else None))
    # The first staging of the event meets no line (a plain INSERT, no ids sent back); a second column
    # tick on the same cells keeps the first one's box.
    insert = HC.insert_from(source, LINE_FIELDS).as_rowcount()
    if merge:
        merged = HC.after.bin_and(3 - bit) + EXCLUDED.after.bin_and(bit)
        insert = insert.on_conflict(
            conflict_target=[HC.event, HC.establishment_id, HC.declaration_id, HC.user_id],
            update={HC.after: merged, HC.active_from: fn.COALESCE(EXCLUDED.active_from, HC.active_from),
                    HC.active_until: fn.COALESCE(EXCLUDED.active_until, HC.active_until)})
    insert.execute()


def _stage_copy(event, criteria, target, source, starts, until):
    def columns(theirs):
        declare = Case(None, [(theirs.declare, 1)], 0)
        pay = Case(None, [(theirs.pay & Declaration.has_payment, 2)], 0)
        return (Value(event.id), Establishment.id, Declaration.id, User.id, Establishment.siret,
                bits_before(), declare + pay, _start_sql(starts, Declaration.id), Value(until))

    HC.insert_from(copy_source(criteria, target, source, columns), LINE_FIELDS).on_conflict(
        conflict_target=[HC.event, HC.establishment_id, HC.declaration_id, HC.user_id],
        update={HC.after: EXCLUDED.after, HC.active_from: EXCLUDED.active_from,
                HC.active_until: EXCLUDED.active_until},
    ).execute()


def _stage_named(event, final, starts, until, ends):
    """The boxes named one by one, over what the bulk edits and the copy staged (read back for them)."""
    staged = {}
    for chunk in chunked(sorted({k[0] for k in final}), IDS_PER_QUERY):
        query = HC.select(HC.establishment_id, HC.declaration_id, HC.user_id, HC.after).where(
            (HC.event == event.id) & HC.establishment_id.in_(chunk))
        staged.update({(e, d, u): after for e, d, u, after in raw(query)})
    rows = []
    for key, (siret, before, columns) in final.items():
        after = staged.get(key, before)
        for column, value in columns.items():
            after = (after & (3 - BITS[column])) | (BITS[column] if value else 0)
        grants = after & ~before
        rows.append((event.id, *key, siret, before, after, starts.get(key[1]) if grants else None,
                     ends.get(key, until) if grants else None))
    _upsert_lines(rows)


def _upsert_lines(rows):
    for batch in chunked(rows, 1000):
        HC.insert_many(batch, fields=LINE_FIELDS).on_conflict(
            conflict_target=[HC.event, HC.establishment_id, HC.declaration_id, HC.user_id],
            update={HC.after: EXCLUDED.after, HC.active_from: EXCLUDED.active_from,
                    HC.active_until: fn.COALESCE(EXCLUDED.active_until, HC.active_until)},
        ).execute()


def _apply_lines(event, now, users, declarations, figures):
    """The habilitations as the stored lines say, then the counts that follow them. A statement with no
    line to apply is not run: each reads the event's lines."""
    emptied = figures["emptied"] or 0
    if figures["lines"] - emptied:  # lines that leave a box
        line_effects.keep_upsert(HC.select, HC, (HC.event == event.id) & (HC.after != 0), now).execute()
    if emptied:
        _empty(event, users, declarations)
    # The Couverture's holders per cell
    deltas = cell_holders.line_deltas(event.id, one_person=figures["people"] == 1)
    cell_holders.add_deltas(deltas, declarations)
    # The people concerned, for the journal's filter by person: one row each, not an index entry per line.
    EventPerson.insert_many([(event.id, u) for u in users], fields=[EventPerson.event, EventPerson.user_id]
                            ).as_rowcount().execute()
    # The grid's tally of boxes: the cells taken out as they were, added back as they become.
    box_deltas = line_effects.box_deltas(line_effects.stored_line_groups(event))
    counts.add_to_tally(USER_DECLARATION_BOXES, box_deltas, _tally_rows(users, declarations))


def _empty(event, users, declarations):
    H = Habilitation
    # The cells left empty, named by the lines alone: the habilitations are not read a second time.
    # The lines' people and services, given as values, let PostgreSQL read their habilitations on the
    # (user, declaration) index: matched to the lines alone, it read all 1,100,000 of a grand cabinet.
    emptied = HC.select(HC.establishment_id, HC.declaration_id, HC.user_id).where(
        (HC.event == event.id) & (HC.after == 0))
    H.delete().where(Tuple(H.establishment, H.declaration, H.user).in_(emptied)
                     & H.user.in_(users) & H.declaration.in_(declarations)).execute()
