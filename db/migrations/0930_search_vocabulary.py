"""SQLite: the words of the establishments' search index (FTS5, migration 0300) readable in order, as an
fts5vocab table, so that a search word is looked up as the indexed words it begins rather than as an
FTS5 prefix query (db/clients/search.py). It stores nothing: it reads the index itself, so no write
of an establishment costs more. PostgreSQL: nothing (pg_trgm answers prefixes from its trigrams)."""
from peewee import PostgresqlDatabase

TABLE = "establishment_search_terms"


def up(migrator, db):
    if not isinstance(db, PostgresqlDatabase):
        db.execute_sql(f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5vocab(establishment_search, 'row')")


def down(migrator, db):
    if not isinstance(db, PostgresqlDatabase):
        db.execute_sql(f"DROP TABLE IF EXISTS {TABLE}")
