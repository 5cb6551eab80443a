"""The Sirene import on PostgreSQL (see db/sirene/importer.py and staging.py).

Each file is COPYed into an UNLOGGED staging table with one text column per column of the file:
the server parses the CSV, the portal only streams the bytes (counting them for the progress bar).
The new directory table is filled by one INSERT … SELECT per file, without indexes; its primary key
and indexes are built afterwards, much faster than row by row (building the primary key is also
what finds a key given twice). In the switch's transaction, the rows of the current directory that
the files do not mention are added (INSERT … SELECT … ON CONFLICT DO NOTHING) under a SHARE lock —
readers go on, writers of the directory wait — then the tables are renamed: readers wait only for
the renames. Readers and logins never wait for the import itself.
"""
import re

import psycopg2
import psycopg2.errors
from peewee import IntegrityError

from db.database import database
from db.sirene.importer import (
    ESTABLISHMENTS,
    UNITS,
    UPDATING,
    SireneImportError,
)
from db.sirene.staging import Staging, quoted

COPY_READ = 1 << 16  # bytes handed to COPY at a time
COPY_PROBLEMS = {  # PostgreSQL's words for a malformed CSV, in French
    "missing data": "colonnes manquantes",
    "extra data": "colonnes en trop",
    "unterminated CSV quoted field": "guillemet non fermé",
    "invalid byte sequence": "caractères hors UTF-8",
}


class PostgresStaging(Staging):
    rowref = "ctid"
    param = "%s"

    def load(self, path, progress):
        with self.opened(path, progress, "sirene_stock_") as (binary, stock):
            columns = ", ".join(f"c{index} text" for index in range(len(stock.header)))
            database.execute_sql(f"DROP TABLE IF EXISTS {quoted(stock.staged)}")
            database.execute_sql(f"CREATE UNLOGGED TABLE {quoted(stock.staged)} ({columns})")
            cursor, feed = database.cursor(), _Feed(binary)
            try:
                cursor.copy_expert(f"COPY {quoted(stock.staged)} FROM STDIN WITH (FORMAT csv, "
                                   "ENCODING 'UTF8')", feed, size=COPY_READ)
            except psycopg2.DataError as exc:
                raise SireneImportError(_unreadable(stock.name, exc)) from None
            except psycopg2.errors.QueryCanceled:
                if feed.error is not None:
                    raise feed.error from None
                raise
            stock.rows = cursor.rowcount
            return stock

    def source(self, stock, field):
        return f"c{stock.positions[field]}"

    def table(self, stock):
        return quoted(stock.staged)

    def query(self, sql, params=()):
        return database.execute_sql(sql, params)

    def row_index(self, stock, rowref):
        # COPY fills a new table page after page: the physical order is the file's.
        before = self.query(f"SELECT COUNT(*) FROM {self.table(stock)} WHERE ctid < %s::tid", (rowref,))
        return before.fetchone()[0]

    def digits(self, expression, count):
        # ltrim by a set of characters: a third of the time of the regular expression ^[0-9]{n}$
        return f"(length({expression}) = {count} AND ltrim({expression}, '0123456789') = '')"

    def value(self, expression, field):
        value = f"NULLIF(NULLIF({expression}, ''), '[ND]')"  # identifiers and states come trimmed
        # An explicit cast to varchar(n) cuts the text to n characters, as left() did, in the one
        # conversion that the column's type asks anyway
        return f"{value}::varchar({field.max_length})" if getattr(field, "max_length", None) else value

    def switch(self, stocks, progress):
        kinds = self.kinds(stocks)
        if progress:
            progress(UPDATING, 0, len(stocks) + 3 * len(kinds))
        for kind in kinds:
            mine = [stock for stock in stocks if stock.kind is kind]
            self._build(kind, mine, progress)
        with database.atomic():
            for kind in kinds:
                live, fresh = quoted(kind.table), quoted(kind.table + "__next")
                database.execute_sql(f"LOCK TABLE {live} IN SHARE MODE")
                key = quoted(kind.key)  # an anti-join: a re-import probed the key a million times
                database.execute_sql(f"INSERT INTO {fresh} SELECT * FROM {live} WHERE NOT EXISTS "
                                     f"(SELECT FROM {fresh} AS known WHERE known.{key} = {live}.{key}) "
                                     f"ON CONFLICT ({key}) DO NOTHING")
                # Statistics for the columns queries look rows up by (a full ANALYZE of the 54 text
                # columns costs as much as building the primary key).
                looked_up = ", ".join(quoted(column) for column in dict.fromkeys((kind.key, "siren")))
                database.execute_sql(f"ANALYZE {fresh} ({looked_up})")
            for kind in kinds:
                self._rename(kind)
                if progress:
                    progress(UPDATING, 1, None)

    def _build(self, kind, stocks, progress):
        """The new table: the converted staged rows, then its primary key and indexes."""
        fresh = kind.table + "__next"
        database.execute_sql(f"DROP TABLE IF EXISTS {quoted(fresh)}")
        database.execute_sql(f"CREATE TABLE {quoted(fresh)} (LIKE {quoted(kind.table)} INCLUDING DEFAULTS)")
        imported_at = kind.model.imported_at.db_value(self.started)
        for stock in stocks:
            inserted = database.execute_sql(self.insert_staged(stock, fresh), (imported_at,)).rowcount
            self.checked(stock, inserted)
            if progress:
                progress(UPDATING, 1, None)
        try:
            database.execute_sql(f"ALTER TABLE {quoted(fresh)} ADD CONSTRAINT {quoted(fresh + '_pkey')} "
                                 f"PRIMARY KEY ({quoted(kind.key)})")
        except IntegrityError:
            self.refuse_duplicate(stocks)
        if progress:
            progress(UPDATING, 1, None)
        for name, definition in self._indexes(kind.table):
            unique = "UNIQUE " if definition.startswith("CREATE UNIQUE") else ""
            database.execute_sql(f"CREATE {unique}INDEX {quoted(name + '__next')} ON {quoted(fresh)} "
                                 f"{definition[definition.index(' USING '):]}")
        if progress:
            progress(UPDATING, 1, None)

    def _rename(self, kind):
        """Inside the switch's transaction: the new table and its indexes take the current names."""
        live, fresh = kind.table, kind.table + "__next"
        primary_key = database.execute_sql(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'",
            (quoted(live),)).fetchone()[0]
        indexes = [name for name, _ in self._indexes(live)]
        database.execute_sql(f"LOCK TABLE {quoted(live)} IN ACCESS EXCLUSIVE MODE")
        database.execute_sql(f"DROP TABLE {quoted(live)}")
        database.execute_sql(f"ALTER TABLE {quoted(fresh)} RENAME TO {quoted(live)}")
        database.execute_sql(f"ALTER TABLE {quoted(live)} RENAME CONSTRAINT {quoted(fresh + '_pkey')} "
                             f"TO {quoted(primary_key)}")
        for name in indexes:
            database.execute_sql(f"ALTER INDEX {quoted(name + '__next')} RENAME TO {quoted(name)}")

    @staticmethod
    def _indexes(table):
        """[(name, definition)] of the table's indexes other than its primary key's."""
        return database.execute_sql(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = %s AND indexname NOT IN (SELECT conname FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'p') ORDER BY indexname",
            (table, quoted(table))).fetchall()

    def drop(self):
        leftovers = [*self.staged, *(kind.table + "__next" for kind in (UNITS, ESTABLISHMENTS))]
        database.execute_sql(f"DROP TABLE IF EXISTS {', '.join(map(quoted, leftovers))}")


class _Feed:
    """The file as COPY reads it. psycopg2 turns an exception raised while reading (Ctrl-C, the
    progress callback's) into QueryCanceled: it is kept here to be raised again as it was."""

    def __init__(self, binary):
        self.binary, self.error = binary, None

    def read(self, size):
        try:
            return self.binary.read(size)
        except BaseException as exc:
            self.error = exc
            raise


def _unreadable(name, error):
    """The French message of a COPY that could not parse the file: its line (the file's, header
    included), and what was wrong."""
    context = getattr(error.diag, "context", "") or ""
    found = re.search(r"line (\d+)", context)
    line = f", ligne {int(found.group(1)) + 1}" if found else ""
    primary = getattr(error.diag, "message_primary", "") or str(error)
    reason = next((french for english, french in COPY_PROBLEMS.items() if english in primary), "illisible")
    return f"{name}{line} : illisible ({reason})."
