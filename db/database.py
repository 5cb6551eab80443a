"""Database binding: one proxy that models use, initialised from a DATABASE_URL."""
import os
from urllib.parse import parse_qsl, unquote, urlparse

from peewee import DatabaseProxy, Model, PostgresqlDatabase, SqliteDatabase
from playhouse.pool import PooledPostgresqlDatabase

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10000,
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
        return SqliteDatabase(path or ":memory:", pragmas=SQLITE_PRAGMAS)
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
