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
import time
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


PING_IDLE_SECONDS = 30


class PostgresqlPool(PooledPostgresqlDatabase):
    """Peewee's pool, which checks each connection it lends by a round trip to the server (SELECT 1):
    ~0.7 ms of every request, as much as the page's own query. Here a connection given back less than
    PING_IDLE_SECONDS ago is lent without it (its state is read locally: closed, transaction status);
    one idle for longer is still checked. The price: a server restarted within those seconds fails the
    next request of each pooled connection once (it is then discarded), as it would fail any request
    in flight."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._given_back = {}  # connection key -> when it came back to the pool

    def _is_closed(self, conn):
        returned = self._given_back.get(self.conn_key(conn))
        if conn.closed or returned is None or time.monotonic() - returned > PING_IDLE_SECONDS:
            return super()._is_closed(conn)
        adapter = self._adapter
        status = adapter.txn_status(conn)
        if status == adapter.txn_unknown:
            return True
        if status != adapter.txn_idle:
            try:
                adapter.rollback(conn)
            except Exception:  # the driver's own errors: a broken connection is discarded
                return True
        return False

    def _close(self, conn, close_conn=False):
        key = self.conn_key(conn)
        if close_conn:
            self._given_back.pop(key, None)
        else:
            if len(self._given_back) > 4 * (self._max_connections or 20):  # keys of connections gone
                self._given_back.clear()
            self._given_back[key] = time.monotonic()
        super()._close(conn, close_conn)


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
        return PostgresqlPool(
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
