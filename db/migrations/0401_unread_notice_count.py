"""Maintained count of each person's unread notices (db/models/firm_space.py USER_UNREAD_NOTICES),
read with the session's user for the menu. Added with 0 and filled from the notices already there."""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('user', 'unread_notice_count', IntegerField(default=0)),
    )
    db.execute_sql(
        'UPDATE "user" SET unread_notice_count = (SELECT COUNT(*) FROM notification '
        'WHERE notification.user_id = "user".id AND notification.read_at IS NULL)'
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column('user', 'unread_notice_count'),
    )
