"""Counts kept next to what they count, changed in the same transaction as the rows they count.

A page that shows "12 entreprises, 1 046 établissements" for each portfolio, or "Demande en
attente (3)" in the menu, must not count rows on every view: the count grows with the rows (a
correlated COUNT per company of a 10,000-company portfolio). It reads a maintained count instead.
The price is paid by the writes, and this module makes it explicit and checkable:

1. A Counter is declared next to the model whose column stores the count (see db/models/):
   the column (Portfolio.company_count: one holder row per thing counted, which must exist while
   it is counted), and the truth, a function returning the COUNT as a subquery correlated on the
   holder row (`Company.select(fn.COUNT(Company.id)).where(Company.portfolio == Portfolio.id)`).
   Declaring it registers it (`COUNTERS`), so the check below knows every counter of the portal.

2. Every write that changes what a counter counts calls, INSIDE ITS OWN TRANSACTION, one of:

   - add(counter, {key: delta, …}): the write knows how many rows it added (+n) or removed (-n)
     for each holder key. One `UPDATE … SET n = n + delta` per key: exact on both engines even when
     writers meet (SQLite serialises them, PostgreSQL re-reads the locked row before adding).
   - recount(counter, where): the write does not know the delta; the holder rows matching `where`
     (a condition on the holder model) are recounted from the truth, set-based. On PostgreSQL they
     are locked first, so that the recount's own snapshot sees every transaction committed before.

   Prefer add() on big writes (it costs one statement whatever the rows); recount() costs the
   count of the rows it recounts.

3. mismatches(counter) and check(repair=False) compare every registered counter with its truth:
   `flask --app webapp db check-counts [--repair]`, and tests/core/test_counts_db.py runs every write
   path of the portal and then asserts that check() finds nothing.
"""
from collections.abc import Callable
from dataclasses import dataclass

from peewee import Field, chunked, fn

from db.database import database, is_postgres

COUNTERS = []  # every Counter declared, in declaration order


@dataclass(frozen=True)
class Counter:
    """A maintained count: `column` of the holder model (one row per key), `truth()` its correlated
    COUNT subquery (or any integer expression of the holder row). Declared once, at import time."""

    name: str  # "portfolio.companies": what the check command prints
    column: Field
    truth: Callable

    def __post_init__(self):
        COUNTERS.append(self)

    @property
    def holder(self):
        return self.column.model

    @property
    def key(self):
        return self.holder._meta.primary_key


def add(counter, deltas):
    """Add deltas ({holder key: +n or -n}) to the counter, inside the caller's transaction.
    Raises LookupError when a holder row is missing: a count lost silently would show for ever.
    Keys are updated in sorted order, so that two writers moving counts between the same rows in
    opposite directions lock them in the same order (no deadlock on PostgreSQL)."""
    for key, delta in sorted(deltas.items()):
        if not delta:
            continue
        updated = (counter.holder.update({counter.column: counter.column + delta})
                   .where(counter.key == key).execute())
        if updated != 1:
            raise LookupError(f"{counter.name}: no holder row {key!r} to add {delta} to")


def recount(counter, where=None):
    """Set the counter of the holder rows matching `where` (every row when None) to its truth."""
    holder = counter.holder
    if is_postgres():
        locked = holder.select(counter.key).order_by(counter.key).for_update()
        list((locked.where(where) if where is not None else locked).tuples())
    query = holder.update({counter.column: fn.COALESCE(counter.truth(), 0)})
    (query.where(where) if where is not None else query).execute()


def mismatches(counter, where=None):
    """[(key, stored, true count)] of the holder rows whose stored count is wrong."""
    actual = fn.COALESCE(counter.truth(), 0)
    query = (counter.holder.select(counter.key, counter.column, actual)
             .where(counter.column != actual).order_by(counter.key))
    return list((query.where(where) if where is not None else query).tuples())


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
                    for keys in chunked([key for key, _, _ in wrong], 500):
                        recount(counter, counter.key.in_(keys))
    return found

