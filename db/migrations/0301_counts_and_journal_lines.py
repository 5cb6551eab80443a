"""Maintained counts (db/counts.py): establishments per company and per company × declaration, the
rights of each user × declaration by the moment they become usable; and the journal's grouped
entries: one event per action on habilitations, with its lines (habilitation_change).

The counts are computed here for the rows already there. Written against the tables as they are at
this point of the history (explicit columns).
"""
import datetime

from peewee import *

EPOCH = datetime.datetime(1970, 1, 1)
ZERO = SQL("DEFAULT 0")


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("company", "establishment_count", IntegerField(default=0, constraints=[ZERO])),
        migrator.add_column("company_declaration", "establishment_count", IntegerField(default=0, constraints=[ZERO])),
        migrator.add_column("audit_event", "line_count", IntegerField(default=0, constraints=[ZERO])),
        migrator.add_column("audit_event", "subject_id", IntegerField(null=True)),
    )
    if isinstance(db, PostgresqlDatabase):  # SQLite cannot add a constraint to an existing table
        db.execute_sql('ALTER TABLE audit_event ADD CONSTRAINT fk_audit_event_subject_id_refs_user '
                       'FOREIGN KEY (subject_id) REFERENCES "user" (id) ON DELETE SET NULL')
    migrator.migrate(migrator.add_index("audit_event", ("subject_id",)))

    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class Declaration(Model):
        class Meta:
            database = db
            table_name = "declaration"

    class AuditEvent(Model):
        class Meta:
            database = db
            table_name = "audit_event"

    class RightTally(Model):
        user = ForeignKeyField(User, on_delete="CASCADE")
        declaration = ForeignKeyField(Declaration, on_delete="CASCADE")
        usable_from = DateTimeField(null=True)
        establishments = IntegerField(default=0)

        class Meta:
            database = db
            table_name = "right_tally"
            indexes = ((("user", "declaration", "usable_from"), False),)

    class HabilitationChange(Model):
        event = ForeignKeyField(AuditEvent, on_delete="CASCADE")
        establishment_id = IntegerField()
        declaration_id = IntegerField()
        user_id = IntegerField()
        siret = CharField(max_length=14)
        before = IntegerField(default=0)
        after = IntegerField(default=0)
        active_from = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "habilitation_change"
            indexes = (
                (("event", "establishment_id", "declaration_id", "user_id"), True),
                (("user_id", "event"), False),
                (("siret", "event"), False),
            )

    db.create_tables([RightTally, HabilitationChange])
    _count(db)


def _count(db):
    db.execute_sql(
        "UPDATE company SET establishment_count = "
        "(SELECT COUNT(*) FROM establishment e WHERE e.company_id = company.id)"
    )
    db.execute_sql(
        "UPDATE company_declaration SET establishment_count = (SELECT COUNT(*) FROM establishment e "
        "WHERE e.company_id = company_declaration.company_id AND EXISTS (SELECT 1 FROM establishment_declaration ed "
        "WHERE ed.establishment_id = e.id AND ed.declaration_id = company_declaration.declaration_id))"
    )
    param = "%s" if isinstance(db, PostgresqlDatabase) else "?"
    declare = f"CASE WHEN declare THEN COALESCE(active_from, {param}) END"
    pay = f"CASE WHEN pay THEN COALESCE(pay_active_from, {param}) END"
    first = (f"CASE WHEN {declare} IS NULL THEN {pay} WHEN {pay} IS NULL THEN {declare} "
             f"WHEN {declare} < {pay} THEN {declare} ELSE {pay} END")
    # the moment (db/models/portfolio.first_usable) holds 8 EPOCH placeholders, twice (select list and
    # GROUP BY)
    db.execute_sql(
        "INSERT INTO right_tally (user_id, declaration_id, usable_from, establishments) "
        f"SELECT user_id, declaration_id, {first}, COUNT(*) FROM habilitation WHERE declare OR pay "
        f"GROUP BY user_id, declaration_id, {first}",
        [EPOCH] * 16,
    )


def down(migrator, db):
    db.execute_sql("DROP TABLE IF EXISTS habilitation_change")
    db.execute_sql("DROP TABLE IF EXISTS right_tally")
    migrator.migrate(
        migrator.drop_index("audit_event", "audit_event_subject_id"),
        migrator.drop_column("audit_event", "subject_id"),
        migrator.drop_column("audit_event", "line_count"),
        migrator.drop_column("company_declaration", "establishment_count"),
        migrator.drop_column("company", "establishment_count"),
    )
