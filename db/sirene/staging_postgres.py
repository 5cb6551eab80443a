"""The Sirene import on PostgreSQL (see db/sirene/importer.py and staging.py).

Each file is COPYed by chunks of about CHUNK_BYTES (cut at the end of a row) into UNLOGGED staging
tables with one text column per column of the file: the server parses the CSV, the portal only
streams the bytes (counting them for the progress bar). While the next chunk is COPYed, the
converter's thread (converter.Converter, a second connection: a second backend, a second core) fills
the new directory table from the previous one by an INSERT … SELECT, without indexes; its primary
key and indexes are built afterwards, much faster than row by row (building the primary key is
also what finds a key given twice). In the switch's transaction, the rows of the current directory
that the files do not mention are added (INSERT … SELECT … ON CONFLICT DO NOTHING) under a SHARE
lock — readers go on, writers of the directory wait — then the tables are renamed: readers wait
only for the renames. Readers and logins never wait for the import itself. The new table's VACUUM,
statistics and index builds are in new_table_postgres.py.
"""
import dataclasses

import psycopg2
import psycopg2.errors
from peewee import IntegrityError

from db.database import database
from db.sirene.copy_feed import COPY_READ, Feed, column, unreadable
from db.sirene.importer import (
    ESTABLISHMENTS,
    UNITS,
    UPDATING,
    SireneImportError,
    refuse_row,
)
from db.sirene.new_table_postgres import (
    NO_AUTOVACUUM,
    Beside,
    add_what_files_lack,
    analyze_statement,
    build_index,
    create_next,
    indexes,
    rename,
    scratch,
    vacuum,
)
from db.sirene.staging import TRIMMED, Staging, quoted

# Bytes of the file per COPY: the first chunk's COPY and the last one's conversion are not overlapped,
# 4 MB of them ~0.3 s each; a chunk's own statements cost ~10 ms
CHUNK_BYTES = 4 << 20
# … but the first chunk's COPY is all the converter waits for before it starts (the converter, the slower
# side, then lags behind the COPYs until the end): a quarter of it
FIRST_CHUNK_BYTES = 1 << 20


class PostgresStaging(Staging):
    rowref = "ctid"
    param = "%s"

    def __init__(self, started):
        super().__init__(started)
        self.chunks = {}  # kind → its files' chunks, staged in their order

    def load(self, path, progress):
        with self.opened(path, progress, "sirene_stock_") as (binary, stock):
            if stock.kind not in self.chunks:
                create_next(stock.kind)
                self.chunks[stock.kind] = []
            feed = Feed(binary, min(FIRST_CHUNK_BYTES, CHUNK_BYTES))  # then CHUNK_BYTES, never above it
            while feed.next_chunk():
                chunk = dataclasses.replace(stock, staged=f"{stock.staged}_{feed.chunks}",
                                            first_row=stock.rows, first_line=feed.lines + 2)
                self.staged.append(chunk.staged)
                chunk.rows = self._copy(chunk, feed)
                stock.rows += chunk.rows
                self.chunks[stock.kind].append(chunk)
                self.converter.submit(chunk)
                feed.limit = CHUNK_BYTES
            return stock

    def _copy(self, chunk, feed):
        """COPY one chunk of the file into its own staging table: the rows it held."""
        columns = ", ".join(f"c{index} text" for index in range(len(chunk.header)))
        # FORCE_NULL: a quoted empty value is NULL as an unquoted one is, so that the conversion
        # only has [ND] left to turn into NULL (one comparison per value less)
        every = ", ".join(f"c{index}" for index in range(len(chunk.header)))
        with scratch():
            database.execute_sql(f"DROP TABLE IF EXISTS {quoted(chunk.staged)}")
            database.execute_sql(f"CREATE UNLOGGED TABLE {quoted(chunk.staged)} ({columns}) {NO_AUTOVACUUM}")
            cursor = database.cursor()
            try:
                cursor.copy_expert(f"COPY {quoted(chunk.staged)} FROM STDIN WITH (FORMAT csv, "
                                   f"ENCODING 'UTF8', FORCE_NULL ({every}))", feed, size=COPY_READ)
            except psycopg2.DataError as exc:
                raise SireneImportError(unreadable(chunk, exc)) from None
            except psycopg2.errors.QueryCanceled:
                if feed.error is not None:
                    raise feed.error from None
                raise
        return cursor.rowcount

    def convert(self, chunk):
        """The chunk's rows that plain_row accepts (every row of INSEE's files: identifiers of digits
        without spaces, a known state), converted without the trims and comparisons of the other
        rows, a sixth of the converter's CPU; then, only when some rows were left, those rows that
        break no rule, by the full conversion. The latter follow the chunk's other rows in the new
        table (its key's build then sorts instead of checking a presorted order): no row order of
        the directory is seen by anyone."""
        imported_at = chunk.kind.model.imported_at.db_value(self.started)
        fresh = chunk.kind.table + "__next"
        with scratch():
            inserted = database.execute_sql(self.insert_staged(chunk, fresh, plain=True),
                                            (imported_at,)).rowcount
            if inserted < chunk.rows:
                others = f" WHERE NOT COALESCE(({self.plain_row(chunk, 'staged')}), FALSE)"
                inserted += database.execute_sql(self.insert_staged(chunk, fresh, others),
                                                 (imported_at,)).rowcount
            # The chunk's rows reach the server's count of changed rows as this transaction ends, not
            # up to a second later: the new table's ANALYZE, which resets that count, comes after them
            database.execute_sql("SELECT pg_stat_force_next_flush()")
            return inserted

    def checked(self, chunk, inserted):
        super().checked(chunk, inserted)
        # Nothing to look for in the chunk any more: dropped now, not at the end, and by the importing
        # thread, whose connection waits on the converter's between its COPYs
        with scratch():
            database.execute_sql(f"DROP TABLE {quoted(chunk.staged)}")

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
        # ltrim by a set of characters: a third of the time of the regular expression ^[0-9]{n}$.
        # Its digits are one byte each: the length in bytes, which needs no walk through the text
        return f"(octet_length({expression}) = {count} AND ltrim({expression}, '0123456789') = '')"

    def length(self, expression):
        # plain_row's SIREN, which it also finds at the head of a SIRET of 14 digits: a byte a character
        return f"octet_length({expression})"

    def value(self, expression, field):
        # Empty values are NULL already (COPY's FORCE_NULL), but for a trimmed field's spaces
        empty = f"NULLIF({expression}, '')" if field.name in TRIMMED else expression
        return self.cast(f"NULLIF({empty}, '[ND]')", field)

    def cast(self, expression, field):
        # An explicit cast to varchar(n) cuts the text to n characters, as left() did, in the one
        # conversion that the column's type asks anyway
        length = getattr(field, "max_length", None)
        return f"{expression}::varchar({length})" if length else expression

    def switch(self, stocks, progress):
        kinds = self.kinds(stocks)
        if progress:
            progress(UPDATING, 0, len(self.converter.pending) + 3 * len(kinds))
        for kind in kinds:  # while the converter finishes the chunks staged ahead of it
            vacuum(kind)
        analyzed = self._analyze_early(kinds, progress)
        self.converter.collect(wait=True, progress=progress)
        self.converter.stop()
        for kind in kinds:
            vacuum(kind)  # the pages of the chunks converted meanwhile
            self._build(kind, self.chunks[kind], progress)
        # The other statistics, on a second connection, while this one adds the rows the files lack
        analyzing = Beside([analyze_statement(kind) for kind in kinds if kind not in analyzed],
                           database.execute_sql)
        try:
            with database.atomic():
                for kind in kinds:
                    add_what_files_lack(kind)
                analyzing.join()
                if analyzing.error is not None:
                    raise analyzing.error
                for kind in kinds:
                    rename(kind)
                    if progress:
                        progress(UPDATING, 1, None)
        finally:
            analyzing.join()

    def _analyze_early(self, kinds, progress):
        """ANALYZE a kind's new table on this connection, idle otherwise, while the converter (the
        slower side) converts the last chunks: the kinds so analyzed. Those last rows are left out of
        the statistics and counted as changed after them, so they are kept under half of autovacuum's
        threshold, for the table not to be due (two chunks of a million rows; none of a small file,
        whose ANALYZE then waits for the switch, beside the merge of the rows the files lack)."""
        threshold, scale = database.execute_sql(
            "SELECT current_setting('autovacuum_analyze_threshold')::float, "
            "current_setting('autovacuum_analyze_scale_factor')::float").fetchone()
        analyzed = []
        for kind in kinds:
            margin = (threshold + scale * sum(chunk.rows for chunk in self.chunks[kind])) / 2

            def converted_enough(kind=kind, margin=margin):
                return self._rows_to_convert(kind) <= margin

            self.converter.collect(wait=True, progress=progress, until=converted_enough)
            # Still a chunk or more to convert (0.13 s a chunk, ANALYZE 0.27 s), else the ANALYZE would
            # mostly follow the conversion, where it can hide beside the merge of a re-import instead
            if self._rows_to_convert(kind) >= margin / 2:
                database.execute_sql(analyze_statement(kind))
                analyzed.append(kind)
        return analyzed

    def _rows_to_convert(self, kind):
        """The rows of kind's chunks that the converter has not converted yet (the first chunks pending
        may be converted, their outcomes waiting in its queue of those done, in order)."""
        converter = self.converter
        return sum(chunk.rows for chunk in converter.pending[converter.done.qsize():] if chunk.kind is kind)

    def _build(self, kind, stocks, progress):
        """The new table's primary key and other indexes, once the converted rows are in: built at
        the same time, the key on this connection, the others on a second one (two cores)."""
        fresh = quoted(kind.table + "__next")
        others = []
        for name, definition in indexes(kind.table):
            unique = "UNIQUE " if definition.startswith("CREATE UNIQUE") else ""
            others.append(f"CREATE {unique}INDEX {quoted(name + '__next')} ON {fresh} "
                          f"{definition[definition.index(' USING '):]}")
        beside = Beside(others, build_index)
        try:
            key = quoted(kind.table + "__next_pkey")
            try:
                build_index(f"CREATE UNIQUE INDEX {key} ON {fresh} ({quoted(kind.key)})")
            except IntegrityError:
                beside.join()
                self._refuse_duplicate(kind)
            if progress:
                progress(UPDATING, 1, None)
        finally:
            beside.join()
        if beside.error is not None:
            raise beside.error
        with scratch():  # its commit would otherwise wait for the builds' WAL to reach the disk
            database.execute_sql(f"ALTER TABLE {fresh} ADD CONSTRAINT {key} PRIMARY KEY USING INDEX {key}")
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
            for index, value in enumerate(column(stock, stock.positions[kind.key])):
                seen += value.strip() == repeated[0]
                if seen == 2:
                    refuse_row(stock, index, f"{kind.key.upper()} « {repeated[0]} » présent deux fois.")

    def drop(self):
        self.converter.stop()
        leftovers = [*self.staged, *(kind.table + "__next" for kind in (UNITS, ESTABLISHMENTS))]
        database.execute_sql(f"DROP TABLE IF EXISTS {', '.join(map(quoted, leftovers))}")
