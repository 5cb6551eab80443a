"""The Sirene directory's statistics on PostgreSQL cover the columns that decide a plan (the keys, the
states and the head office flag, the legal units' name compared with the companies'), not those only
displayed, copied or matched by the establishments' search within one company's rows (read by the
siren index whatever their statistics): their statistics target is 0, so that ANALYZE skips them.

Why: the import analyzes its new table before the switch. An ANALYZE given a list of columns leaves
the table's count of changed rows as it was, a million, so autovacuum ran a full ANALYZE of the 24
columns within the minute after every import (0.5–0.7 s of a core), and a re-import started in that
minute had its switch wait for it. The import now analyzes the whole table, which resets that count:
with these targets, backend CPU 0.27 s against 0.21 s for the keys alone and 0.56 s for every column
(1,000,000 rows, medians of 8 alternating, load 1.9–3.7). The import gives its new table the live
table's targets (CREATE TABLE … LIKE does not copy them). SQLite has no such statistics."""
from peewee import PostgresqlDatabase

UNREAD = {
    "sirene_etablissement": ("nic", "statut_diffusion", "enseigne", "denomination_usuelle", "complement",
                             "numero", "indice", "type_voie", "libelle_voie", "code_postal", "commune",
                             "code_commune", "cedex", "libelle_cedex", "commune_etranger", "pays_etranger",
                             "activite", "date_creation", "updated_at", "imported_at"),
    "sirene_unite_legale": ("sigle", "nom", "prenom", "categorie_juridique", "activite", "statut_diffusion",
                            "nic_siege", "date_creation", "updated_at", "imported_at"),
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
