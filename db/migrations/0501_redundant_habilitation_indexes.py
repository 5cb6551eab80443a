"""Drop the indexes that a wider index already leads with: habilitation (user_id) and
(establishment_id), habilitation_change (event_id). Each written row of a Valider fed them for nothing
(issue 14: the habilitations and their journal lines are written set-based, 9,000 to 60,000 at a time)."""

NAMES = ("habilitation_user_id", "habilitation_establishment_id", "habilitationchange_event_id")


def up(migrator, db):
    for name in NAMES:
        db.execute_sql(f"DROP INDEX IF EXISTS {name}")


def down(migrator, db):
    db.execute_sql("CREATE INDEX IF NOT EXISTS habilitation_user_id ON habilitation (user_id)")
    db.execute_sql("CREATE INDEX IF NOT EXISTS habilitation_establishment_id ON habilitation (establishment_id)")
    db.execute_sql("CREATE INDEX IF NOT EXISTS habilitationchange_event_id ON habilitation_change (event_id)")
