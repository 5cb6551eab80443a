"""The Sirene import on SQLite (see db/sirene/importer.py and staging.py).

No staging copy: each file is parsed by the csv module, only the columns the directory keeps are
picked from each row (operator.itemgetter, in C), and the rows go straight into the new directory
table `<table>__next` of the portal's database, converted by the expressions of one prepared INSERT
run by executemany ([ND] and empty values as NULL, identifiers and states trimmed). Each batch of
LOAD_ROWS rows is parsed outside any transaction, then written in a short transaction of its own:
between two batches, logins and every other writer get the lock (they wait for it up to
busy_timeout; a batch takes a fraction of a second). The live directory is not touched until the
switch, so readers see the old one throughout.

Validation is part of that INSERT: the key's expression is NULL when the row breaks a rule
(staging.py's bad_row, the same as PostgreSQL's, on the statement's parameters), which the key's
NOT NULL refuses. A refused batch (a bad row, or a key given twice) is then tried again row by row,
in a transaction rolled back, to name the first bad line of the file in French.

The new table gets its secondary indexes once loaded (one sort instead of a million inserts into
a B-tree), then the rows of the current directory that the files do not mention, in batches, and
the switch renames the tables in one short transaction. SQLite cannot rename an index: the new
table's indexes take the names of the current ones with INDEX_SUFFIX added or removed, alternately
(schema checks compare indexes by columns).
"""
import csv
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
    describe,
    open_binary,
    problem,
    read_header,
    refuse_row,
    text_of,
)
from db.sirene.staging import Staging, quoted

LOAD_ROWS = 10_000  # rows parsed, then written in one transaction
BATCH_ROWS = 50_000  # rows of the current directory copied per transaction
INDEX_SUFFIX = "__b"


class SqliteStaging(Staging):
    def __init__(self, started):
        super().__init__(started)
        self.created = set()  # the kinds whose new table exists

    def load(self, path, progress):
        fresh = quoted(self._next(path))
        before = database.execute_sql(f"SELECT COALESCE(MAX(rowid), 0) FROM {fresh}").fetchone()[0]
        try:
            return self._load(path, progress, before, ragged=False)
        except _Ragged:  # a row shorter than the header: the file again, every row padded (slower)
            with database.atomic():
                database.execute_sql(f"DELETE FROM {fresh} WHERE rowid > ?", (before,))
            return self._load(path, progress, before, ragged=True)

    def _next(self, path):
        """The new table of the file's kind, created empty by its first file."""
        binary, _, closers = open_binary(path)
        try:
            kind = describe(path, read_header(binary, os.path.basename(path))).kind
        finally:
            for closer in closers:
                closer.close()
        if kind not in self.created:
            self._create_next(kind)
            self.created.add(kind)
        return kind.table + "__next"

    def _load(self, path, progress, before, ragged):
        """Write the rows of the file after rowid before (the rows of the kind's earlier files)."""
        with self.opened(path, progress, "stock_") as (binary, stock):
            insert, refill = self._statements(stock)
            reader = csv.reader(text_of(binary))
            while batch := self._parse(reader, list(stock.positions.values()), ragged, stock.name):
                last = before + stock.rows  # rowid of the last row written so far
                try:
                    with database.atomic():
                        database.cursor().executemany(insert, batch)
                        if refill:
                            database.execute_sql(refill, (last,))
                except (IntegrityError, sqlite3.IntegrityError):  # executemany's is not wrapped
                    self._refuse_in(stock, batch, insert)
                stock.rows += len(batch)
            return stock

    @staticmethod
    def _parse(reader, indexes, ragged, name):
        """The next LOAD_ROWS non-empty rows of reader, reduced to the columns at indexes: in C
        (itemgetter, each row freed at once), or padded with empty values when ragged."""
        rows = itertools.islice(filter(None, reader), LOAD_ROWS)
        try:
            if ragged:
                return [tuple(row[i] if i < len(row) else "" for i in indexes) for row in rows]
            if len(indexes) == 1:
                return [(row[indexes[0]],) for row in rows]
            return list(map(operator.itemgetter(*indexes), rows))
        except IndexError:
            raise _Ragged from None
        except (UnicodeDecodeError, csv.Error) as exc:
            raise SireneImportError(f"{name}, ligne {reader.line_num + 1} : illisible ({exc}).") from None

    def _statements(self, stock):
        """(INSERT of a row of picked values into the new table, UPDATE giving the rows written after
        a rowid the current directory's values of the fields the file lacks, or None)."""
        fields = [f for f in stock.kind.model._meta.sorted_fields if f.name != "imported_at"]
        fresh, live = quoted(stock.kind.table + "__next"), quoted(stock.kind.table)
        number = {field: index for index, field in enumerate(stock.positions, start=1)}
        expressions = []
        for field in fields:
            parameter = f"?{number[field.name]}" if field.name in number else None
            if field.name == stock.kind.key:  # NULL, refused by its NOT NULL, when the row breaks a rule
                expressions.append(f"CASE WHEN NOT ({self.bad_row(stock, padded=False)}) THEN {parameter} "
                                   f"WHEN NOT ({self.bad_row(stock)}) THEN trim({parameter}) END")
            elif parameter is None:
                expressions.append("FALSE" if field.name == "is_siege" else "NULL")
            elif field.name == "is_siege":
                expressions.append(f"COALESCE(lower(trim({parameter})) = 'true', FALSE)")
            else:
                trimmed = field.name in ("siren", "siret", "nic", "etat")
                expressions.append(self.value(f"trim({parameter})" if trimmed else parameter, field))
        imported_at = stock.kind.model.imported_at.db_value(self.started)
        stamp = database.execute_sql("SELECT quote(?)", (imported_at,)).fetchone()[0]  # a SQL literal
        columns = ", ".join(quoted(f.column_name) for f in fields)
        insert = (f"INSERT INTO {fresh} ({columns}, {quoted('imported_at')}) "
                  f"VALUES ({', '.join(expressions)}, {stamp})")
        lacking = [quoted(f.column_name) for f in fields if f.name not in number]
        if not lacking:
            return insert, None
        key = quoted(stock.kind.key)
        refill = (f"UPDATE {fresh} SET {', '.join(f'{c} = live.{c}' for c in lacking)} FROM {live} AS live "
                  f"WHERE live.{key} = {fresh}.{key} AND {fresh}.rowid > ?")
        return insert, refill

    def _refuse_in(self, stock, batch, insert):
        """The batch could not be written (a row breaking a rule, or a key given twice): name its
        first bad line, trying its rows one by one in a transaction rolled back."""
        fields, key = list(stock.positions), stock.kind.key
        with database.atomic():  # left by an exception: rolled back
            for index, row in enumerate(batch):
                values = dict(zip(fields, row, strict=True))
                reason = problem(stock.kind, values)
                if reason is None:
                    try:
                        with database.atomic():
                            database.execute_sql(insert, row)
                    except IntegrityError:
                        reason = f"{key.upper()} « {values[key].strip()} » présent deux fois."
                if reason is not None:
                    refuse_row(stock, stock.rows + index, reason)
            raise SireneImportError(f"{stock.name} : import refusé, relancez-le.")

    def source(self, stock, field):
        return f"?{list(stock.positions).index(field) + 1}"  # rules check the INSERT's parameters

    def digits(self, expression, count):
        # ltrim by a set of characters: a tenth of the time of GLOB '*[^0-9]*' (whose bracket is
        # parsed again at every character)
        return f"(length({expression}) = {count} AND ltrim({expression}, '0123456789') = '')"

    def one_of(self, expression, values):
        # Not IN: in a statement run once per row, IN (4 values) builds its lookup table at every run
        return "(" + " OR ".join(f"{expression} = '{value}'" for value in values) + ")"

    def value(self, expression, field):
        return f"CASE WHEN {self.one_of(expression, ('', '[ND]'))} THEN NULL ELSE {expression} END"

    def switch(self, stocks, progress):
        kinds = self.kinds(stocks)
        copied = {kind: self._max_rowid(kind.table) for kind in kinds}
        if progress:
            progress(UPDATING, 0, sum(copied.values()) + len(kinds))
        for kind in kinds:  # the rows that the files do not mention, then the indexes
            kept = (f"INSERT INTO {quoted(kind.table + '__next')} SELECT * FROM {quoted(kind.table)} "
                    "WHERE rowid BETWEEN ? AND ? ON CONFLICT DO NOTHING")
            self._batches(kept, copied[kind], progress)
            self._index_next(kind)
            if progress:
                progress(UPDATING, 1, None)
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

    def _batches(self, statement, last, progress):
        """Run statement over rowids 1…last in batches, each its own transaction."""
        for first in range(1, last + 1, BATCH_ROWS):
            with database.atomic():
                database.execute_sql(statement, (first, first + BATCH_ROWS - 1))
            if progress:
                progress(UPDATING, min(BATCH_ROWS, last - first + 1), None)

    def _max_rowid(self, table):
        return database.execute_sql(f"SELECT COALESCE(MAX(rowid), 0) FROM {quoted(table)}").fetchone()[0]

    def _create_next(self, kind):
        """The new table, empty, with the current one's definition (its primary key included)."""
        live, fresh = kind.table, kind.table + "__next"
        database.execute_sql(f"DROP TABLE IF EXISTS {quoted(fresh)}")
        sql = database.execute_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                                   (live,)).fetchone()[0]
        database.execute_sql(sql.replace(quoted(live), quoted(fresh), 1))

    def _index_next(self, kind):
        """The current table's secondary indexes, built once on the loaded new table."""
        live, fresh = kind.table, kind.table + "__next"
        indexes = database.execute_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
            (live,)).fetchall()
        for name, sql in indexes:
            other = name[:-len(INDEX_SUFFIX)] if name.endswith(INDEX_SUFFIX) else name + INDEX_SUFFIX
            unique = "UNIQUE " if sql.upper().startswith("CREATE UNIQUE") else ""
            columns = sql[sql.index("(", sql.upper().index(" ON ")):]
            with database.atomic():
                database.execute_sql(f"CREATE {unique}INDEX {quoted(other)} ON {quoted(fresh)} {columns}")

    def drop(self):
        for kind in (UNITS, ESTABLISHMENTS):
            for leftover in (kind.table + "__next", kind.table + "__old"):
                database.execute_sql(f"DROP TABLE IF EXISTS {quoted(leftover)}")


class _Ragged(Exception):
    """A row of the file has fewer columns than its header."""
