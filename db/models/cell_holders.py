"""How many people hold Déclarer, and Payer, on each establishment × declaration (EstablishmentDeclaration
.declarers / .payers): the Couverture reads the cells nobody or one person may act on from these counts
(and from their sums per company, db/models/coverage_gaps.py), instead of counting the holders of every
cell of a 60,000-establishment portfolio. The counts have no index of their own (migration 0900): each
Valider updates thousands of them, and an indexed column would make each update write every index.

The counts take every habilitation with the box ticked, whatever its dates and its holder; the page
takes away at read time the few that do not count now (not started, ended, holder deactivated). Kept
(db/counts.py) by every write of habilitations in its transaction: Valider from its journal lines
(line_deltas), db/clients/writes.delete_habilitations from the rows it deletes (row_deltas), and every
insertion of EstablishmentDeclaration rows recounts them (recount_cells)."""
from peewee import Case, Select, Table, fn

from db import counts
from db.counts import Counter
from db.database import database, is_postgres
from db.models import cell_moves
from db.models.box_tally import pay_box
from db.models.catalogue import Declaration
from db.models.coverage_gaps import GAPS, cell_gaps
from db.models.portfolio import Company, Establishment, EstablishmentDeclaration, Habilitation
from db.models.records import HabilitationChange

ED = EstablishmentDeclaration


def _holders(ticked):
    h = Habilitation
    return (h.select(fn.COUNT(h.id)).join(Declaration, on=(h.declaration == Declaration.id))
            .where((h.establishment == ED.establishment) & (h.declaration == ED.declaration) & ticked))


CELL_DECLARERS = Counter("establishment_declaration.declarers", ED.declarers,
                         lambda: _holders(Habilitation.declare))
CELL_PAYERS = Counter("establishment_declaration.payers", ED.payers, lambda: _holders(pay_box()))


def _one(condition, sign):
    return fn.SUM(Case(None, [(condition, sign)], 0))


def line_deltas(event_id, one_person=False):
    """SQL: each cell's change of holders from the event's journal lines (see deltas_of_lines)."""
    hc = HabilitationChange
    return deltas_of_lines(hc.select, hc, hc.event == event_id, one_person)


def deltas_of_lines(select, lines, where, one_person, *place):
    """SQL: each cell's change of holders from journal lines (bit 1 Déclarer, bit 2 Payer; select: the
    lines' relation's select, lines: its columns, where: which lines, None: all). one_person: the lines
    name one person, so one line per cell (the journal's key is event × cell × person): each line is its
    cell's change, read as it is, without grouping 60,000 lines. place: columns of the cell carried along
    (its company, portfolio and state, when the lines' relation has them)."""
    before, after = lines.before, lines.after
    cell = (lines.establishment_id.alias("establishment_id"), lines.declaration_id.alias("declaration_id"),
            *place)
    if one_person:
        def change(bit):
            return (Case(None, [(after.bin_and(bit) != 0, 1)], 0)
                    - Case(None, [(before.bin_and(bit) != 0, 1)], 0))
        query = select(*cell, change(1).alias("declarers"), change(2).alias("payers"))
        return query.where(where) if where is not None else query
    def summed(bit):
        return _one(after.bin_and(bit) != 0, 1) - _one(before.bin_and(bit) != 0, 1)
    query = select(*cell, summed(1).alias("declarers"), summed(2).alias("payers"))
    return ((query.where(where) if where is not None else query)
            .group_by(lines.establishment_id, lines.declaration_id, *place))


def row_deltas(condition):
    """SQL: each cell's holders lost when the habilitations matching condition are deleted."""
    h = Habilitation
    return (h.select(h.establishment.alias("establishment_id"), h.declaration.alias("declaration_id"),
                     _one(h.declare, -1).alias("declarers"), _one(pay_box(), -1).alias("payers"))
            .join(Establishment, on=(h.establishment == Establishment.id))
            .switch(h).join(Declaration, on=(h.declaration == Declaration.id))
            .where(condition)
            .group_by(h.establishment, h.declaration))


def add_deltas(deltas, declarations=None):
    """Add the deltas (line_deltas or row_deltas) to the cells, set-based, in the caller's transaction;
    the companies' gaps (db/models/coverage_gaps.py) take the cells moving between classes, the deltas
    grouped and joined once (cell_moves.py): in one statement on PostgreSQL, through a temporary table
    on SQLite, which has no UPDATE in a WITH."""
    if is_postgres():
        return cell_moves.add_deltas(deltas, declarations)
    return cell_moves.add_deltas_through_table(deltas)


def recount_cells(where):
    """Recount the cells matching where (a condition on EstablishmentDeclaration): after inserting them,
    since habilitations may already exist on a cell whose declaration was deselected then selected."""
    counts.recount(CELL_DECLARERS, where)
    counts.recount(CELL_PAYERS, where)
    if where is None:
        return recount_companies(None)
    recount_companies(Establishment.select(Establishment.company).distinct()
                      .where(Establishment.id.in_(ED.select(ED.establishment).where(where))))


def recount_companies(company_ids):
    """Bring the Couverture's gaps of the companies (ids, or a query of ids; None: every company) to
    their truth after their cells or establishments changed (inserted, deleted, closed or reopened),
    and their portfolios' sums with them: the difference (truth less what is stored) is added, one
    upsert per table, so that a Valider committing meanwhile keeps its own moves."""
    if company_ids is None:
        for _, counter, _, _, sums_counter in GAPS.values():
            counts.recount(counter)
            counts.recount(sums_counter)
        return
    if is_postgres():
        _recount_gaps(company_ids,
                      lambda stored: cell_gaps(stored).where(Establishment.company.in_(company_ids)))
        return
    # SQLite: the companies' cells were read by each of the four upserts (a company just added with
    # 9,000 establishments: 4 × 15 ms of its 230); read once, both rights' classes, into a temporary
    # table of the connection, and each right's truth summed from it.
    rows = (ED.select(Establishment.company.alias("company_id"), ED.declaration.alias("declaration_id"),
                      ED.declarers, ED.payers, fn.COUNT(ED.id).alias("count"))
            .join(Establishment, on=(ED.establishment == Establishment.id))
            .where(Establishment.company.in_(company_ids) & Establishment.is_active
                   & ((ED.declarers <= 1) | (ED.payers <= 1)))
            .group_by(Establishment.company, ED.declaration, ED.declarers, ED.payers))
    sql, params = database.get_sql_context().sql(rows).query()
    database.execute_sql(f"CREATE TEMP TABLE company_cell AS {sql}", params)
    try:
        cell = Table("company_cell")

        def truth(stored):
            holders = getattr(cell.c, stored.column_name)
            return (Select([cell], [cell.c.company_id, cell.c.declaration_id,
                                    holders.alias(stored.column_name), fn.SUM(cell.c.count).alias("count")])
                    .where(holders <= 1).group_by(cell.c.company_id, cell.c.declaration_id, holders))
        _recount_gaps(company_ids, truth)
    finally:
        database.execute_sql("DROP TABLE temp.company_cell")


def _recount_gaps(company_ids, truth_of):
    """recount_companies's upserts, each right's truth (company_id, declaration_id, holders, count) from
    truth_of(the cells' stored column)."""
    for model, counter, stored, _, sums_counter in GAPS.values():
        truth = truth_of(stored)
        kept = (model.select(model.company, model.declaration, model.holders, model.cells * -1)
                .where(model.company.in_(company_ids) & (model.cells != 0)))
        change = (truth + kept).alias("change")
        company, declaration, holders, n = (getattr(change.c, c) for c in (
            "company_id", "declaration_id", stored.column_name, "count"))
        per_portfolio = (Select([change], [Company.portfolio, declaration, holders, fn.SUM(n)])
                         .join(Company, on=(company == Company.id))
                         .where(holders >= 0)  # SQLite reads an upsert's SELECT right only with a WHERE
                         .group_by(Company.portfolio, declaration, holders).having(fn.SUM(n) != 0))
        counts.add_to_tally(sums_counter, per_portfolio, None)
        counts.add_to_tally(counter, Select([change], [company, declaration, holders, fn.SUM(n)])
                            .where(holders >= 0)
                            .group_by(company, declaration, holders).having(fn.SUM(n) != 0), None)


def shift_portfolio_gaps(company_ids, sign):
    """Take the companies' gaps out of their portfolios' sums (sign -1) or put them in (+1), both
    rights: around their move to another portfolio."""
    for model, _, _, _, sums_counter in GAPS.values():
        owned = (model.select(Company.portfolio, model.declaration, model.holders, fn.SUM(model.cells) * sign)
                 .join(Company, on=(model.company == Company.id))
                 .where(model.company.in_(company_ids) & (model.cells != 0))
                 .group_by(Company.portfolio, model.declaration, model.holders))
        counts.add_to_tally(sums_counter, owned, None)
