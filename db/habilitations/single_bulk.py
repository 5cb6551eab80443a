"""A « Tout (dé)cocher » or a column tick alone (no copy, no box named one by one), on PostgreSQL: one
statement writes the whole action.

Its cells are read once (bulk_cell, materialized: each cell with its boxes before and after, its
habilitation's id, its company, portfolio and state); data-modifying WITH clauses then write, from those
rows, the journal's lines and people, the habilitations kept or removed, the cells' holder counts with the
Couverture's gaps of the right edited, and the grid's tally, its rows brought to zero deleted
(single_tally.py); the statement returns the journal entry's figures. Written in steps (writes.py: the
lines first, everything else read back from them), the 60,000 lines of a grand portfolio's « Tout
décocher » were read four more times and their establishments and companies joined twice, where a
single action needs them once.

Every clause sees the same snapshot and none reads what another writes: each writes its own table (the
habilitations' upsert and DELETE take disjoint cells: a box left, or none; the tally's DELETE and upsert
disjoint rows: at zero, or not), and the firm's Valider are serialised (writes.apply), as in writes.py.
SQLite has no data-modifying WITH: it keeps writes.py's steps.
"""
from peewee import SQL, Case, NodeList, Select, Value, fn

from db.database import is_postgres
from db.habilitations import events, line_effects, single_tally
from db.habilitations.edits import DECLARE, PAY
from db.habilitations.line_effects import LINE_FIELDS
from db.habilitations.sources import BITS, bits_before, bulk_rows
from db.models import (
    Company,
    Declaration,
    Establishment,
    EventPerson,
    Habilitation,
    HabilitationChange,
    User,
    cell_moves,
)
from db.models.cell_holders import deltas_of_lines

HC = HabilitationChange
RIGHTS = {DECLARE: "declarer", PAY: "payer"}  # the Couverture's right (cell_moves) of each box


def applies(criteria, edits, named):
    """Whether the edits are one bulk edit alone over people the criteria pick (their habilitations are
    then found on the people's and services' index, not among every habilitation of the firm)."""
    return (is_postgres() and len(edits.bulks()) == 1 and not edits.copy and not named
            and bool(criteria.picked))


def write(event, criteria, column, value, starts, until, now):
    """Write the bulk edit of criteria (column: its box, value: ticked or not) as event's lines, applied
    (inside the caller's transaction). Returns the entry's figures."""
    row = next(iter(statement(event, criteria, column, value, starts, until, now).tuples()))
    return events.as_figures(row)


def statement(event, criteria, column, value, starts, until, now):
    """The statement of write(): its row is the entry's figures."""
    cells = _cells(criteria, column, value, starts, until).cte("bulk_cell", materialized=True)
    c = cells.c
    one_person = len(set(criteria.picked)) == 1  # one line per cell: its change, no grouping
    deltas = deltas_of_lines(cells.select, c, None, one_person, c.company_id, c.portfolio_id,
                             c.is_active)
    declarations = [criteria.service.id] if criteria.service is not None else None
    writes = [
        HC.insert_from(cells.select(Value(event.id), *(getattr(c, field.name) for field in LINE_FIELDS[1:])),
                       LINE_FIELDS).as_rowcount().cte("journal_lines"),
        EventPerson.insert_from(_people(cells, event, criteria.picked, one_person),
                                [EventPerson.event, EventPerson.user_id]).as_rowcount().cte("journal_people"),
        line_effects.keep_upsert(cells.select, c, c.after != 0, now).cte("kept_boxes"),
        # The cells left empty, by their habilitations' ids: hashed once and looked up as the
        # people's and services' index is read (a hashed subplan: a WITH clause has no statistics,
        # so joined to it PostgreSQL assumed 200 distinct ids and probed the primary key 60,000 times).
        Habilitation.delete().where(_hashed(Habilitation.id.in_(cells.select(c.habilitation_id)
                                                               .where(c.after == 0)))
                                    & _bound(Habilitation.user, criteria.picked)
                                    & _bound(Habilitation.declaration, declarations))
        .cte("emptied_cells"),
        # Only the right of the box edited can gain or lose holders: the other's gaps are not read.
        *cell_moves.ctes(deltas, declarations, placed=True, rights=[RIGHTS[column]]),
        *single_tally.ctes(_groups(cells)),
    ]
    row = events.figures_query(cells.select, c, None, event.firm_id, company=c.company_id,
                               one_line_per_establishment=one_person and declarations is not None)
    return row.with_cte(cells, *writes).bind(HC._meta.database)


def _cells(criteria, column, value, starts, until):
    """The bulk's cells whose box changes, each with what its line, its habilitation and its counts need."""
    before = bits_before()
    bit = BITS[column]
    after = before.bin_and(3 - bit) + (bit if value else 0)
    start = Case(Declaration.id, list(starts.items()), None) if value else Value(None)
    return bulk_rows(
        criteria, column, value,
        Establishment.id.alias("establishment_id"), Declaration.id.alias("declaration_id"),
        User.id.alias("user_id"), Establishment.siret.alias("siret"),
        Habilitation.id.alias("habilitation_id"), before.alias("before"), after.alias("after"),
        start.cast("timestamp").alias("active_from"),
        Value(until if value else None).cast("timestamp").alias("active_until"),
        Establishment.company.alias("company_id"), Company.portfolio.alias("portfolio_id"),
        Establishment.is_active.alias("is_active"))


def _groups(cells):
    """The grid's tally groups of the cells: per person, service, company and boxes before → after."""
    c = cells.c
    keys = (c.user_id, c.declaration_id, c.company_id, c.before, c.after)
    return (Select([cells], [*keys, fn.COUNT(Value(1)).alias("n")]).group_by(*keys).cte("line_groups"))


def _people(cells, event, picked, one_person):
    """The journal's people of the cells: the one person picked when the cells are not none (no
    DISTINCT over 60,000 cells to find them), else each person among the cells once."""
    if one_person:
        return cells.select(Value(event.id), Value(picked[0])).limit(1)
    return cells.select(Value(event.id), cells.c.user_id).distinct()


def _bound(column, ids):
    """column IN ids when the criteria name them (values: the planner reads the index on them)."""
    return column.in_(sorted(set(ids))) if ids else Value(True)


def _hashed(membership):
    """column IN (subquery) kept as a filter, which PostgreSQL runs as a hashed subplan: « IS TRUE »
    keeps it from being turned into a join. The same rows pass: a row not found gives false or NULL
    (a cell without habilitation), both « not deleted », with or without it."""
    return NodeList((membership, SQL("IS TRUE")))
