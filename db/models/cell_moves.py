"""PostgreSQL: the cells' holder counts and the Couverture's gaps changed by one statement.

cell_holders.add_deltas on SQLite reads the deltas five times (each right's moves per company, then per
portfolio, then the counts' UPDATE), each time joined again with the cells, the establishments and the
companies. Here one statement does it all, with data-modifying WITH clauses:

  changed_cell  UPDATE of the cells' counts FROM the deltas (the event's journal lines, or the rows about
                to be deleted, grouped once) joined with their establishment and company, RETURNING each
                cell's new counts and its change (its old counts are the new less the change), company,
                portfolio and whether it is active: the cells are not read a second time;
  active_cell   those of active establishments;
  *_moves       per right, each cell leaving its class (0 or 1 holder, old count) and entering its new
                one, summed per company × declaration × holders;
  then the four upserts of coverage_gap_* and coverage_portfolio_gap_* from those few rows.

The moves are derived from the UPDATE's own rows: it locks each cell and returns its count after its
own change, so the count before is exact even when two writers meet (where reading the counts first, in
another statement, relied on the callers' locks). Rows left at 0 stay, as on SQLite (at most two per
company × declaration)."""
from peewee import EXCLUDED, Select, Value, fn

from db.database import database
from db.models.coverage_gaps import GAPS
from db.models.portfolio import Company, Establishment, EstablishmentDeclaration

ED = EstablishmentDeclaration


def add_deltas(deltas):
    """deltas: a query of establishment_id, declaration_id, declarers (+/-n), payers (+/-n)."""
    # A subquery, not a CTE: grouped by the cells' keys, the planner knows its keys are distinct and
    # hashes it (a CTE's unknown distinct count made it hash the 345,000 cells instead).
    delta = deltas.alias("cell_delta")
    # The establishment and company are joined inside the UPDATE, planned with the deltas' estimate
    # (hash joins for a big Valider), not after it on the RETURNING rows, which the planner believes
    # few (it probed both primary keys 60,000 times for « Tout décocher »).
    changed = (ED.update({ED.declarers: ED.declarers + delta.c.declarers,
                          ED.payers: ED.payers + delta.c.payers})
               .from_(delta, Establishment, Company)
               .where((ED.establishment == delta.c.establishment_id)
                      & (ED.declaration == delta.c.declaration_id)
                      & (Establishment.id == delta.c.establishment_id)
                      & (Company.id == Establishment.company))
               .returning(ED.declaration.alias("declaration_id"), Establishment.company.alias("company_id"),
                          Company.portfolio.alias("portfolio_id"), Establishment.is_active.alias("is_active"),
                          ED.declarers.alias("declarers"), ED.payers.alias("payers"),
                          delta.c.declarers.alias("declarers_change"), delta.c.payers.alias("payers_change"))
               .cte("changed_cell"))
    c = changed.c
    active = (Select([changed], [c.declaration_id, c.company_id, c.portfolio_id, c.declarers, c.payers,
                                 c.declarers_change, c.payers_change])
              .where(c.is_active)
              .cte("active_cell", materialized=True))
    ctes = [changed, active]
    for right, (gaps, _, stored, portfolio_gaps, _) in GAPS.items():
        moves = _moves(active, right, stored.column_name)
        ctes += [moves, _upsert(gaps, gaps.company, moves, moves.c.company_id, f"{right}_company_gaps"),
                 _upsert(portfolio_gaps, portfolio_gaps.portfolio, moves, moves.c.portfolio_id,
                         f"{right}_portfolio_gaps")]
    database.execute(Select(columns=[Value(1)]).with_cte(*ctes))


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


def _upsert(model, owner, moves, owner_column, name):
    """model's cells += the moves summed per owner (company or portfolio) × declaration × holders."""
    summed = (Select([moves], [owner_column, moves.c.declaration_id, moves.c.holders, fn.SUM(moves.c.n)])
              .group_by(owner_column, moves.c.declaration_id, moves.c.holders)
              .having(fn.SUM(moves.c.n) != 0))
    keys = [owner, model.declaration, model.holders]
    return (model.insert_from(summed, [*keys, model.cells])
            .on_conflict(conflict_target=keys, update={model.cells: model.cells + EXCLUDED.cells})
            .returning(model.id)
            .cte(name))
