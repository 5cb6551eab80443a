"""The Sirene import on SQLite (see db/sirene/importer.py and staging.py).

Files are parsed by the csv module and their rows stored raw (the columns the directory keeps) in
a staging database of their own, next to the portal's (`<database>-sirene-staging`, WAL without
sync: it is thrown away), so parsing takes no lock on the portal's database at all. Every
BATCH_ROWS rows staged, the converter's thread (converter.Converter, its own connection with the
staging file attached) fills the new directory table with them in one short transaction, while
the next rows are parsed: between two batches, logins and every other writer get the lock (they
wait for it up to busy_timeout, a batch lasts a fraction of a second). The switch renames the
tables in one short transaction.

A plain file of SPLIT_BYTES or more is staged by two processes (staging_part.py): the second half
by a child into a staging file of its own. Whatever fails while split stages the file again in one
process, which decides the error and names its line as it always did.

SQLite cannot rename an index: the new table's indexes take the names of the current ones with
INDEX_SUFFIX added or removed, alternately (schema checks compare indexes by columns).
"""
import contextlib
import csv
import dataclasses
import io
import os

from peewee import IntegrityError

from db.database import database
from db.sirene import converter, staging_part
from db.sirene.importer import (
    ESTABLISHMENTS,
    UNITS,
    UPDATING,
    SireneImportError,
    text_of,
)
from db.sirene.staging import Staging, quoted
from db.sirene.staging_part import Limited, Part, PartFailed, copy_rows, open_staging

LOAD_ROWS = 10_000  # rows parsed and written to the staging file at once
SPLIT_BYTES = 16 << 20  # a plain file from this size is staged by two processes (staging_part.py)
BATCH_ROWS = 50_000  # rows per transaction on the portal's database
INDEX_SUFFIX = "__b"
ALIAS = "sirene_staging"  # the staging file, attached to the portal's connection for the build
PART_ALIAS = "sirene_part"  # the part file, attached to the converter's and the loader's connections


class SqliteStaging(Staging):
    def __init__(self, started):
        super().__init__(started)
        self.file = f"{database.obj.database}-sirene-staging"
        self.part_file = f"{self.file}-part"  # the second half of a large file, staged by a child process
        self._remove_file()
        self.loader = open_staging(self.file)
        self.created = set()  # kinds whose new table exists
        self.part_tables = set()  # the staging tables of the part file
        self.rows_before = {}  # part table → rows of its file before it
        self.splitting = False  # a file is being staged by two processes: any failure is PartFailed
        self.part_attached = False  # the part file is attached to the converter's connection

    def load(self, path, progress):
        files = len(self.files)
        try:
            return self._load(path, progress, split=True)
        except PartFailed:  # the import in one process decides, and names the line, as it always did
            self._forget(files)
            return self._load(path, progress, split=False)

    def _load(self, path, progress, split):
        with self.opened(path, progress, "stock_") as (binary, stock):
            first = stock.kind not in self.created
            if first:
                self._create_next(stock.kind)
                self.created.add(stock.kind)
            fields = list(stock.positions)
            self.loader.execute(f"CREATE TABLE {quoted(stock.staged)} ({', '.join(map(quoted, fields))})")
            insert = f"INSERT INTO {quoted(stock.staged)} VALUES ({', '.join('?' * len(fields))})"
            halves = staging_part.halves(path, SPLIT_BYTES) if split and first else None
            if halves is None:
                stock.rows = self._copy(text_of(binary), insert, stock)[0]
            else:
                self._copy_halves(binary, halves, insert, stock, progress)
            return stock

    def _copy(self, text, insert, stock, on_batch=None):
        """Stage the rows of text, handing each BATCH_ROWS of them to the converter once committed:
        (rows, the last one parsed)."""
        submitted = 0

        def committed(count, finished):
            nonlocal submitted
            if count > submitted and (finished or count - submitted >= BATCH_ROWS):
                # rows get rowids 1, 2, … in the order of the file: a chunk is a range of them
                self.converter.submit(dataclasses.replace(stock, first_row=submitted, rows=count - submitted))
                submitted = count
            if on_batch:
                on_batch()

        reader = csv.reader(text)
        try:
            return copy_rows(reader, [*stock.positions.values()], self.loader, insert, LOAD_ROWS, committed)
        except (UnicodeDecodeError, csv.Error) as exc:
            line = reader.line_num + 1
            raise SireneImportError(f"{stock.name}, ligne {line} : illisible ({exc}).") from None

    def _copy_halves(self, binary, halves, insert, stock, progress):
        """Stage the first half of the file here and the second in a child process (its own staging
        file); the converter converts the chunks of both as they come. Whatever fails on the way
        (a bad row, a key given twice, a damaged line in the second half, a cut that fell inside a
        quoted value) raises PartFailed."""
        start, middle = halves
        part = dataclasses.replace(stock, staged=f"{stock.staged}_part")
        child = Part(stock.path, middle, self.part_file, part.staged, stock.positions, LOAD_ROWS)
        if not self.part_tables:
            self.loader.execute(f"ATTACH DATABASE ? AS {PART_ALIAS}", (self.part_file,))
        self.part_tables.add(part.staged)
        self.files.append(part)
        self.splitting = True
        try:
            own = io.BufferedReader(Limited(binary, middle - start), 1 << 16)
            stock.rows, last = self._copy(text_of(own), insert, stock,
                                          lambda: self._take(child, part, progress, timeout=0))
            if last and last[-1].endswith(("\n", "\r")):  # maybe cut inside a quoted value
                raise PartFailed
            self.rows_before[part.staged] = stock.rows
            while not child.ended:
                self._take(child, part, progress, timeout=0.1)
            self._take(child, part, progress, timeout=0)
            self.converter.collect(wait=True)
            part.rows = child.rows
            stock.rows += child.rows
        finally:
            self.splitting = False
            child.stop()

    def _take(self, child, part, progress, timeout):
        """Hand the child's committed rows to the converter; collect the chunks converted so far."""

        def submit(first_row, rows):
            self.converter.submit(dataclasses.replace(part, first_row=first_row, rows=rows))

        def report(read):
            if progress:
                progress(part.name, read, None)

        if not child.take(timeout, BATCH_ROWS, submit, report):  # the child failed
            raise PartFailed
        self.converter.collect(wait=False)

    def _forget(self, files):
        """Undo a load that failed while split: its staged rows, its chunks, its new table."""
        self.converter.stop()
        self.converter = converter.Converter(self)
        for stock in self.files[files:]:
            self.loader.execute(f"DROP TABLE IF EXISTS {self.table(stock)}")
            self.created.discard(stock.kind)
        del self.files[files:]

    def checked(self, stock, inserted):
        if self.splitting and inserted != stock.rows:
            raise PartFailed
        super().checked(stock, inserted)

    def source(self, stock, field):
        return quoted(field)

    def table(self, stock):
        return self.build_table(stock) if stock.staged in self.part_tables else quoted(stock.staged)

    def build_table(self, stock):
        return f"{PART_ALIAS if stock.staged in self.part_tables else ALIAS}.{quoted(stock.staged)}"

    def query(self, sql, params=()):
        return self.loader.execute(sql, params)

    def row_index(self, stock, rowref):
        # rows get rowids 1, 2, … in the order of the file (of its second half in a part table)
        return self.rows_before.get(stock.staged, 0) + rowref - 1

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
            self.part_attached = False
            try:
                yield
            finally:
                database.execute_sql(f"DETACH DATABASE {ALIAS}")
                if self.part_attached:
                    database.execute_sql(f"DETACH DATABASE {PART_ALIAS}")

    def convert(self, chunk):
        if chunk.staged in self.part_tables and not self.part_attached:  # the converter's connection
            database.execute_sql(f"ATTACH DATABASE ? AS {PART_ALIAS}", (self.part_file,))
            self.part_attached = True
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
        if self.splitting:
            raise PartFailed
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
        for base in (self.file, self.part_file):
            for path in (base, base + "-journal", base + "-wal", base + "-shm"):
                if os.path.exists(path):
                    os.remove(path)
