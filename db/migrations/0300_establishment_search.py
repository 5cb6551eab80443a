"""Establishments searchable by what people know: their address line, postcode and town as columns
(from the directory), and search_text (SIRET, enseigne, address, postcode, town, company name) with the
engine's index over it: FTS5 kept by triggers on SQLite, pg_trgm over the folded text on PostgreSQL.

Written against the tables as they are at this point of the history (explicit columns).
"""
from peewee import *

from db.clients.search import FTS_TABLE, TRGM_INDEX, fold_sql, search_text_sql
from db.clients.writes import directory_postcode, directory_street, directory_town
from db.models import DirectoryEstablishment as DE

EMPTY = SQL("DEFAULT ''")
COLUMNS = ("id", "company_id", "siret", "name", "address", "street", "postcode", "town", "search_text")


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("establishment", "street", TextField(default="", constraints=[EMPTY])),
        migrator.add_column("establishment", "postcode", CharField(max_length=10, default="", constraints=[EMPTY])),
        migrator.add_column("establishment", "town", CharField(max_length=200, default="", constraints=[EMPTY])),
        migrator.add_column("establishment", "search_text", TextField(default="", constraints=[EMPTY])),
    )
    e = Table("establishment", COLUMNS).bind(db)
    company = Table("company", ("id", "name")).bind(db)

    def directory(expression):
        return DE.select(expression).where(DE.siret == e.siret)

    e.update({
        e.street: fn.COALESCE(directory(directory_street()), e.address),
        e.postcode: fn.COALESCE(directory(directory_postcode()), ""),
        e.town: fn.COALESCE(directory(directory_town()), ""),
    }).execute()
    e.update({e.search_text: search_text_sql(
        e.siret, e.name, e.street, e.postcode, e.town, company.select(company.name).where(company.id == e.company_id)
    )}).execute()
    if isinstance(db, PostgresqlDatabase):
        _trigram_index(db)
    else:
        _fts(db)


def _trigram_index(db):
    """pg_trgm is a trusted extension (the database owner may create it); without it the search
    still works, reading the rows."""
    try:
        with db.atomic():
            db.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            sql, params = db.get_sql_context().sql(fold_sql(SQL("search_text"))).query()
            db.execute_sql(
                f"CREATE INDEX {TRGM_INDEX} ON establishment USING gin (({_inline(sql, params)}) gin_trgm_ops)"
            )
    except (ProgrammingError, OperationalError, InternalError, NotSupportedError):
        pass


def _inline(sql, params):
    """The expression with its parameters as literals (an index definition takes none)."""
    for value in params:
        sql = sql.replace("%s", "'" + str(value).replace("'", "''") + "'", 1)
    return sql


def _fts(db):
    db.execute_sql(
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(search_text, content='establishment', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2', detail=none)"
    )
    insert = f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);"
    delete = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) VALUES ('delete', old.id, old.search_text);"
    db.execute_sql(f"CREATE TRIGGER {FTS_TABLE}_insert AFTER INSERT ON establishment BEGIN {insert} END")
    db.execute_sql(f"CREATE TRIGGER {FTS_TABLE}_delete AFTER DELETE ON establishment BEGIN {delete} END")
    db.execute_sql(
        f"CREATE TRIGGER {FTS_TABLE}_update AFTER UPDATE OF search_text ON establishment BEGIN {delete} {insert} END"
    )
    db.execute_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql(f"DROP INDEX IF EXISTS {TRGM_INDEX}")
    else:
        for suffix in ("insert", "delete", "update"):
            db.execute_sql(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{suffix}")
        db.execute_sql(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    migrator.migrate(*(migrator.drop_column("establishment", c) for c in ("street", "postcode", "town", "search_text")))
