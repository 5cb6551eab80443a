"""Server-side sessions, login throttling per (address, account), reset links tied to the password
epoch, the demo outbox scoped per browser, and rate limits per sender and per target."""
from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class UserSession(Model):
        user = ForeignKeyField(User, on_delete='CASCADE')
        token_hash = CharField(unique=True, max_length=64)
        session_version = IntegerField()
        created_at = DateTimeField()
        last_seen_at = DateTimeField()
        ended_at = DateTimeField(null=True)
        ip = CharField(max_length=45, default='')
        class Meta:
            database = db
            table_name = 'user_session'

    class RateEvent(Model):
        scope = CharField(max_length=30)
        key = CharField(max_length=100)
        at = DateTimeField()
        class Meta:
            database = db
            table_name = 'rate_event'
            indexes = ((('scope', 'key', 'at'), False),)

    db.create_tables([UserSession, RateEvent])
    migrator.migrate(
        migrator.add_column('login_attempt', 'account', CharField(max_length=64, null=True)),
        migrator.add_index('login_attempt', ('account', 'at')),
        migrator.add_column('account_token', 'session_version', IntegerField(null=True)),
        migrator.add_column('outgoing_mail', 'origin', CharField(max_length=64, null=True)),
        migrator.add_index('outgoing_mail', ('origin',)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index('outgoing_mail', 'outgoing_mail_origin'),
        migrator.drop_column('outgoing_mail', 'origin'),
        migrator.drop_column('account_token', 'session_version'),
        migrator.drop_index('login_attempt', 'login_attempt_account_at'),
        migrator.drop_column('login_attempt', 'account'),
    )
    db.execute_sql('DROP TABLE rate_event')
    db.execute_sql('DROP TABLE user_session')
