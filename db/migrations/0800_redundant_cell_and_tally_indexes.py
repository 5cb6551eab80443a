"""Drop the indexes that a wider index already leads with: establishment_declaration (establishment_id)
and (declaration_id), box_tally (user_id). Valider updates each cell's holder counts (declarers, payers,
migration 0740): a changed indexed column makes each of those updates write a new entry in every index
of the table, 9,000 to 60,000 rows a column tick or « Tout (dé)cocher »; these two fed them for nothing.
The unique (establishment_id, declaration_id), (declaration_id, establishment_id) and the tally's unique
(user_id, declaration_id, …) serve the same lookups and the foreign keys' cascades."""

NAMES = ("establishmentdeclaration_establishment_id", "establishmentdeclaration_declaration_id",
         "boxtally_user_id")


def up(migrator, db):
    for name in NAMES:
        db.execute_sql(f"DROP INDEX IF EXISTS {name}")


def down(migrator, db):
    db.execute_sql("CREATE INDEX IF NOT EXISTS establishmentdeclaration_establishment_id "
                   "ON establishment_declaration (establishment_id)")
    db.execute_sql("CREATE INDEX IF NOT EXISTS establishmentdeclaration_declaration_id "
                   "ON establishment_declaration (declaration_id)")
    db.execute_sql("CREATE INDEX IF NOT EXISTS boxtally_user_id ON box_tally (user_id)")
