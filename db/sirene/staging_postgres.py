"""The Sirene import on PostgreSQL (see db/sirene/importer.py and staging.py).

Each file is COPYed by chunks of about CHUNK_BYTES (cut at the end of a row) into UNLOGGED staging
tables with one text column per column of the file: the server parses the CSV, the portal only
streams the bytes (counting them for the progress bar). While the next chunk is COPYed, the
converter's thread (staging.Converter, a second connection: a second backend, a second core) fills
the new directory table from the previous one by an INSERT … SELECT, without indexes; its primary
key and indexes are built afterwards, much faster than row by row (building the primary key is
also what finds a key given twice). In the switch's transaction, the rows of the current directory
that the files do not mention are added (INSERT … SELECT … ON CONFLICT DO NOTHING) under a SHARE
lock — readers go on, writers of the directory wait — then the tables are renamed: readers wait
only for the renames. Readers and logins never wait for the import itself.
"""
import csv
import dataclasses
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
    open_binary,
    refuse_row,
    text_of,
)
from db.sirene.staging import Staging, quoted

COPY_READ = 1 << 16  # bytes handed to COPY at a time
BUILD_MEMORY = "256MB"  # maintenance_work_mem of the primary key's and indexes' builds
CHUNK_BYTES = 8 << 20  # bytes of the file per COPY: the last chunk's conversion is not overlapped
COPY_PROBLEMS = {  # PostgreSQL's words for a malformed CSV, in French
    "missing data": "colonnes manquantes",
    "extra data": "colonnes en trop",
    "unterminated CSV quoted field": "guillemet non fermé",
    "invalid byte sequence": "caractères hors UTF-8",
}


class PostgresStaging(Staging):
    rowref = "ctid"
    param = "%s"

    def __init__(self, started):
        super().__init__(started)
        self.chunks = {}  # kind → its files' chunks, staged in their order

    def load(self, path, progress):
        with self.opened(path, progress, "sirene_stock_") as (binary, stock):
            if stock.kind not in self.chunks:
                self._create_next(stock.kind)
                self.chunks[stock.kind] = []
            feed = _Feed(binary, CHUNK_BYTES)
            while feed.next_chunk():
                chunk = dataclasses.replace(stock, staged=f"{stock.staged}_{feed.chunks}",
                                            first_row=stock.rows, first_line=feed.lines + 2)
                self.staged.append(chunk.staged)
                chunk.rows = self._copy(chunk, feed)
                stock.rows += chunk.rows
                self.chunks[stock.kind].append(chunk)
                self.converter.submit(chunk)
            return stock

    def _copy(self, chunk, feed):
        """COPY one chunk of the file into its own staging table: the rows it held."""
        columns = ", ".join(f"c{index} text" for index in range(len(chunk.header)))
        database.execute_sql(f"DROP TABLE IF EXISTS {quoted(chunk.staged)}")
        database.execute_sql(f"CREATE UNLOGGED TABLE {quoted(chunk.staged)} ({columns})")
        cursor = database.cursor()
        try:
            cursor.copy_expert(f"COPY {quoted(chunk.staged)} FROM STDIN WITH (FORMAT csv, "
                               "ENCODING 'UTF8')", feed, size=COPY_READ)
        except psycopg2.DataError as exc:
            raise SireneImportError(_unreadable(chunk, exc)) from None
        except psycopg2.errors.QueryCanceled:
            if feed.error is not None:
                raise feed.error from None
            raise
        return cursor.rowcount

    def convert(self, chunk):
        imported_at = chunk.kind.model.imported_at.db_value(self.started)
        statement = self.insert_staged(chunk, chunk.kind.table + "__next")
        inserted = database.execute_sql(statement, (imported_at,)).rowcount
        if inserted == chunk.rows:  # nothing to look for in it any more: dropped here, not at the end
            database.execute_sql(f"DROP TABLE {quoted(chunk.staged)}")
        return inserted

    def source(self, stock, field):
        return f"c{stock.positions[field]}"

    def table(self, stock):
        return quoted(stock.staged)

    def query(self, sql, params=()):
        return database.execute_sql(sql, params)

    def row_index(self, stock, rowref):
        # COPY fills a new table page after page: the physical order is the chunk's, the file's.
        before = self.query(f"SELECT COUNT(*) FROM {self.table(stock)} WHERE ctid < %s::tid", (rowref,))
        return stock.first_row + before.fetchone()[0]

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
            progress(UPDATING, 0, len(self.converter.pending) + 3 * len(kinds))
        self.converter.collect(wait=True, progress=progress)
        self.converter.stop()
        for kind in kinds:
            self._build(kind, self.chunks[kind], progress)
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

    @staticmethod
    def _create_next(kind):
        """The new table, empty and without indexes, that the converter fills."""
        fresh = kind.table + "__next"
        database.execute_sql(f"DROP TABLE IF EXISTS {quoted(fresh)}")
        database.execute_sql(f"CREATE TABLE {quoted(fresh)} (LIKE {quoted(kind.table)} INCLUDING DEFAULTS)")

    def _build(self, kind, stocks, progress):
        """The new table's primary key and indexes, once the converted rows are in."""
        fresh = kind.table + "__next"
        # Sorting a million keys within the default 64 MB spills to disk: a third of the build
        database.execute_sql(f"SET maintenance_work_mem = '{BUILD_MEMORY}'")
        try:
            self._index(kind, stocks, fresh, progress)
        finally:
            database.execute_sql("RESET maintenance_work_mem")

    def _index(self, kind, stocks, fresh, progress):
        """The primary key (a key given twice is refused with its line), then the other indexes."""
        try:
            database.execute_sql(f"ALTER TABLE {quoted(fresh)} ADD CONSTRAINT {quoted(fresh + '_pkey')} "
                                 f"PRIMARY KEY ({quoted(kind.key)})")
        except IntegrityError:
            self._refuse_duplicate(kind)
        if progress:
            progress(UPDATING, 1, None)
        for name, definition in self._indexes(kind.table):
            unique = "UNIQUE " if definition.startswith("CREATE UNIQUE") else ""
            database.execute_sql(f"CREATE {unique}INDEX {quoted(name + '__next')} ON {quoted(fresh)} "
                                 f"{definition[definition.index(' USING '):]}")
        if progress:
            progress(UPDATING, 1, None)

    def _refuse_duplicate(self, kind):
        """Raise SireneImportError for a key given twice (error path): the key found in the new
        table, then its second row in the files (the staged chunks are dropped once converted)."""
        repeated = database.execute_sql(f"SELECT {quoted(kind.key)} FROM {quoted(kind.table + '__next')} "
                                        "GROUP BY 1 HAVING COUNT(*) > 1 LIMIT 1").fetchone()
        if repeated is None:
            raise SireneImportError("Import refusé : le référentiel a changé pendant l'import, relancez-le.")
        seen = 0
        for stock in (stock for stock in self.files if stock.kind is kind):
            for index, value in enumerate(_column(stock, stock.positions[kind.key])):
                seen += value.strip() == repeated[0]
                if seen == 2:
                    refuse_row(stock, index, f"{kind.key.upper()} « {repeated[0]} » présent deux fois.")

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
        self.converter.stop()
        leftovers = [*self.staged, *(kind.table + "__next" for kind in (UNITS, ESTABLISHMENTS))]
        database.execute_sql(f"DROP TABLE IF EXISTS {', '.join(map(quoted, leftovers))}")


class _Feed:
    """The file as the COPYs read it, one chunk each: a chunk ends at the first end of a row (a
    newline outside quotes: an even count of quotes since the chunk began) past `limit` bytes.
    psycopg2 turns an exception raised while reading (Ctrl-C, the progress callback's) into
    QueryCanceled: it is kept here to be raised again as it was."""

    def __init__(self, binary, limit):
        self.binary, self.limit, self.error = binary, limit, None
        self.pending = b""  # read past the end of the previous chunk
        self.full = True  # the current chunk is complete
        self.sent = self.quotes = self.chunk_lines = 0  # bytes, quotes and newlines of the current chunk
        self.lines = 0  # newlines before the current chunk
        self.chunks = 0

    def next_chunk(self):
        """Start the next chunk; False at the end of the file."""
        self.pending = self.pending or self.read_file(COPY_READ)
        self.lines += self.chunk_lines
        self.full, self.sent, self.quotes, self.chunk_lines = False, 0, 0, 0
        self.chunks += 1
        return bool(self.pending)

    def read_file(self, size):
        try:
            return self.binary.read(size)
        except BaseException as exc:
            self.error = exc
            raise

    def read(self, size):
        if self.full:
            return b""
        data, self.pending = self.pending or self.read_file(size), b""
        if not data:
            self.full = True
        elif self.sent + len(data) > self.limit:
            end = self._row_end(data, max(0, self.limit - self.sent))
            if end is not None:
                data, self.pending, self.full = data[:end], data[end:], True
        self.sent += len(data)
        self.quotes += data.count(b'"')
        self.chunk_lines += data.count(b"\n")
        return data

    def _row_end(self, data, start):
        """The position after the first newline from start on that ends a row, or None."""
        quotes = self.quotes + data.count(b'"', 0, start)
        while (newline := data.find(b"\n", start)) >= 0:
            quotes += data.count(b'"', start, newline)
            if quotes % 2 == 0:
                return newline + 1
            start = newline + 1
        return None


def _column(stock, position):
    """The values of one column of a file, row after row (error path)."""
    binary, _, closers = open_binary(stock.path)
    try:
        reader = csv.reader(text_of(binary))
        next(reader, None)
        yield from (row[position] if position < len(row) else "" for row in reader if row)
    finally:
        for closer in closers:
            closer.close()


def _unreadable(chunk, error):
    """The French message of a COPY that could not parse a chunk of the file: its line (the file's,
    header included), and what was wrong."""
    name = chunk.name
    context = getattr(error.diag, "context", "") or ""
    found = re.search(r"line (\d+)", context)
    line = f", ligne {int(found.group(1)) + chunk.first_line - 1}" if found else ""
    primary = getattr(error.diag, "message_primary", "") or str(error)
    reason = next((french for english, french in COPY_PROBLEMS.items() if english in primary), "illisible")
    return f"{name}{line} : illisible ({reason})."
