"""Database binding: one proxy that models use, initialised from a DATABASE_URL.

Two rules hold on both engines:

- Write transactions start as writers. On SQLite, every outermost `database.atomic()` runs
  `BEGIN IMMEDIATE` (nested ones stay savepoints): the transaction takes the write lock before its
  first read, and waits for it up to BUSY_TIMEOUT_MS. A deferred transaction that reads first and
  writes later cannot wait: when another writer committed meanwhile, SQLite answers "database is
  locked" at once, whatever the busy timeout. PostgreSQL's row locks need nothing of the kind.
- Connections are opened on first use and kept: on SQLite each thread keeps its own connection,
  whose PRAGMAs run once, at connect; on PostgreSQL a pool lends one per request. A request that
  runs no query (the anonymous login page) opens none.
"""
import os
from urllib.parse import parse_qsl, unquote, urlparse

from peewee import DatabaseProxy, Model, PostgresqlDatabase, SqliteDatabase
from playhouse.pool import PooledPostgresqlDatabase

database = DatabaseProxy()

BUSY_TIMEOUT_MS = 10000
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": BUSY_TIMEOUT_MS,
    "synchronous": "normal",
    "cache_size": -32000,  # 32 MB page cache: the grid and the lists scan indexes a lot
    "temp_store": "memory",
}


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


def open_database(url):
    """Build the Peewee database for a URL: sqlite:///path or postgresql://user:pw@host/name."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = url[len("sqlite:///"):] if url.startswith("sqlite:///") else parsed.path
        if path and path != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        # lock_type: every outermost transaction begins IMMEDIATE (see the module's docstring).
        # Connections are per thread (peewee's default), so a thread reuses its own across requests.
        db = SqliteDatabase(path or ":memory:", pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE",
                            timeout=BUSY_TIMEOUT_MS / 1000, cached_statements=256)
        from db.text import search_words  # SQL search_words(text): what PostgreSQL's translate() does

        db.register_function(search_words, "search_words", 1, deterministic=True)
        return db
    if parsed.scheme in ("postgres", "postgresql"):
        # Query parameters go to libpq as they are: ?sslmode=require, ?options=-csearch_path%3Dx …
        extra = dict(parse_qsl(parsed.query))
        # Pooled: opening a PostgreSQL connection costs ~15 ms, paid on every request otherwise.
        # close() at the end of a request gives the connection back to the pool.
        return PooledPostgresqlDatabase(
            max_connections=int(extra.pop("max_connections", 20)),
            stale_timeout=300,
            timeout=10,
            database=parsed.path.lstrip("/"),
            user=unquote(parsed.username) if parsed.username else None,
            password=unquote(parsed.password) if parsed.password else None,
            host=parsed.hostname,
            port=parsed.port,
            **extra,
        )
    raise ValueError(f"Unsupported DATABASE_URL scheme: {parsed.scheme!r}")


def init_database(url):
    """Point the models at the database named by url and return it."""
    db = open_database(url)
    if database.obj is not None:
        if not database.obj.is_closed():
            database.obj.close()
        if isinstance(database.obj, PooledPostgresqlDatabase):
            database.obj.close_all()  # the previous pool's idle connections
    database.initialize(db)
    return db


def is_postgres():
    return isinstance(database.obj, PostgresqlDatabase)


def end_of_request():
    """What a request leaves behind: on PostgreSQL its connection goes back to the pool; on SQLite
    the thread keeps its connection for the next request (no reconnect, no PRAGMAs again)."""
    if database.obj is None or database.is_closed():
        return
    if database.in_transaction():  # never expected: a request's transactions are `with` blocks
        database.rollback()
    if is_postgres():
        database.close()
