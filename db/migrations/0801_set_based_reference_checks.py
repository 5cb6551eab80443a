"""PostgreSQL: the foreign keys of habilitation (user_id, establishment_id, declaration_id) and of
habilitation_change (event_id) checked once per statement instead of once per row.

A foreign key runs its check as a trigger per inserted row: a column tick of 9,000 cells spent 254 ms
of 490 in the three checks of the habilitations' INSERT and 104 ms of 334 in the journal lines' (EXPLAIN
ANALYZE, 9,000 calls each), « Tout (dé)cocher » 1.3 s for the lines of 60,000 cells, though a Valider
names one person, one or a few services and one event. The same guarantee, set-based:
  - after each INSERT, the distinct ids it wrote must exist in the referenced table, each referenced
    row locked FOR KEY SHARE as a foreign key locks it (no concurrent delete can orphan the row); an
    id that does not exist fails the statement with SQLSTATE 23503, the foreign key's error;
  - the referencing columns cannot be updated (the portal never does; a row trigger's WHEN refuses it);
  - deleting referenced rows deletes the rows that name them (ON DELETE CASCADE), truncating them too.
SQLite keeps its foreign keys: it checks them in process, by index, at no such cost."""
from peewee import PostgresqlDatabase

REFERENCES = {  # table: [(column, referenced table)]
    "habilitation": [("user_id", "user"), ("establishment_id", "establishment"),
                     ("declaration_id", "declaration")],
    "habilitation_change": [("event_id", "audit_event")],
}

FUNCTIONS = '''
CREATE OR REPLACE FUNCTION portal_references_exist() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    i integer := 0;
    missing bigint;
BEGIN
    WHILE i < TG_NARGS LOOP
        EXECUTE format('WITH ids AS (SELECT DISTINCT %1$I AS id FROM new_rows), '
                       'held AS (SELECT p.id FROM %2$I p WHERE p.id IN (SELECT id FROM ids) FOR KEY SHARE OF p) '
                       'SELECT (SELECT count(*) FROM ids) - (SELECT count(*) FROM held)',
                       TG_ARGV[i], TG_ARGV[i + 1]) INTO missing;
        IF missing > 0 THEN
            RAISE EXCEPTION 'insert on table "%" violates its reference %.% -> %(id)', TG_TABLE_NAME,
                TG_TABLE_NAME, TG_ARGV[i], TG_ARGV[i + 1] USING ERRCODE = 'foreign_key_violation';
        END IF;
        i := i + 2;
    END LOOP;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION portal_reference_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the references of table "%" are not updated', TG_TABLE_NAME
        USING ERRCODE = 'foreign_key_violation';
END $$;

CREATE OR REPLACE FUNCTION portal_delete_referencing() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('DELETE FROM %I WHERE %I IN (SELECT id FROM old_rows)', TG_ARGV[0], TG_ARGV[1]);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION portal_truncate_referencing() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('DELETE FROM %I', TG_ARGV[0]);  -- not TRUNCATE: the same statement may truncate it
    RETURN NULL;
END $$;
'''


def up(migrator, db):
    if not isinstance(db, PostgresqlDatabase):
        return
    db.cursor().execute(FUNCTIONS)  # no parameters: its % are format()'s, not the driver's
    for table, references in REFERENCES.items():
        arguments = ", ".join(f"'{name}'" for pair in references for name in pair)
        changed = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column, _ in references)
        db.execute_sql(f"CREATE TRIGGER {table}_references AFTER INSERT ON {table} REFERENCING NEW TABLE AS "
                       f"new_rows FOR EACH STATEMENT EXECUTE FUNCTION portal_references_exist({arguments})")
        db.execute_sql(f"CREATE TRIGGER {table}_references_fixed BEFORE UPDATE ON {table} FOR EACH ROW "
                       f"WHEN ({changed}) EXECUTE FUNCTION portal_reference_fixed()")
        for column, referenced in references:
            db.execute_sql(f'ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {table}_{column}_fkey')
            db.execute_sql(f'CREATE TRIGGER {table}_{column}_cascade AFTER DELETE ON "{referenced}" '
                           "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
                           f"EXECUTE FUNCTION portal_delete_referencing('{table}', '{column}')")
            db.execute_sql(f'CREATE TRIGGER {table}_{column}_truncate AFTER TRUNCATE ON "{referenced}" '
                           f"FOR EACH STATEMENT EXECUTE FUNCTION portal_truncate_referencing('{table}')")


def down(migrator, db):
    if not isinstance(db, PostgresqlDatabase):
        return
    for table, references in REFERENCES.items():
        db.execute_sql(f"DROP TRIGGER IF EXISTS {table}_references ON {table}")
        db.execute_sql(f"DROP TRIGGER IF EXISTS {table}_references_fixed ON {table}")
        for column, referenced in references:
            db.execute_sql(f'DROP TRIGGER IF EXISTS {table}_{column}_cascade ON "{referenced}"')
            db.execute_sql(f'DROP TRIGGER IF EXISTS {table}_{column}_truncate ON "{referenced}"')
            db.execute_sql(f'ALTER TABLE {table} ADD CONSTRAINT {table}_{column}_fkey FOREIGN KEY ({column}) '
                           f'REFERENCES "{referenced}" (id) ON DELETE CASCADE')
    for name in ("portal_references_exist", "portal_reference_fixed", "portal_delete_referencing",
                 "portal_truncate_referencing"):
        db.execute_sql(f"DROP FUNCTION IF EXISTS {name}()")
