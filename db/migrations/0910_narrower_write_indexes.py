"""Fewer index entries written per habilitation and per journal line (issues 9 and 14: a column tick
writes 9,000 of each, « Tout (dé)cocher » 60,000):

- habilitation_change (siret, event_id) is dropped: no query reads the journal's lines by SIRET (the
  journal's SIRET filter reads audit_event.siret; a line's SIRET is only shown). It was the widest index
  of the table (172 MB of 3.5 million lines) and the only one written at random places.
- habilitation (active_until) and (pay_active_from) become partial, WHERE the column IS NOT NULL: every
  query they serve compares the column with a moment (ended rights: active_until <= now; Payer not
  started: pay_active_from > now), which implies it is set, and both engines use a partial index for such
  a comparison. A right with no end date and no Payer (most of them, and every one a Déclarer column tick
  grants) writes no entry in either."""

PARTIAL = ("active_until", "pay_active_from")


def up(migrator, db):
    db.execute_sql("DROP INDEX IF EXISTS habilitationchange_siret_event_id")
    for column in PARTIAL:
        db.execute_sql(f"DROP INDEX IF EXISTS habilitation_{column}")
        db.execute_sql(f"CREATE INDEX IF NOT EXISTS habilitation_{column}_set ON habilitation ({column}) "
                       f"WHERE {column} IS NOT NULL")


def down(migrator, db):
    for column in PARTIAL:
        db.execute_sql(f"DROP INDEX IF EXISTS habilitation_{column}_set")
        db.execute_sql(f"CREATE INDEX IF NOT EXISTS habilitation_{column} ON habilitation ({column})")
    db.execute_sql("CREATE INDEX IF NOT EXISTS habilitationchange_siret_event_id "
                   "ON habilitation_change (siret, event_id)")
