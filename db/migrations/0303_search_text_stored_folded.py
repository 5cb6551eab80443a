"""PostgreSQL: establishment.search_text stored folded (lower case, accents and punctuation removed,
a space before each word) under a plain pg_trgm index, instead of an index over the expression that
every query recomputed row by row at recheck (db/clients/search.py). SQLite: nothing (FTS5 folds).

The folding is written out here as it is at this point of the history."""
from peewee import *

INDEX = "establishment_search_trgm"
ACCENTED = "àâäáãåçéèêëíìîïñóòôöõúùûüýÿÀÂÄÁÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜÝŸ'’-.,;:/()&\"_"
PLAIN = "aaaaaaceeeeiiiinooooouuuuyyaaaaaaceeeeiiiinooooouuuuyy" + " " * 13  # punctuation: spaces


def up(migrator, db):
    if not isinstance(db, PostgresqlDatabase):
        return
    db.execute_sql("UPDATE establishment SET search_text = ' ' || translate(lower(search_text), %s, %s)",
                   (ACCENTED, PLAIN))
    db.execute_sql(f"DROP INDEX IF EXISTS {INDEX}")
    try:
        with db.atomic():
            db.execute_sql(f"CREATE INDEX {INDEX} ON establishment USING gin (search_text gin_trgm_ops)")
    except (ProgrammingError, OperationalError, InternalError, NotSupportedError):
        pass  # without pg_trgm (see 0300) the search reads the rows


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql(f"DROP INDEX IF EXISTS {INDEX}")
