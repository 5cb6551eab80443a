"""The cells' holder counts and the Couverture's gaps changed from deltas grouped and joined once.

Five statements (each right's moves per company, then per portfolio, then the counts' UPDATE) each read
the deltas and joined them again with the cells, the establishments and the companies. On PostgreSQL one
statement now does it all, with data-modifying WITH clauses (SQLite: add_deltas_through_table):

  changed_cell  UPDATE of the cells' counts FROM the deltas (the event's journal lines, or the rows about
                to be deleted, one row per cell), RETURNING each cell's new counts and its change (its
                old counts are the new less the change): the cells are not read a second time;
  active_cell   those of active establishments, with their company and portfolio (when the deltas
                carry them and only one right can move, its classes read changed_cell directly);
  *_classes     per right, the changed cells counted per company × declaration × class before and
                after (0, 1, or 2 for two holders or more);
  *_moves       from those groups, each leaving its class (0 or 1 holder) and entering its new one,
                summed per company × declaration × holders;
  then the four upserts of coverage_gap_* and coverage_portfolio_gap_* from those few rows.

The moves are derived from the UPDATE's own rows: it locks each cell and returns its count after its
own change, so the count before is exact even when two writers meet (where reading the counts first, in
another statement, relied on the callers' locks). Rows left at 0 stay, as on SQLite (at most two per
company × declaration)."""
from peewee import EXCLUDED, SQL, Case, Select, Table, Value, fn

from db.database import database
from db.models.coverage_gaps import GAPS
from db.models.portfolio import Company, Establishment, EstablishmentDeclaration

ED = EstablishmentDeclaration


def add_deltas(deltas, declarations=None):
    """deltas: a query of establishment_id, declaration_id, declarers (+/-n), payers (+/-n), one row
    per cell; declarations: those of the deltas when the caller knows them (the cells' index is then
    read for those declarations only, not from its start to the deltas' last declaration)."""
    database.execute(Select(columns=[Value(1)]).with_cte(*ctes(deltas, declarations)))


def ctes(deltas, declarations=None, placed=False, rights=None):
    """The WITH clauses of add_deltas, for a statement of the caller's. placed: the deltas also carry
    each cell's company_id, portfolio_id and is_active (a single « Tout (dé)cocher » read them with its
    cells): the establishments and companies are not joined again. rights: those whose holders the
    deltas may change (« declarer », « payer »; None: both): a bulk edit of one box leaves the other
    right's counts as they are, so its classes, moves and gaps are not written at all."""
    # A subquery, not a CTE: grouped by the cells' keys (or one journal line per cell), the planner
    # knows their keys are distinct and hashes it (a CTE's unknown distinct count made it hash the
    # 345,000 cells instead).
    delta = deltas.alias("cell_delta")
    # The UPDATE joins the deltas alone; the establishment and company of the cells it changed are
    # joined on its RETURNING rows. Joined inside the UPDATE, the planner saw the three-way join
    # through the cells' key as a few hundred rows and probed both primary keys once per cell
    # (60,000 times each for « Tout décocher »: 0.28 s at load 3); on the RETURNING rows it
    # plans with the deltas' estimate and hashes the 69,000 establishments once (0.04 s).
    place = [delta.c.company_id, delta.c.portfolio_id, delta.c.is_active] if placed else []
    changed = (ED.update({ED.declarers: ED.declarers + delta.c.declarers,
                          ED.payers: ED.payers + delta.c.payers})
               .from_(delta)
               .where(_cell_of(delta, declarations, placed))
               .returning(ED.establishment.alias("establishment_id"), ED.declaration.alias("declaration_id"),
                          ED.declarers.alias("declarers"), ED.payers.alias("payers"),
                          delta.c.declarers.alias("declarers_change"), delta.c.payers.alias("payers_change"),
                          *place)
               .cte("changed_cell"))
    c = changed.c
    moving = [right for right in GAPS if rights is None or right in rights]
    only = None
    if placed and len(moving) == 1:
        # One right's classes are the only reader of the changed cells: they read them as they are,
        # the active ones kept by a condition, with no copy of the 60,000 active cells first.
        active, only = changed, c.is_active
    elif placed:
        active = (Select([changed], [getattr(c, column) for column in COLUMNS]).where(c.is_active)
                  .cte("active_cell", materialized=True))
    else:
        active = (Select([changed], [c.declaration_id, Establishment.company.alias("company_id"),
                                     Company.portfolio.alias("portfolio_id"), c.declarers, c.payers,
                                     c.declarers_change, c.payers_change])
                  .join(Establishment, on=(Establishment.id == c.establishment_id))
                  .join(Company, on=(Company.id == Establishment.company))
                  .where(Establishment.is_active)
                  .cte("active_cell", materialized=True))
    out = [changed] if active is changed else [changed, active]
    for right, moves, upserts in _gap_writes(active, moving, only):
        out += [*moves] + [upsert.returning(upsert.table.id).cte(f"{right}_{i}") for i, upsert in upserts]
    return out


def _cell_of(delta, declarations, placed=False):
    same = (ED.establishment == delta.c.establishment_id) & (ED.declaration == delta.c.declaration_id)
    if not declarations:
        return same
    if placed:
        # = ANY(array), not IN: PostgreSQL would carry « declaration = 6 » over to the deltas, read from
        # a WITH clause (no statistics: 0.5 % of its rows assumed), and probe the cells' index once
        # per delta instead of hashing the deltas.
        return same & (ED.declaration == fn.ANY(Value(list(declarations), unpack=False)))
    return same & ED.declaration.in_(declarations)


def add_deltas_through_table(deltas):
    """SQLite (no UPDATE in a WITH): the changed cells with their counts after the change, company,
    portfolio and state, read once into a temporary table (the connection's own, dropped at the end),
    then the counts' UPDATE and the four upserts from it: the deltas are grouped and joined once, not
    five times. SQLite's writers are serialised, so the counts read are the counts changed."""
    delta = deltas.alias("cell_delta")
    rows = (Select([delta], [delta.c.establishment_id, delta.c.declaration_id,
                             Establishment.company.alias("company_id"),
                             Company.portfolio.alias("portfolio_id"),
                             Establishment.is_active.alias("is_active"),
                             (ED.declarers + delta.c.declarers).alias("declarers"),
                             (ED.payers + delta.c.payers).alias("payers"),
                             delta.c.declarers.alias("declarers_change"),
                             delta.c.payers.alias("payers_change")])
            .join(ED, on=(ED.establishment == delta.c.establishment_id)
                  & (ED.declaration == delta.c.declaration_id))
            .join(Establishment, on=(Establishment.id == delta.c.establishment_id))
            .join(Company, on=(Company.id == Establishment.company)))
    sql, params = database.get_sql_context().sql(rows).query()
    database.execute_sql(f"CREATE TEMP TABLE changed_cell AS {sql}", params)
    try:
        cell = Table("changed_cell")
        ED.update({ED.declarers: cell.c.declarers, ED.payers: cell.c.payers}).from_(cell).where(
            (ED.establishment == cell.c.establishment_id)
            & (ED.declaration == cell.c.declaration_id)).execute()
        active = (Select([cell], [getattr(cell.c, c) for c in COLUMNS]).where(cell.c.is_active != 0)
                  .cte("active_cell"))
        for _, moves, upserts in _gap_writes(active):
            for _, upsert in upserts:
                upsert.with_cte(active, *moves).execute()
    finally:
        database.execute_sql("DROP TABLE temp.changed_cell")


COLUMNS = ("declaration_id", "company_id", "portfolio_id", "declarers", "payers", "declarers_change",
           "payers_change")


def _gap_writes(active, rights=tuple(GAPS), only=None):
    """Per right: its CTEs on active (the changed cells' classes, their moves) and the upserts of its
    company and portfolio gaps. only: a further condition on active's rows (the cells to count)."""
    for right in rights:
        gaps, _, stored, portfolio_gaps, _ = GAPS[right]
        classes, moves = _moves(active, right, stored.column_name, only)
        yield right, (classes, moves), [
            ("company", _upsert(gaps, gaps.company, moves, moves.c.company_id)),
            ("portfolio", _upsert(portfolio_gaps, portfolio_gaps.portfolio, moves, moves.c.portfolio_id))]


def _moves(active, right, column, only=None):
    """The cells of one right moving between classes: -1 in the class they leave, +1 in the one they
    enter, summed per company (and its portfolio) × declaration × holders. The changed cells are
    grouped once by their class before and after (0, 1, or 2 for two holders or more, no class), in
    one pass: each side of the move then reads the few groups, not every cell again."""
    now, change = getattr(active.c, column), getattr(active.c, f"{column}_change")
    owner = (active.c.company_id, active.c.portfolio_id, active.c.declaration_id)

    def capped(holders):
        return Case(None, [(holders <= 1, holders)], 2)
    before, after = capped(now - change), capped(now)
    moved = (change != 0) & ((now - change <= 1) | (now <= 1))
    groups = (Select([active], [*owner, before.alias("before"), after.alias("after"),
                                fn.COUNT(SQL("*")).alias("cells")])
              .where(moved & only if only is not None else moved)
              .group_by(*owner, before, after)
              .cte(f"{right}_classes", materialized=True))
    g = groups.c

    def side(holders, sign):
        return (Select([groups], [g.company_id, g.portfolio_id, g.declaration_id, holders.alias("holders"),
                                  (g.cells * sign).alias("n")])
                .where(holders <= 1))
    both = (side(g.before, -1) + side(g.after, 1)).alias("moved")
    keys = (both.c.company_id, both.c.portfolio_id, both.c.declaration_id, both.c.holders)
    return groups, (Select([both], [*keys, fn.SUM(both.c.n).alias("n")]).group_by(*keys)
                    .cte(f"{right}_moves", materialized=True))


def _upsert(model, owner, moves, owner_column):
    """model's cells += the moves summed per owner (company or portfolio) × declaration × holders."""
    summed = (Select([moves], [owner_column, moves.c.declaration_id, moves.c.holders, fn.SUM(moves.c.n)])
              .where(moves.c.holders >= 0)  # SQLite reads an upsert's SELECT right only with a WHERE
              .group_by(owner_column, moves.c.declaration_id, moves.c.holders)
              .having(fn.SUM(moves.c.n) != 0))
    keys = [owner, model.declaration, model.holders]
    return (model.insert_from(summed, [*keys, model.cells])
            .on_conflict(conflict_target=keys, update={model.cells: model.cells + EXCLUDED.cells}))
