"""The engine-specific steps of the Sirene import (see db/sirene/importer.py): load one file raw into
a staging table, find its first bad row in SQL, build the new directory tables, switch them in.

Each file gets its own staging table, whose rows keep the file's order. The new tables are named
`<table>__next` until the switch; the one they replace is `<table>__old` until dropped. Staged
values are converted in SQL: identifiers and states trimmed, empty and [ND] values as NULL, text
cut to its column's length on PostgreSQL (SQLite stores values as the file has them: INSEE's
files are not padded, and a function call per value would double the time of the import).
A field that a file lacks keeps, for a row already in the directory, its current value.

Staging and converting overlap (converter.Converter): while load() stages the next chunk of a file, a thread
converts the previous one into the new table on a connection of its own, so the two passes over the
rows run on two cores instead of one after the other.
"""
import contextlib
import os

from db.database import database
from db.models.directory import DirectoryUnit
from db.sirene.converter import Converter
from db.sirene.importer import (
    ESTABLISHMENTS,
    SireneImportError,
    describe,
    open_binary,
    problem,
    read_header,
    refuse_row,
)

TRIMMED = ("siren", "siret", "nic", "etat")  # compared and validated: spaces around them are noise


def quoted(name):
    return f'"{name}"'


class Staging:
    """What both engines share: the SQL that validates and converts staged rows, and the steps."""

    rowref = "rowid"

    def __init__(self, started):
        self.started = started
        self.staged = []  # staging tables created, to drop at the end
        self.files = []  # the StockFiles loaded (or being loaded)
        self.converter = Converter(self)

    # What the converter's thread runs ----------------------------------------------------------
    @contextlib.contextmanager
    def converting(self):
        """The converter thread's own connection, open while it runs."""
        database.connect(reuse_if_open=True)
        try:
            yield
        finally:
            database.close()

    def convert(self, chunk):
        """Insert the converted rows of a staged chunk into its kind's new table: how many went in."""
        raise NotImplementedError

    def failed(self, chunk, error):
        """The converter's statement failed on chunk: raise the French error it means, if any."""
        return None

    # Steps, in the order import_files calls them -------------------------------------------------
    def load(self, path, progress):
        raise NotImplementedError

    @contextlib.contextmanager
    def opened(self, path, progress, prefix):
        """(binary stream past the header, StockFile) of a file to load, its bytes counted for the
        progress bar, its staging table named prefix + a number."""
        name = os.path.basename(path)
        binary, size, closers = open_binary(path, lambda n: progress and progress(name, n, None))
        try:
            if progress:
                progress(name, 0, size)
            stock = describe(path, read_header(binary, name))
            stock.staged = f"{prefix}{len(self.staged)}"
            self.staged.append(stock.staged)
            self.files.append(stock)
            yield binary, stock
        finally:
            for closer in closers:
                closer.close()

    def first_problem(self, stock):
        """(row index, {field: raw value}) of the first row of the file that cannot be imported."""
        fields = [f for f in ("siren", "siret", "nic", "etat") if f in stock.positions]
        found = self.query(
            f"SELECT {self.rowref}, {', '.join(self.source(stock, f) for f in fields)} "
            f"FROM {self.table(stock)} WHERE {self.bad_row(stock)} ORDER BY {self.rowref} LIMIT 1"
        ).fetchone()
        if found is None:
            return None
        return self.row_index(stock, found[0]), dict(zip(fields, found[1:], strict=True))

    def switch(self, stocks, progress):
        raise NotImplementedError

    def drop(self):
        raise NotImplementedError

    # SQL shared by the engines ------------------------------------------------------------------
    def source(self, stock, field):
        """The staging column holding field."""
        raise NotImplementedError

    def table(self, stock):
        """The staging table of a file, as the queries of query() name it."""
        raise NotImplementedError

    def query(self, sql, params=()):
        raise NotImplementedError

    def row_index(self, stock, rowref):
        raise NotImplementedError

    def digits(self, expression, count):
        raise NotImplementedError

    def value(self, expression, field):
        """A staged text as stored: NULL when empty or masked ([ND])."""
        raise NotImplementedError

    def cast(self, expression, field):
        """A staged text known to be neither empty nor masked, as stored (plain rows' identifiers)."""
        return expression

    def bad_row(self, stock, alias=""):
        """The condition that a staged row breaks a rule of importer.problem (its columns prefixed
        with alias, the staging table's name in a join)."""
        prefix = f"{alias}." if alias else ""

        def trimmed(field):
            return f"trim(COALESCE({prefix}{self.source(stock, field)}, ''))"

        if stock.kind is ESTABLISHMENTS:  # 14 digits that are the SIREN then the NIC: a SIREN of 9 digits
            conditions = [f"length({trimmed('siren')}) <> 9", f"NOT {self.digits(trimmed('siret'), 14)}",
                          f"{trimmed('siret')} <> {trimmed('siren')} || {trimmed('nic')}"]
        else:
            conditions = [f"NOT {self.digits(trimmed('siren'), 9)}"]
        if "etat" in stock.positions:
            states = ", ".join(f"'{state}'" for state in ("", "[ND]", *stock.kind.states))
            conditions.append(f"{trimmed('etat')} NOT IN ({states})")
        return " OR ".join(f"({condition})" for condition in conditions)

    def plain_row(self, stock, alias):
        """A condition that implies the rules of bad_row, met by the rows whose identifiers and state
        come without spaces: a third of its cost, so tested first, bad_row being left for the rows it
        misses (padded values, NULL from an empty field of COPY)."""
        def column(field):
            return f"{alias}.{self.source(stock, field)}"

        if stock.kind is ESTABLISHMENTS:  # the SIRET's first nine digits are then the SIREN
            conditions = [f"{self.length(column('siren'))} = 9", self.digits(column("siret"), 14),
                          f"{column('siret')} = {column('siren')} || {column('nic')}"]
        else:
            conditions = [self.digits(column("siren"), 9)]
        if "etat" in stock.positions:
            states = ", ".join(f"'{state}'" for state in ("", "[ND]", *stock.kind.states))
            conditions.append(f"{column('etat')} IN ({states})")
        return " AND ".join(conditions)

    def length(self, expression):
        """SQL of the length of a text expression that plain_row compares (characters)."""
        return f"length({expression})"

    def converted(self, stock, staged, live, plain=False):
        """(column names, SELECT expressions, whether the live table must be joined) that turn the
        staged rows of stock into rows of the directory; staged and live are the tables' aliases.
        plain: for the rows that plain_row accepts only, whose identifiers are digits without spaces
        (taken as staged, neither trimmed nor compared with '' and [ND]) and whose state has none."""
        fields = [f for f in stock.kind.model._meta.sorted_fields if f.name != "imported_at"]
        join = any(f.name not in stock.positions for f in fields)
        expressions = []
        for field in fields:
            column = f"{staged}.{self.source(stock, field.name)}" if field.name in stock.positions else None
            if plain and column is not None and field.name in stock.kind.required:
                expressions.append(self.cast(column, field))
            elif plain and column is not None and field.name in TRIMMED:
                expressions.append(self.value(column, field))
            elif column is None:
                kept = f"{live}.{quoted(field.column_name)}"
                expressions.append(f"COALESCE({kept}, FALSE)" if field.name == "is_siege" else kept)
            elif field.name == "is_siege":  # INSEE writes true / false: lower() (per character on
                # PostgreSQL, a tenth of the conversion's time) only for other spellings
                expressions.append(f"CASE {column} WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE "
                                   f"ELSE COALESCE(lower(trim({column})) = 'true', FALSE) END")
            else:
                expressions.append(self.value(f"trim({column})" if field.name in TRIMMED else column, field))
        columns = [quoted(f.column_name) for f in fields] + [quoted("imported_at")]
        return columns, expressions + [database.param], join

    def insert_staged(self, stock, target, where="", plain=False):
        """INSERT INTO target the converted rows of stock that break no rule (params: imported_at,
        then where's), run on the portal's connection. Validation and conversion are one scan of the
        staged rows: when fewer rows went in than the file has, checked() finds the first bad one.
        plain: only the rows that plain_row accepts, converted without the trims they do not need."""
        live = quoted(stock.kind.table)
        columns, expressions, join = self.converted(stock, "staged", "live", plain)
        key = self.source(stock, stock.kind.key)
        key_value = f"staged.{key}" if plain else f"trim(staged.{key})"
        joined = f" LEFT JOIN {live} AS live ON live.{quoted(stock.kind.key)} = {key_value}" if join else ""
        if plain:
            good = f"({self.plain_row(stock, 'staged')})"
        else:
            good = f"(({self.plain_row(stock, 'staged')}) OR NOT ({self.bad_row(stock, 'staged')}))"
        where = f"{where} AND {good}" if where else f" WHERE {good}"
        return (f"INSERT INTO {quoted(target)} ({', '.join(columns)}) SELECT {', '.join(expressions)} "
                f"FROM {self.build_table(stock)} AS staged{joined}{where}")

    def checked(self, stock, inserted):
        """After the rows of stock went into the new table (inserted of them): refuse the file at its
        first bad row when some were left out. The current directory is untouched until the switch."""
        if inserted != stock.rows:
            bad = self.first_problem(stock)
            if bad is not None:
                refuse_row(stock, bad[0], problem(stock.kind, bad[1]))
            # Rows left out though none breaks a rule: the conversion lost them. Switching would drop
            # establishments from the directory without a word; the import stops, the directory intact.
            raise SireneImportError(
                f"{stock.name} : {stock.rows - inserted} ligne(s) sur {stock.rows} n'ont pas pu être "
                "reprises ; import interrompu, le référentiel actuel est conservé.")

    def build_table(self, stock):
        """The staging table of a file as the portal's connection names it."""
        return self.table(stock)

    def refuse_duplicate(self, stocks):
        """Raise SireneImportError for the first repeated key among the kind's files (error path)."""
        key = stocks[0].kind.key
        union = " UNION ALL ".join(f"SELECT trim({self.source(s, key)}) AS k FROM {self.table(s)}"
                                   for s in stocks)
        repeated = self.query(
            f"SELECT k FROM ({union}) AS keys GROUP BY k HAVING COUNT(*) > 1 LIMIT 1").fetchone()
        if repeated is None:
            raise SireneImportError("Import refusé : le référentiel a changé pendant l'import, relancez-le.")
        seen = []
        for stock in stocks:
            occurrences = self.query(
                f"SELECT {self.rowref} FROM {self.table(stock)} WHERE trim({self.source(stock, key)}) = "
                f"{self.param} ORDER BY {self.rowref} LIMIT 2", (repeated[0],)).fetchall()
            seen += [(stock, rowref) for (rowref,) in occurrences]
        stock, rowref = seen[1]
        message = f"{key.upper()} « {repeated[0]} » présent deux fois."
        refuse_row(stock, self.row_index(stock, rowref), message)

    param = "?"  # the placeholder of query()

    @staticmethod
    def kinds(stocks):
        """The kinds of the files, units first (the order of the switch)."""
        kinds = {stock.kind for stock in stocks}
        return sorted(kinds, key=lambda kind: kind.model is not DirectoryUnit)

