"""The Sirene directory's statistics on PostgreSQL cover the columns that queries read rows by (filters,
joins, sorts, the establishments' address search), not those only displayed or copied: their
statistics target is 0, so that ANALYZE skips them.

Why: the import analyzes its new table before the switch. An ANALYZE given a list of columns leaves
the table's count of changed rows as it was, a million, so autovacuum ran a full ANALYZE of the 24
columns within the minute after every import (0.5–0.7 s of a core), and a re-import started in that
minute had its switch wait for it. An ANALYZE of the whole table resets that count; with these
targets it costs 0.16 s more than the key columns' alone instead of 0.3–0.5 s more. The import gives
its new table the live table's targets (CREATE TABLE … LIKE does not copy them). SQLite has none."""
from peewee import PostgresqlDatabase

UNREAD = {
    "sirene_etablissement": ("nic", "statut_diffusion", "complement", "indice", "code_commune",
                             "commune_etranger", "pays_etranger", "activite", "date_creation", "updated_at",
                             "imported_at"),
    "sirene_unite_legale": ("sigle", "categorie_juridique", "activite", "statut_diffusion", "nic_siege",
                            "date_creation", "updated_at", "imported_at"),
}


def _set(db, target):
    for table, columns in UNREAD.items():
        db.execute_sql(f"ALTER TABLE {table} " + ", ".join(
            f"ALTER COLUMN {column} SET STATISTICS {target}" for column in columns))


def up(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        _set(db, 0)


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        _set(db, -1)
