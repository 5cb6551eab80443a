"""The firm's own space: « Vous êtes… » (firm.kind), the inscription's drafts kept server-side, Vos
notifications and their mail choices, the bulk files and their Historique des imports."""
from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_column('firm', 'kind', CharField(max_length=20, default='')))

    class Firm(Model):
        class Meta:
            database = db
            table_name = 'firm'

    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class InscriptionDraft(Model):
        key_hash = CharField(unique=True, max_length=64)
        state = TextField(default='{}')
        created_at = DateTimeField()
        expires_at = DateTimeField(index=True)
        class Meta:
            database = db
            table_name = 'inscription_draft'

    class Notification(Model):
        firm = ForeignKeyField(Firm, null=True, on_delete='CASCADE')
        user = ForeignKeyField(User, on_delete='CASCADE')
        kind = CharField(max_length=40)
        text = TextField()
        link = CharField(max_length=300, default='')
        created_at = DateTimeField()
        read_at = DateTimeField(null=True)
        expires_at = DateTimeField(index=True)
        class Meta:
            database = db
            table_name = 'notification'
            indexes = ((('user', 'read_at'), False), (('user', 'created_at'), False))

    class NotificationMail(Model):
        user = ForeignKeyField(User, on_delete='CASCADE')
        kind = CharField(max_length=40)
        class Meta:
            database = db
            table_name = 'notification_mail'
            indexes = ((('user', 'kind'), True),)

    class BulkImport(Model):
        firm = ForeignKeyField(Firm, on_delete='CASCADE')
        actor = ForeignKeyField(User, null=True, on_delete='SET NULL')
        actor_name = CharField(max_length=210, default='')
        filename = CharField(max_length=255, default='')
        created_at = DateTimeField()
        applied_at = DateTimeField(null=True)
        content = BlobField(null=True)
        status = CharField(max_length=12, default='')
        lines = IntegerField(default=0)
        lines_ok = IntegerField(default=0)
        lines_partial = IntegerField(default=0)
        lines_ko = IntegerField(default=0)
        counts = TextField(default='{}')
        report = TextField(default='')
        class Meta:
            database = db
            table_name = 'bulk_import'
            indexes = ((('firm', 'applied_at'), False),)

    db.create_tables([InscriptionDraft, Notification, NotificationMail, BulkImport])


def down(migrator, db):
    for table in ('bulk_import', 'notification_mail', 'notification', 'inscription_draft'):
        db.execute_sql(f'DROP TABLE IF EXISTS "{table}"')
    migrator.migrate(migrator.drop_column('firm', 'kind'))
