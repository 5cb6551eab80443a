"""Rights that stay right over time (issue 13): a habilitation's end (« jusqu'au », exclusive moment),
carried by the journal's lines and by the tiles' tally; each person's last review (« revu le »); and
the end moments already announced to a firm's administrators (one notice per batch of ends)."""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('habilitation', 'active_until', DateTimeField(null=True)),
        migrator.add_column('habilitation_change', 'active_until', DateTimeField(null=True)),
        migrator.add_column('right_tally', 'usable_until', DateTimeField(null=True)),
        migrator.add_column('user', 'reviewed_at', DateTimeField(null=True)),
    )

    class Firm(Model):
        class Meta:
            database = db
            table_name = 'firm'

    class RightEndNotice(Model):
        firm = ForeignKeyField(Firm, on_delete='CASCADE')
        ends_at = DateTimeField()
        noticed_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'right_end_notice'
            indexes = ((('firm', 'ends_at'), True),)

    db.create_tables([RightEndNotice])
    # The rights ending soon (the notice reads them by their end).
    migrator.migrate(migrator.add_index('habilitation', ('active_until',)))


def down(migrator, db):
    migrator.migrate(migrator.drop_index('habilitation', 'habilitation_active_until'))
    db.execute_sql('DROP TABLE right_end_notice')
    migrator.migrate(
        migrator.drop_column('habilitation', 'active_until'),
        migrator.drop_column('habilitation_change', 'active_until'),
        migrator.drop_column('right_tally', 'usable_until'),
        migrator.drop_column('user', 'reviewed_at'),
    )
