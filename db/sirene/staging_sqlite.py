"""The Sirene import on SQLite (see db/sirene/importer.py and staging.py).

Files are parsed by the csv module and their rows stored raw (the columns the directory keeps) in
a staging database of their own, next to the portal's (`<database>-sirene-staging`, WAL without
sync: it is thrown away), so parsing takes no lock on the portal's database at all. Every
BATCH_ROWS rows staged, the converter's thread (staging.Converter, its own connection with the
staging file attached) fills the new directory table with them in one short transaction, while
the next rows are parsed: between two batches, logins and every other writer get the lock (they
wait for it up to busy_timeout, a batch lasts a fraction of a second). The switch renames the
tables in one short transaction.

SQLite cannot rename an index: the new table's indexes take the names of the current ones with
INDEX_SUFFIX added or removed, alternately (schema checks compare indexes by columns).
"""
import contextlib
import csv
import dataclasses
import itertools
import operator
import os
import sqlite3

from peewee import IntegrityError

from db.database import database
from db.sirene.importer import (
    ESTABLISHMENTS,
    UNITS,
    UPDATING,
    SireneImportError,
    text_of,
)
from db.sirene.staging import Staging, quoted

LOAD_ROWS = 10_000  # rows parsed and written to the staging file at once
BATCH_ROWS = 50_000  # rows per transaction on the portal's database
INDEX_SUFFIX = "__b"
ALIAS = "sirene_staging"  # the staging file, attached to the portal's connection for the build


class SqliteStaging(Staging):
    def __init__(self, started):
        super().__init__(started)
        self.file = f"{database.obj.database}-sirene-staging"
        self._remove_file()
        self.loader = sqlite3.connect(self.file, isolation_level=None)
        # WAL: the converter's connection reads the batches committed while the next ones are written
        self.loader.execute("PRAGMA journal_mode = WAL")
        self.loader.execute("PRAGMA synchronous = OFF")
        self.created = set()  # kinds whose new table exists

    def load(self, path, progress):
        with self.opened(path, progress, "stock_") as (binary, stock):
            if stock.kind not in self.created:
                self._create_next(stock.kind)
                self.created.add(stock.kind)
            fields = list(stock.positions)
            self.loader.execute(f"CREATE TABLE {quoted(stock.staged)} ({', '.join(map(quoted, fields))})")
            insert = f"INSERT INTO {quoted(stock.staged)} VALUES ({', '.join('?' * len(fields))})"
            stock.rows = self._copy(csv.reader(text_of(binary)), list(stock.positions.values()), insert,
                                    stock)
            return stock

    def _copy(self, reader, indexes, insert, stock):
        """Write the rows of reader (their columns at indexes, short rows padded) in batches; hand
        each BATCH_ROWS of them to the converter once committed."""
        fast = operator.itemgetter(*indexes) if len(indexes) > 1 else (lambda row: (row[indexes[0]],))

        def padded(row):
            return tuple(row[i] if i < len(row) else "" for i in indexes)

        count = submitted = 0
        try:
            while True:
                rows = list(itertools.islice(reader, LOAD_ROWS))  # parsed rows of 54 strings: few at once
                try:  # every row complete (the stock's case): no Python call per row
                    batch = list(map(fast, rows))
                except IndexError:  # a short row, or an empty line (skipped)
                    batch = [padded(row) for row in rows if row]
                if batch:
                    self.loader.execute("BEGIN")
                    self.loader.executemany(insert, batch)
                    self.loader.execute("COMMIT")
                    count += len(batch)
                if count > submitted and (not rows or count - submitted >= BATCH_ROWS):
                    # rows get rowids 1, 2, … in the order of the file: a chunk is a range of them
                    self.converter.submit(dataclasses.replace(stock, first_row=submitted,
                                                              rows=count - submitted))
                    submitted = count
                if not rows:
                    return count
        except (UnicodeDecodeError, csv.Error) as exc:
            line = reader.line_num + 1
            raise SireneImportError(f"{stock.name}, ligne {line} : illisible ({exc}).") from None

    def source(self, stock, field):
        return quoted(field)

    def table(self, stock):
        return quoted(stock.staged)

    def build_table(self, stock):
        return f"{ALIAS}.{quoted(stock.staged)}"

    def query(self, sql, params=()):
        return self.loader.execute(sql, params)

    def row_index(self, stock, rowref):
        return rowref - 1  # rows get rowids 1, 2, … in the order of the file

    def digits(self, expression, count):
        # ltrim by a set of characters, not GLOB '*[^0-9]*', whose bracket is parsed again at every
        # character of every row
        return f"(length({expression}) = {count} AND ltrim({expression}, '0123456789') = '')"

    def value(self, expression, field):
        return f"CASE WHEN {expression} IN ('', '[ND]') THEN NULL ELSE {expression} END"

    @contextlib.contextmanager
    def converting(self):
        with super().converting():
            database.execute_sql(f"ATTACH DATABASE ? AS {ALIAS}", (self.file,))
            try:
                yield
            finally:
                database.execute_sql(f"DETACH DATABASE {ALIAS}")

    def convert(self, chunk):
        imported_at = chunk.kind.model.imported_at.db_value(self.started)
        rows = " WHERE staged.rowid BETWEEN ? AND ?"
        statement = self.insert_staged(chunk, chunk.kind.table + "__next", rows)
        with self.chunk_transaction():
            rows = (imported_at, chunk.first_row + 1, chunk.first_row + chunk.rows)
            return database.execute_sql(statement, rows).rowcount

    @staticmethod
    def chunk_transaction():
        """A conversion's transaction. Deferred: BEGIN IMMEDIATE (the portal's lock type) would also
        take the write lock of the attached staging file, and the loader, writing the next rows
        there, would wait for the whole conversion (busy handler sleeps included) instead of running
        beside it. The INSERT still takes the portal database's write lock as it starts, waiting
        for other writers up to busy_timeout."""
        return database.atomic("DEFERRED")

    def failed(self, chunk, error):
        if isinstance(error, IntegrityError):
            self.refuse_duplicate([stock for stock in self.files if stock.kind is chunk.kind])

    def switch(self, stocks, progress):
        kinds = self.kinds(stocks)
        copied = {kind: self._max_rowid(kind.table) for kind in kinds}
        if progress:
            converting = sum(chunk.rows for chunk in self.converter.pending)
            progress(UPDATING, 0, converting + sum(copied.values()))
        self.converter.collect(wait=True, progress=progress, amount=lambda chunk: chunk.rows)
        self.converter.stop()
        for kind in kinds:
            # NOT EXISTS probes the new key without building the row: half the time of ON CONFLICT
            live, fresh, key = quoted(kind.table), quoted(kind.table + "__next"), quoted(kind.key)
            kept = (f"INSERT INTO {fresh} SELECT * FROM {live} AS live WHERE rowid BETWEEN ? AND ? "
                    f"AND NOT EXISTS (SELECT 1 FROM {fresh} AS known WHERE known.{key} = live.{key}) "
                    "ON CONFLICT DO NOTHING")
            self._batches(kept, copied[kind], (), progress)
        with database.atomic():
            for kind in kinds:  # rows another connection added since they were copied, then the switch
                live, fresh = quoted(kind.table), quoted(kind.table + "__next")
                database.execute_sql(f"INSERT INTO {fresh} SELECT * FROM {live} WHERE rowid > ? "
                                     "ON CONFLICT DO NOTHING", (copied[kind],))
                database.execute_sql(f"ALTER TABLE {live} RENAME TO {quoted(kind.table + '__old')}")
                database.execute_sql(f"ALTER TABLE {fresh} RENAME TO {live}")
        # The replaced tables hold public data: their pages need not be zeroed as they are freed, which
        # Debian's SQLite does by default (SECURE_DELETE): for a million rows 3.7 s and 160 MB of cache
        # instead of 0.3 s.
        secure_delete = database.execute_sql("PRAGMA secure_delete").fetchone()[0]
        database.execute_sql("PRAGMA secure_delete = OFF")
        try:
            for kind in kinds:
                with database.atomic():
                    database.execute_sql(f"DROP TABLE {quoted(kind.table + '__old')}")
        finally:
            database.execute_sql(f"PRAGMA secure_delete = {int(secure_delete)}")

    def _batches(self, statement, last, params, progress):
        """Run statement over rowids 1…last in batches, each its own transaction; rows written."""
        written = 0
        for first in range(1, last + 1, BATCH_ROWS):
            with database.atomic():
                written += database.execute_sql(statement, (*params, first, first + BATCH_ROWS - 1)).rowcount
            if progress:
                progress(UPDATING, min(BATCH_ROWS, last - first + 1), None)
        return written

    def _max_rowid(self, table):
        return database.execute_sql(f"SELECT COALESCE(MAX(rowid), 0) FROM {quoted(table)}").fetchone()[0]

    def _create_next(self, kind):
        """The new table, empty, with the current one's definition and indexes."""
        live, fresh = kind.table, kind.table + "__next"
        database.execute_sql(f"DROP TABLE IF EXISTS {quoted(fresh)}")
        schema = database.execute_sql(
            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL "
            "ORDER BY type = 'index'", (live,)).fetchall()
        for kind_of, name, sql in schema:
            if kind_of == "table":
                database.execute_sql(sql.replace(quoted(live), quoted(fresh), 1))
                continue
            other = name[:-len(INDEX_SUFFIX)] if name.endswith(INDEX_SUFFIX) else name + INDEX_SUFFIX
            unique = "UNIQUE " if sql.upper().startswith("CREATE UNIQUE") else ""
            columns = sql[sql.index("(", sql.upper().index(" ON ")):]
            database.execute_sql(f"CREATE {unique}INDEX {quoted(other)} ON {quoted(fresh)} {columns}")

    def drop(self):
        self.converter.stop()
        for kind in (UNITS, ESTABLISHMENTS):
            for leftover in (kind.table + "__next", kind.table + "__old"):
                database.execute_sql(f"DROP TABLE IF EXISTS {quoted(leftover)}")
        self.loader.close()
        self._remove_file()

    def _remove_file(self):
        for path in (self.file, self.file + "-journal", self.file + "-wal", self.file + "-shm"):
            if os.path.exists(path):
                os.remove(path)
