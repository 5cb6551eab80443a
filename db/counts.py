"""Counts kept next to what they count, changed in the same transaction as the rows they count.

A page that shows "12 entreprises, 1 046 établissements" for each portfolio, "Demande en attente (3)"
in the menu, the size of a grid of 9,000 establishments or the tiles of « Vos déclarations » must not
count rows on every view: the count grows with the rows. It reads a maintained count instead. The
price is paid by the writes, and this module makes it explicit and checkable:

1. A Counter is declared next to the model whose column stores the count (see db/models/), with
   the truth it must equal. Declaring it registers it (`COUNTERS`), so the check below knows every
   counter of the portal. Two shapes, one declaration:
   - one holder row per thing counted, which exists while it is counted (Portfolio.company_count):
     `truth()` is the COUNT as a subquery correlated on the holder row;
   - a tally, `keys` given (RightTally: user × declaration × moment): holder rows exist only where
     the count is not zero; `truth()` is a query selecting the keys' values then the count,
     grouped by the keys (`source` maps each key field to its expression in that query, so that a
     condition on the holder can be asked of the truth too).

2. Every write that changes what a counter counts calls, INSIDE ITS OWN TRANSACTION, one of:
   - add(counter, {key: delta, …}): the write knows how many rows it added (+n) or removed (-n)
     for each holder key. One `UPDATE … SET n = n + delta` per key: exact on both engines even when
     writers meet (SQLite serialises them, PostgreSQL re-reads the locked row before adding).
   - recount(counter, where): the write does not know the delta; the holder rows matching `where`
     (a condition on the holder model) are recounted from the truth, set-based. On PostgreSQL they
     are locked first, so that the recount's own snapshot sees every transaction committed before.
     A tally is recounted (delete its rows matching `where`, insert the truth's), or, when the write
     knows the rows it changes, added to: add_to_tally(counter, deltas, where), deltas a query of
     the keys' values and +n / -n (one upsert, then the rows left at zero removed).
   Prefer add() on big writes (one statement whatever the rows); recount() costs the count.

3. mismatches(counter) and check(repair=False) compare every registered counter with its truth:
   `flask --app webapp db check-counts [--repair]`, and tests/core/test_counts_db.py runs every write
   path of the portal and then asserts that check() finds nothing.
"""
from collections.abc import Callable
from dataclasses import dataclass, field

from peewee import EXCLUDED, Expression, Field, Select, chunked, fn

from db.database import database, is_postgres

IDS_PER_DELETE = 500  # bound parameters of one statement: within SQLite's limit

COUNTERS = []  # every Counter declared, in declaration order


@dataclass(frozen=True)
class Counter:
    """A maintained count: `column` of the holder model, `truth()` what it must equal. With `source`
    ({holder key field: its expression in truth()}), a tally keyed by those fields. Declared once,
    at import time."""

    name: str  # "portfolio.companies": what the check command prints
    column: Field
    truth: Callable
    source: dict = field(default_factory=dict)

    def __post_init__(self):
        COUNTERS.append(self)

    @property
    def holder(self):
        return self.column.model

    @property
    def key(self):
        return self.holder._meta.primary_key

    @property
    def keys(self):
        return list(self.source)


def add(counter, deltas):
    """Add deltas ({holder key: +n or -n}) to the counter, inside the caller's transaction.
    Raises LookupError when a holder row is missing: a count lost silently would show for ever.
    Keys are updated in sorted order, so that two writers moving counts between the same rows in
    opposite directions lock them in the same order (no deadlock on PostgreSQL)."""
    if counter.source:
        raise TypeError(f"{counter.name}: a tally is recounted (counts.recount), not added to")
    for key, delta in sorted(deltas.items()):
        if not delta:
            continue
        updated = (counter.holder.update({counter.column: counter.column + delta})
                   .where(counter.key == key).execute())
        if updated != 1:
            raise LookupError(f"{counter.name}: no holder row {key!r} to add {delta} to")


def add_to_tally(counter, deltas, where):
    """Add to a tally the deltas that the query `deltas` selects (the keys' values, then +n or -n),
    inside the caller's transaction, then remove its rows left at zero among those matching `where`
    (None: none removed yet, another add follows).
    For a write that knows the rows it changes (journal lines, rows about to be deleted): the cost
    follows those rows, where a recount reads everything the keys cover. The holder has a unique
    index on the keys."""
    if where is None:
        _tally_upsert(counter, deltas).execute()
        return
    # Only a row this upsert wrote can be left at zero (a tally keeps no zero row): the ids it sends
    # back name them, where `where & (column == 0)` read every row of the people × services touched
    # (3,000 rows, 2,000 pages on PostgreSQL for one column tick).
    if is_postgres():
        upserted, zero_ids = tally_upserted(counter, deltas)
        emptied = [row_id for (row_id,) in database.execute(zero_ids.with_cte(upserted))]
    else:
        emptied = [row_id for row_id, n in _tally_upsert(counter, deltas)
                   .returning(counter.key, counter.column).tuples().execute() if n == 0]
    remove_emptied(counter, emptied, where)


def _tally_upsert(counter, deltas):
    column = counter.column
    return counter.holder.insert_from(deltas, [*counter.keys, column]).on_conflict(
        conflict_target=counter.keys,
        update={column: column + getattr(EXCLUDED, column.column_name)},
    )


def tally_upserted(counter, deltas):
    """PostgreSQL: add_to_tally's upsert as a WITH clause sending back its rows' ids and counts, and the
    select of the ids it left at zero (only those come back, at most one more than a DELETE takes),
    for remove_emptied."""
    upserted = (_tally_upsert(counter, deltas).returning(counter.key.alias("id"), counter.column.alias("n"))
                .cte("tally_upserted"))
    return upserted, Select([upserted], [upserted.c.id]).where(upserted.c.n == 0).limit(IDS_PER_DELETE + 1)


def remove_emptied(counter, emptied, where):
    """Remove the tally's rows an upsert left at zero (emptied: their ids) among those matching where."""
    holder, column, key = counter.holder, counter.column, counter.key
    if len(emptied) > IDS_PER_DELETE:  # many emptied (Tout décocher): one DELETE all the same
        holder.delete().where(where & (column == 0)).execute()
    elif emptied:
        holder.delete().where(where & key.in_(emptied) & (column == 0)).execute()


def recount(counter, where=None):
    """Set the counter of the holder rows matching `where` (every row when None) to its truth."""
    if counter.source:
        return _recount_tally(counter, where)
    holder = counter.holder
    if is_postgres():
        locked = holder.select(counter.key).order_by(counter.key).for_update()
        list((locked.where(where) if where is not None else locked).tuples())
    query = holder.update({counter.column: fn.COALESCE(counter.truth(), 0)})
    (query.where(where) if where is not None else query).execute()


def _recount_tally(counter, where):
    deleting = counter.holder.delete()
    (deleting.where(where) if where is not None else deleting).execute()
    counter.holder.insert_from(_tally(counter, where), [*counter.keys, counter.column]).execute()


def _tally(counter, where):
    """The truth of a tally, restricted to the holder rows `where` would select."""
    query = counter.truth()
    return query.where(_on_source(where, counter)) if where is not None else query


def _on_source(node, counter):
    """A condition on the holder's key fields rewritten on the truth's expressions."""
    if isinstance(node, Field) and node.model is counter.holder:
        for key, expression in counter.source.items():
            if key.name == node.name:
                return expression
        raise ValueError(f"{counter.name}: {node.name} is not a key of the tally")
    if isinstance(node, Expression):
        return Expression(_on_source(node.lhs, counter), node.op, _on_source(node.rhs, counter), node.flat)
    return node


def mismatches(counter, where=None):
    """[(key, stored, true count)] of the holder rows whose stored count is wrong (for a tally, the
    key is the tuple of its key values, and a missing row counts 0)."""
    if counter.source:
        return _tally_mismatches(counter, where)
    actual = fn.COALESCE(counter.truth(), 0)
    query = (counter.holder.select(counter.key, counter.column, actual)
             .where(counter.column != actual).order_by(counter.key))
    return list((query.where(where) if where is not None else query).tuples())


def _tally_mismatches(counter, where):
    stored_rows = counter.holder.select(*counter.keys, counter.column)
    stored = _by_key(counter, (stored_rows.where(where) if where is not None else stored_rows).tuples())
    actual = _by_key(counter, database.execute(_tally(counter, where)).fetchall())
    keys = sorted(set(stored) | set(actual), key=repr)
    return [(key, stored.get(key, 0), actual.get(key, 0)) for key in keys
            if stored.get(key, 0) != actual.get(key, 0)]


def _by_key(counter, rows):
    """{key values: count}, each value read as its holder field reads it (SQLite hands CASE results
    back as text)."""
    out = {}
    for *values, count in rows:
        key = tuple(field.python_value(value) for field, value in zip(counter.keys, values, strict=True))
        out[key] = out.get(key, 0) + count
    return out


def check(repair=False):
    """{counter name: mismatches} of every registered counter (only the wrong ones); with repair,
    the wrong rows are recounted in the same transaction."""
    found = {}
    with database.atomic():
        for counter in COUNTERS:
            wrong = mismatches(counter)
            if wrong:
                found[counter.name] = wrong
                if repair:
                    _repair(counter, [key for key, _, _ in wrong])
    return found


def _repair(counter, keys):
    if counter.source:  # recount the tally for the first key values concerned
        first = counter.keys[0]
        for values in chunked(sorted({key[0] for key in keys}), 500):
            recount(counter, first.in_(values))
        return
    for chunk in chunked(keys, 500):
        recount(counter, counter.key.in_(chunk))
