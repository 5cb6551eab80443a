"""The optional second factor (TOTP): a person's secret, the code used last, recovery codes, and the
firm-level setting that requires it for everyone."""
from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class RecoveryCode(Model):
        user = ForeignKeyField(User, on_delete='CASCADE')
        code_hash = CharField(max_length=64)
        used_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'recovery_code'

    db.create_tables([RecoveryCode])
    migrator.migrate(
        migrator.add_column('user', 'totp_secret', CharField(max_length=64, null=True)),
        migrator.add_column('user', 'totp_pending_secret', CharField(max_length=64, null=True)),
        migrator.add_column('user', 'totp_enabled_at', DateTimeField(null=True)),
        migrator.add_column('user', 'totp_last_step', IntegerField(null=True)),
        migrator.add_column('firm', 'second_factor_required', BooleanField(default=False)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column('firm', 'second_factor_required'),
        migrator.drop_column('user', 'totp_last_step'),
        migrator.drop_column('user', 'totp_enabled_at'),
        migrator.drop_column('user', 'totp_pending_secret'),
        migrator.drop_column('user', 'totp_secret'),
    )
    db.execute_sql('DROP TABLE recovery_code')
