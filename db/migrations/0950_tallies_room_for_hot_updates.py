"""The tallies that every Valider updates by the thousand keep room in each page on PostgreSQL
(fillfactor 70), so that their updates are heap-only (HOT) and write no index entry: box_tally (the
grid's tally of boxes, 4 indexes) and the Couverture's gaps per company and per portfolio (3 indexes
each). Only the count column changes in those updates (habilitations, cells), and no index holds it.

Measured on the grand cabinet (60,000 cells, « Tout décocher » of one déclarant over 5,000 companies):
the update of 10,000 coverage_gap_declare rows was HOT for 9,811 of 60,000 updates (the pages built
full had no room for a row's new version), so each update wrote the table's three indexes (163,000
buffers, 267 ms); box_tally's 15,000 updates were HOT for 107. establishment_declaration got the same
treatment in migration 0900.

Each table is rewritten once (CLUSTER on its key, the mark of clustering then removed, then analysed)
so that the pages already full get the room; SQLite updates rows in place, with no such need."""
from peewee import PostgresqlDatabase

KEYS = {
    "box_tally": "boxtally_user_id_declaration_id_company_id_declare_pay",
    "coverage_gap_declare": "declaregaps_company_id_declaration_id_holders",
    "coverage_gap_pay": "paygaps_company_id_declaration_id_holders",
    "coverage_portfolio_gap_declare": "portfoliodeclaregaps_portfolio_id_declaration_id_holders",
    "coverage_portfolio_gap_pay": "portfoliopaygaps_portfolio_id_declaration_id_holders",
}


def up(migrator, db):
    if not isinstance(db, PostgresqlDatabase):
        return
    for table, key in KEYS.items():
        db.execute_sql(f"ALTER TABLE {table} SET (fillfactor = 70)")
        db.execute_sql(f"CLUSTER {table} USING {key}")
        db.execute_sql(f"ALTER TABLE {table} SET WITHOUT CLUSTER")
        db.execute_sql(f"ANALYZE {table}")


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        for table in KEYS:
            db.execute_sql(f"ALTER TABLE {table} RESET (fillfactor)")
