"""Every SIRET and SIREN column under the "C" collation on PostgreSQL (issue 14, the Sirene re-import;
db/models/identifier_field.py). The database's default collation, C.UTF-8, orders them exactly as "C"
does (code points), but PostgreSQL 15 calls strcoll() for each comparison under it and gives its sorts
no abbreviated keys: the import's two index builds of a million keys took 1.51 + 1.27 s of CPU against
1.04 + 1.00 s under "C", and its merge of the rows the files lack 0.50 against 0.42 s. All the columns
change at once: a join of a "C" column with a default-collation one compares under "C" and cannot use
the other side's index. The indexes on them are rebuilt by the ALTER; no row is rewritten. SQLite
compares bytes already: nothing to do there."""
from peewee import PostgresqlDatabase

# (table, column, length): the columns that hold a SIRET (14) or a SIREN (9)
COLUMNS = (
    ("firm", "siret", 14),
    ("company", "siren", 9),
    ("establishment", "siret", 14),
    ("removed_establishment", "siret", 14),
    ("audit_event", "siret", 14),
    ("habilitation_change", "siret", 14),
    ("assistance_request", "siret", 14),
    ("sirene_change", "siret", 14),
    ("sirene_unite_legale", "siren", 9),
    ("sirene_etablissement", "siret", 14),
    ("sirene_etablissement", "siren", 9),
)


def _collate(db, collation):
    if not isinstance(db, PostgresqlDatabase):
        return
    for table, column, length in COLUMNS:
        db.execute_sql(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE varchar({length}) {collation}')


def up(migrator, db):
    _collate(db, 'COLLATE "C"')


def down(migrator, db):
    _collate(db, "COLLATE pg_catalog.\"default\"")
