"""The cells' holder counts (establishment_declaration.declarers / .payers, migration 0740) lose their
indexes, and the table keeps room in each page on PostgreSQL (fillfactor 70), so that the UPDATE every
Valider makes of its cells' counts is a heap-only (HOT) update that writes no index at all.

With both counts indexed, each updated cell wrote a new entry in every index of the table: 370 ms of a
9,000-cell column tick, 2.7 s of a 60,000-cell « Tout décocher », on PostgreSQL. No query needs them:
the Couverture reads its gaps from per-company tallies (migration 0850) and reaches cells by their keys;
the checks (db check-counts) and recounts read the table whole or by its keys. Low-cardinality counts
(most cells hold 0 or 1 person) made poor indexes anyway.

The table is rewritten once on PostgreSQL (CLUSTER in its key's order, then the mark of clustering
removed, then analysed) so that the pages already full get the room, and a company's cells lie together
(the column tick reads them by establishment); SQLite updates rows in place, with no such need."""
from peewee import PostgresqlDatabase

KEY = "establishmentdeclaration_establishment_id_declaration_id"


def up(migrator, db):
    for column in ("declarers", "payers"):
        db.execute_sql(f"DROP INDEX IF EXISTS establishment_declaration_{column}")
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("ALTER TABLE establishment_declaration SET (fillfactor = 70)")
        db.execute_sql(f"CLUSTER establishment_declaration USING {KEY}")
        db.execute_sql("ALTER TABLE establishment_declaration SET WITHOUT CLUSTER")
        db.execute_sql("ANALYZE establishment_declaration")  # the new order's correlation, for the planner


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("ALTER TABLE establishment_declaration RESET (fillfactor)")
    for column in ("declarers", "payers"):
        db.execute_sql(f"CREATE INDEX IF NOT EXISTS establishment_declaration_{column} "
                       f"ON establishment_declaration ({column})")
