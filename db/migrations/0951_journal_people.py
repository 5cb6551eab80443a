"""The people each journal event on habilitations concerns, one row per event × person
(habilitation_change_person, db/models/records.py EventPerson), instead of an index on every line's
(user_id, event_id): the journal's filter by the person concerned is the only query that read that
index, and it needs one row per person, where the index took one entry per line (60,000 for one
person's « Tout décocher »: a quarter of the time those lines took to write on PostgreSQL, measured
inside a rolled-back transaction: 1,515 → 1,085–1,121 ms for 60,000 lines).

The table is filled from the lines already written, then the index is dropped. Written against the
tables as they are at this point of the history."""
from peewee import ForeignKeyField, IntegerField, Model


def up(migrator, db):
    class AuditEvent(Model):
        class Meta:
            database = db
            table_name = "audit_event"

    class EventPerson(Model):
        event = ForeignKeyField(AuditEvent, on_delete="CASCADE", index=False)
        user_id = IntegerField()

        class Meta:
            database = db
            table_name = "habilitation_change_person"
            indexes = ((("event", "user_id"), True),)

    db.create_tables([EventPerson])
    db.execute_sql("INSERT INTO habilitation_change_person (event_id, user_id) "
                   "SELECT DISTINCT event_id, user_id FROM habilitation_change")
    db.execute_sql("DROP INDEX IF EXISTS habilitationchange_user_id_event_id")


def down(migrator, db):
    db.execute_sql("CREATE INDEX IF NOT EXISTS habilitationchange_user_id_event_id "
                   "ON habilitation_change (user_id, event_id)")
    db.execute_sql("DROP TABLE IF EXISTS habilitation_change_person")
