"""The journal's lines are keyed by what identifies them, (event, establishment, declaration, person),
the unique key they already had, instead of a serial id beside it: each line wrote two index entries
and drew a sequence value, for an id that only the journal's paging read (it now pages on the key).
Measured on PostgreSQL inside rolled-back transactions, 60,000 lines of one « Tout décocher »
(load 3.6–3.9, alternating): 297–647 ms with the id, 186–463 ms keyed by the cell.

PostgreSQL: the unique index becomes the primary key (ADD CONSTRAINT … USING INDEX, no rebuild), the
column goes (its sequence with it). SQLite keeps a row's id as its rowid anyway: the table is rebuilt
once without the column, its lines copied in key order. Written against the tables as they are at
this point of the history."""
from peewee import PostgresqlDatabase

UNIQUE = "habilitationchange_event_id_establishment_id_declaration_accea5"
COLUMNS = ("event_id, establishment_id, declaration_id, user_id, siret, before, after, active_from, "
           "active_until")


def up(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("ALTER TABLE habilitation_change DROP CONSTRAINT habilitation_change_pkey")
        db.execute_sql("ALTER TABLE habilitation_change DROP COLUMN id")
        db.execute_sql(f"ALTER TABLE habilitation_change ADD CONSTRAINT habilitation_change_pkey "
                       f"PRIMARY KEY USING INDEX {UNIQUE}")
        return
    db.execute_sql(
        'CREATE TABLE "habilitation_change_keyed" ("event_id" INTEGER NOT NULL, '
        '"establishment_id" INTEGER NOT NULL, "declaration_id" INTEGER NOT NULL, "user_id" INTEGER NOT NULL, '
        '"siret" VARCHAR(14) NOT NULL, "before" INTEGER NOT NULL, "after" INTEGER NOT NULL, '
        '"active_from" DATETIME, "active_until" DATETIME, '
        'PRIMARY KEY ("event_id", "establishment_id", "declaration_id", "user_id"), '
        'FOREIGN KEY ("event_id") REFERENCES "audit_event" ("id") ON DELETE CASCADE)')
    db.execute_sql(f"INSERT INTO habilitation_change_keyed ({COLUMNS}) SELECT {COLUMNS} "
                   "FROM habilitation_change ORDER BY event_id, establishment_id, declaration_id, user_id")
    db.execute_sql("DROP TABLE habilitation_change")
    db.execute_sql("ALTER TABLE habilitation_change_keyed RENAME TO habilitation_change")


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("ALTER TABLE habilitation_change DROP CONSTRAINT habilitation_change_pkey")
        db.execute_sql(f"CREATE UNIQUE INDEX {UNIQUE} ON habilitation_change "
                       "(event_id, establishment_id, declaration_id, user_id)")
        db.execute_sql("ALTER TABLE habilitation_change ADD COLUMN id SERIAL PRIMARY KEY")
        return
    db.execute_sql(
        'CREATE TABLE "habilitation_change_serial" ("id" INTEGER NOT NULL PRIMARY KEY, '
        '"event_id" INTEGER NOT NULL, "establishment_id" INTEGER NOT NULL, "declaration_id" INTEGER NOT NULL, '
        '"user_id" INTEGER NOT NULL, "siret" VARCHAR(14) NOT NULL, "before" INTEGER NOT NULL, '
        '"after" INTEGER NOT NULL, "active_from" DATETIME, "active_until" DATETIME, '
        'FOREIGN KEY ("event_id") REFERENCES "audit_event" ("id") ON DELETE CASCADE)')
    db.execute_sql(f"INSERT INTO habilitation_change_serial ({COLUMNS}) SELECT {COLUMNS} FROM habilitation_change")
    db.execute_sql("DROP TABLE habilitation_change")
    db.execute_sql("ALTER TABLE habilitation_change_serial RENAME TO habilitation_change")
    db.execute_sql(f'CREATE UNIQUE INDEX "{UNIQUE}b" ON "habilitation_change" '
                   '("event_id", "establishment_id", "declaration_id", "user_id")')
