"""The grid's tally (BoxTally) written by a single « Tout (dé)cocher » statement (single_bulk.py) on
PostgreSQL: the rows a change brings to zero are deleted there and then, not updated to zero and deleted
by a second statement.

The tally keeps no row at zero. Upserting every delta (counts.tally_upserted) updated a Tout décocher's
5,000 rows to zero (about half of them not HOT: an entry in each of the table's four indexes), sent
their ids back, then deleted them. Here each delta looks up its row first, with its total after the
change: the rows at zero are deleted, every other delta is upserted as before (added to the row, or a
new row). The two clauses take disjoint rows, so no row is written twice by the statement.

Whether a row reaches zero is read in the statement's snapshot. Only a Valider (or a file import) adds
habilitations or ticks a box, and those of a firm are serialised by the firm's row lock (writes.apply):
nothing can raise a count between the snapshot and the DELETE. A removal of habilitations elsewhere
(db/clients/writes.delete_habilitations) takes the same lock first, and could only lower a count: a row
whose habilitations are all gone is rightly deleted. The upsert adds to whatever the row holds when it
is written, as counts.add_to_tally does."""
from peewee import EXCLUDED, JOIN, SQL, Select, fn

from db.models import BoxTally

T = BoxTally
KEYS = [T.user, T.declaration, T.company, T.declare, T.pay]


def ctes(groups):
    """The WITH clauses writing the tally's changes of line groups (a CTE of user_id, declaration_id,
    company_id, before, after, n)."""
    delta = _deltas(groups)
    d = delta.c
    keys = (d.user_id, d.declaration_id, d.company_id, d.declare, d.pay)
    same_key = ((T.user == d.user_id) & (T.declaration == d.declaration_id) & (T.company == d.company_id)
                & (T.declare == d.declare) & (T.pay == d.pay))
    # Each delta looks its row up on the unique index (a few thousand probes: LATERAL, and LIMIT 1 so
    # that PostgreSQL does not flatten it into a join): joined, the planner hashed the tally's 600,000
    # rows (0.25–0.4 s); bounded by the people and services, it expected one row there and ran a
    # nested loop over the deltas (17 s).
    row = T.select(T.id, T.habilitations).where(same_key).limit(1).alias("tally_row")
    total = (row.c.habilitations + d.n).alias("total")  # NULL: no row yet
    looked_up = (Select([delta], [*keys, d.n, row.c.id.alias("id"), total])
                 .join(row, JOIN.LEFT_LATERAL, on=SQL("TRUE")).cte("tally_now", materialized=True))
    k = looked_up.c
    # By ids as an array: an index scan of the primary key, no join to plan over two WITH clauses.
    emptied = T.delete().where(T.id == fn.ANY(fn.ARRAY(Select([looked_up], [k.id]).where(k.total == 0))))
    kept = Select([looked_up], [k.user_id, k.declaration_id, k.company_id, k.declare, k.pay, k.n]).where(
        k.total.is_null() | (k.total != 0))
    added = T.insert_from(kept, [*KEYS, T.habilitations]).on_conflict(
        conflict_target=KEYS, update={T.habilitations: T.habilitations + EXCLUDED.habilitations})
    return [groups, delta, looked_up, emptied.returning(T.id).cte("tally_emptied"),
            added.returning(T.id).cte("tally_added")]


def _deltas(groups):
    """Per tally key, the change of its count: each group -n for the boxes it had, +n for those it gets
    (the sums of line_effects.box_deltas, with named columns), keys whose change is nil left out."""
    g = groups.c

    def side(bits, sign):
        return Select([groups], [g.user_id, g.declaration_id, g.company_id,
                                 (bits.bin_and(1) != 0).alias("declare"), (bits.bin_and(2) != 0).alias("pay"),
                                 (g.n * sign).alias("n")]).where(bits != 0)
    both = (side(g.before, -1) + side(g.after, 1)).alias("side")
    s = both.c
    keys = (s.user_id, s.declaration_id, s.company_id, s.declare, s.pay)
    return (Select([both], [*keys, fn.SUM(s.n).alias("n")]).group_by(*keys).having(fn.SUM(s.n) != 0)
            .cte("tally_delta", materialized=True))
