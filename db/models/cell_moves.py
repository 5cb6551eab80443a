"""The cells' holder counts and the Couverture's gaps changed from deltas grouped and joined once.

Five statements (each right's moves per company, then per portfolio, then the counts' UPDATE) each read
the deltas and joined them again with the cells, the establishments and the companies. On PostgreSQL one
statement now does it all, with data-modifying WITH clauses (SQLite: add_deltas_through_table):

  changed_cell  UPDATE of the cells' counts FROM the deltas (the event's journal lines, or the rows about
                to be deleted, one row per cell), RETURNING each cell's new counts and its change (its
                old counts are the new less the change): the cells are not read a second time;
  active_cell   those of active establishments, with their company and portfolio;
  *_moves       per right, each cell leaving its class (0 or 1 holder, old count) and entering its new
                one, summed per company × declaration × holders;
  then the four upserts of coverage_gap_* and coverage_portfolio_gap_* from those few rows.

The moves are derived from the UPDATE's own rows: it locks each cell and returns its count after its
own change, so the count before is exact even when two writers meet (where reading the counts first, in
another statement, relied on the callers' locks). Rows left at 0 stay, as on SQLite (at most two per
company × declaration)."""
from peewee import EXCLUDED, Select, Table, Value, fn

from db.database import database
from db.models.coverage_gaps import GAPS
from db.models.portfolio import Company, Establishment, EstablishmentDeclaration

ED = EstablishmentDeclaration


def add_deltas(deltas):
    """deltas: a query of establishment_id, declaration_id, declarers (+/-n), payers (+/-n), one row
    per cell."""
    delta = deltas.alias("cell_delta")
    # The UPDATE joins the deltas alone; the establishment and company of the cells it changed are
    # joined on its RETURNING rows. Joined inside the UPDATE, the planner saw the three-way join
    # through the cells' key as a few hundred rows and probed both primary keys once per cell
    # (60,000 times each for « Tout décocher »: 0.28 s at load 3); on the RETURNING rows it
    # plans with the deltas' estimate and hashes the 69,000 establishments once (0.04 s).
    changed = (ED.update({ED.declarers: ED.declarers + delta.c.declarers,
                          ED.payers: ED.payers + delta.c.payers})
               .from_(delta)
               .where((ED.establishment == delta.c.establishment_id)
                      & (ED.declaration == delta.c.declaration_id))
               .returning(ED.establishment.alias("establishment_id"), ED.declaration.alias("declaration_id"),
                          ED.declarers.alias("declarers"), ED.payers.alias("payers"),
                          delta.c.declarers.alias("declarers_change"), delta.c.payers.alias("payers_change"))
               .cte("changed_cell"))
    c = changed.c
    active = (Select([changed], [c.declaration_id, Establishment.company.alias("company_id"),
                                 Company.portfolio.alias("portfolio_id"), c.declarers, c.payers,
                                 c.declarers_change, c.payers_change])
              .join(Establishment, on=(Establishment.id == c.establishment_id))
              .join(Company, on=(Company.id == Establishment.company))
              .where(Establishment.is_active)
              .cte("active_cell", materialized=True))
    ctes = [changed, active]
    for right, moves, upserts in _gap_writes(active):
        ctes += [moves] + [upsert.returning(upsert.table.id).cte(f"{right}_{i}") for i, upsert in upserts]
    database.execute(Select(columns=[Value(1)]).with_cte(*ctes))


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
                upsert.with_cte(active, moves).execute()
    finally:
        database.execute_sql("DROP TABLE temp.changed_cell")


COLUMNS = ("declaration_id", "company_id", "portfolio_id", "declarers", "payers", "declarers_change",
           "payers_change")


def _gap_writes(active):
    """Per right: its moves (a CTE on active) and the upserts of its company and portfolio gaps."""
    for right, (gaps, _, stored, portfolio_gaps, _) in GAPS.items():
        moves = _moves(active, right, stored.column_name)
        yield right, moves, [("company", _upsert(gaps, gaps.company, moves, moves.c.company_id)),
                             ("portfolio", _upsert(portfolio_gaps, portfolio_gaps.portfolio, moves,
                                                   moves.c.portfolio_id))]


def _moves(active, right, column):
    """The cells of one right moving between classes: -1 in the class they leave, +1 in the one they
    enter, summed per company (and its portfolio) × declaration × holders."""
    now, change = getattr(active.c, column), getattr(active.c, f"{column}_change")

    def side(holders, sign):
        return (Select([active], [active.c.company_id, active.c.portfolio_id, active.c.declaration_id,
                                  holders.alias("holders"), Value(sign).alias("n")])
                .where((change != 0) & (holders <= 1)))
    both = (side(now - change, -1) + side(now, 1)).alias("moved")
    keys = (both.c.company_id, both.c.portfolio_id, both.c.declaration_id, both.c.holders)
    return (Select([both], [*keys, fn.SUM(both.c.n).alias("n")]).group_by(*keys)
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
