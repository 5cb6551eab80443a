"""Import of INSEE's StockUniteLegale / StockEtablissement files through staging tables.

The live directory stays intact, readable and writable, until the end:

1. Each file is loaded raw into a staging table, in constant memory, with a progress bar: on
   PostgreSQL by COPY (the server parses the CSV), on SQLite by the csv module into a separate
   staging database file, whose writes take no lock on the portal's database.
2. The staged rows are validated in SQL; the first bad row stops everything and the error names its
   file and line.
3. A new directory table is built from the staged rows, converted in SQL ([ND] and empty values as
   NULL), plus the rows of the current directory that the files do not mention (an import updates
   rows in place and adds the new ones; it never forgets one). It is filled chunk by chunk by a
   second connection in a thread while the next chunk is staged (converter.Converter: two cores);
   on SQLite each chunk is a short transaction, so that logins and other writers keep working.
4. One short transaction switches the new tables in for every file of the import at once.

A bad line, a crash or Ctrl-C before the switch leaves the directory exactly as it was. See
db/sirene/staging.py for the engine-specific steps.
"""
import csv
import io
import os
import zipfile
from dataclasses import dataclass

from db import clock
from db.database import database, is_postgres
from db.models import DirectoryEstablishment, DirectoryUnit
from db.sirene.columns import (
    ESTABLISHMENT_COLUMNS,
    ESTABLISHMENT_REQUIRED,
    MASKED,
    UNIT_COLUMNS,
    UNIT_REQUIRED,
)

UPDATING = "Mise à jour du référentiel"


class SireneImportError(Exception):
    """A file that cannot be imported; the message is French and names the line."""


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: there are two
class Kind:
    """One of the two stock files: its directory model, header → field names and states."""

    model: type
    columns: dict
    required: tuple
    states: tuple  # valid administrative states
    counted_as: str  # the key of import_files' result

    @property
    def table(self):
        return self.model._meta.table_name

    @property
    def key(self):
        return self.model._meta.primary_key.name


UNITS = Kind(DirectoryUnit, UNIT_COLUMNS, UNIT_REQUIRED, ("A", "C"), "unites_legales")
ESTABLISHMENTS = Kind(DirectoryEstablishment, ESTABLISHMENT_COLUMNS, ESTABLISHMENT_REQUIRED, ("A", "F"),
                      "etablissements")


@dataclass
class StockFile:
    """A file being imported, or one chunk of it: where it is, its kind, which column holds each
    field, its staging table and how many rows it put there."""

    path: str
    kind: Kind
    header: list
    positions: dict  # field name → column index in the file
    staged: str = ""  # the staging table
    rows: int = 0
    first_row: int = 0  # a chunk of the file (see converter.Converter): the index of its first row
    first_line: int = 2  # … and the physical line it starts at (1 = header)

    @property
    def name(self):
        return os.path.basename(self.path)


class _CountingReader(io.RawIOBase):
    """Wraps a binary stream and reports the bytes read, for the progress bar."""

    def __init__(self, raw, on_bytes):
        self._raw = raw
        self._on_bytes = on_bytes

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        if data:
            self._on_bytes(len(data))
        return len(data)


def open_binary(path, on_bytes=None):
    """(buffered binary stream, size in bytes, closers) of a plain CSV or the first CSV of a zip."""
    if zipfile.is_zipfile(path):
        archive = zipfile.ZipFile(path)
        members = [m for m in archive.infolist() if m.filename.lower().endswith(".csv")]
        if not members:
            archive.close()
            raise SireneImportError(f"{os.path.basename(path)} : l'archive ne contient aucun fichier CSV.")
        raw, size, closers = archive.open(members[0]), members[0].file_size, []
        closers = [raw, archive]
    else:
        raw = open(path, "rb")  # noqa: SIM115 - closed by the caller through closers
        size, closers = os.path.getsize(path), [raw]
    if on_bytes is not None:
        raw = _CountingReader(raw, on_bytes)
    return io.BufferedReader(raw, buffer_size=1 << 16), size, closers


def text_of(binary):
    return io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")


def read_header(binary, name):
    """The header of the file (the first line, consumed from the binary stream), or an error."""
    try:
        line = binary.readline().decode("utf-8-sig")
        header = next(csv.reader([line]), None)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise SireneImportError(f"{name}, ligne 1 : illisible ({exc}).") from None
    if not header:
        raise SireneImportError(f"{name} : fichier vide.")
    return [column.strip() for column in header]


def describe(path, header):
    """The StockFile of a header: its kind (by the columns « siret » / « siren ») and positions."""
    name = os.path.basename(path)
    if "siret" in header:
        kind = ESTABLISHMENTS
    elif "siren" in header:
        kind = UNITS
    else:
        raise SireneImportError(
            f"{name} : en-tête non reconnu (ni StockUniteLegale ni StockEtablissement : "
            "colonnes « siren » / « siret » absentes)."
        )
    missing = [c for c in kind.required if c not in header]
    if missing:
        raise SireneImportError(f"{name} : colonne(s) obligatoire(s) absente(s) : {', '.join(missing)}.")
    positions = {}
    for index, column in enumerate(header):
        if column in kind.columns:
            positions.setdefault(kind.columns[column], index)
    return StockFile(path, kind, header, positions)


def problem(kind, values):
    """The French reason why a row (raw values by field) cannot be imported, or None. The same
    rules as the SQL of db/sirene/staging.py, which finds the first bad row of millions."""
    row = {field: (value or "").strip() for field, value in values.items()}
    row = {field: None if value in ("", MASKED) else value for field, value in row.items()}
    siren = row.get("siren") or ""
    if not (siren.isdigit() and len(siren) == 9):
        return f"SIREN « {siren} » invalide (9 chiffres attendus)."
    if kind is ESTABLISHMENTS:
        siret, nic = row.get("siret") or "", row.get("nic") or ""
        if not (siret.isdigit() and len(siret) == 14 and siret == siren + nic):
            return f"SIRET « {siret} » invalide (14 chiffres, SIREN + NIC attendus)."
    if row.get("etat") not in (None, *kind.states):
        return (f"état administratif « {row['etat']} » inconnu "
                f"({' ou '.join(kind.states)} attendu).")
    return None


def line_of(stock, row_index):
    """The physical line (1 = header) of the row_index-th data row of the file (error path only:
    the file is read again up to that row)."""
    binary, _, closers = open_binary(stock.path)
    try:
        reader = csv.reader(text_of(binary))
        next(reader, None)
        seen = -1
        for row in reader:
            seen += 1 if row else 0
            if seen == row_index:
                return reader.line_num
        return reader.line_num + 1
    finally:
        for closer in closers:
            closer.close()


def refuse_row(stock, row_index, message):
    """Raise SireneImportError for the row_index-th data row of the file (0-based)."""
    raise SireneImportError(f"{stock.name}, ligne {line_of(stock, row_index)} : {message}")


def import_files(paths, progress=None):
    """Import stock files (plain or zipped); the directory changes only if every file is valid.
    Then each firm whose clients gained or lost active establishments gets a notice
    (db/clients/directory_changes.py).

    progress(name, amount, total) is called with total set once per file, then with the bytes read
    as the file is streamed; then for the new directory's construction (name UPDATING, rows or
    steps as amounts). Returns {"unites_legales": n, "etablissements": n}.
    """
    from db.sirene.staging_postgres import PostgresStaging  # the engine-specific steps
    from db.sirene.staging_sqlite import SqliteStaging

    for path in paths:
        if not os.path.isfile(path):
            raise SireneImportError(f"{path} : fichier introuvable.")
    if database.in_transaction():
        raise RuntimeError("import_files runs its own transactions: call it outside database.atomic()")
    from db.clients import directory_changes  # what the import changes for the firms' clients

    area = (PostgresStaging if is_postgres() else SqliteStaging)(clock.now())
    before = directory_changes.before_import()
    stocks = []
    try:
        for path in paths:
            stocks.append(area.load(path, progress))
        area.switch(stocks, progress)  # refuses a file at its first bad row before switching anything
    finally:
        area.drop()
    with database.atomic():
        directory_changes.notify_changes(before)
    counts = {UNITS.counted_as: 0, ESTABLISHMENTS.counted_as: 0}
    for stock in stocks:
        counts[stock.kind.counted_as] += stock.rows
    return counts
