"""Streamed, atomic import of INSEE's StockUniteLegale / StockEtablissement files.

Rows are read one at a time and upserted in chunks, so memory does not grow with the file.
All files of one import run in a single transaction: a bad line, a crash or Ctrl-C leaves the
previous directory exactly as it was, and the error names the file and the line.
"""
import csv
import io
import os
import zipfile

from peewee import chunked

from db import bulk, clock
from db.database import database
from db.models import DirectoryEstablishment, DirectoryUnit
from db.sirene.columns import (
    ESTABLISHMENT_COLUMNS,
    ESTABLISHMENT_REQUIRED,
    MASKED,
    UNIT_COLUMNS,
    UNIT_REQUIRED,
)

_FIELD_LIMITS = {}


class SireneImportError(Exception):
    """A file that cannot be imported; the message is French and names the line."""


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


def _open_text(path, on_bytes):
    """(text stream, size in bytes, closer) for a plain CSV or the first CSV inside a zip."""
    if zipfile.is_zipfile(path):
        archive = zipfile.ZipFile(path)
        members = [m for m in archive.infolist() if m.filename.lower().endswith(".csv")]
        if not members:
            archive.close()
            raise SireneImportError(f"{os.path.basename(path)} : l'archive ne contient aucun fichier CSV.")
        raw = archive.open(members[0])
        size = members[0].file_size
        closers = [raw, archive]
    else:
        raw = open(path, "rb")  # noqa: SIM115 - closed by the caller through closers
        size = os.path.getsize(path)
        closers = [raw]
    buffered = io.BufferedReader(_CountingReader(raw, on_bytes), buffer_size=1 << 16)
    text = io.TextIOWrapper(buffered, encoding="utf-8-sig", newline="")
    return text, size, closers


def _kind_of(header, name):
    if "siret" in header:
        return DirectoryEstablishment, ESTABLISHMENT_COLUMNS, ESTABLISHMENT_REQUIRED
    if "siren" in header:
        return DirectoryUnit, UNIT_COLUMNS, UNIT_REQUIRED
    raise SireneImportError(
        f"{name} : en-tête non reconnu (ni StockUniteLegale ni StockEtablissement : "
        "colonnes « siren » / « siret » absentes)."
    )


def _limits(model):
    if model not in _FIELD_LIMITS:
        _FIELD_LIMITS[model] = {
            f.name: f.max_length for f in model._meta.sorted_fields if getattr(f, "max_length", None)
        }
    return _FIELD_LIMITS[model]


def _convert(model, raw_row, positions, name, line_no):
    row = {}
    for field, index in positions.items():
        value = raw_row[index].strip() if index < len(raw_row) else ""
        row[field] = None if value in ("", MASKED) else value
    if "is_siege" in positions:
        row["is_siege"] = (row["is_siege"] or "").lower() == "true"
    problem = _problem(model, row)
    if problem:
        raise SireneImportError(f"{name}, ligne {line_no} : {problem}")
    for field, limit in _limits(model).items():
        if row.get(field) and len(row[field]) > limit:
            row[field] = row[field][:limit]
    return row


def _problem(model, row):
    siren = row.get("siren") or ""
    if not (siren.isdigit() and len(siren) == 9):
        return f"SIREN « {siren} » invalide (9 chiffres attendus)."
    if model is DirectoryEstablishment:
        siret, nic = row.get("siret") or "", row.get("nic") or ""
        if not (siret.isdigit() and len(siret) == 14 and siret == siren + nic):
            return f"SIRET « {siret} » invalide (14 chiffres, SIREN + NIC attendus)."
        if row.get("etat") not in (None, "A", "F"):
            return f"état administratif « {row['etat']} » inconnu (A ou F attendu)."
    elif row.get("etat") not in (None, "A", "C"):
        return f"état administratif « {row['etat']} » inconnu (A ou C attendu)."
    return None


def _import_one(path, progress):
    name = os.path.basename(path)
    text, size, closers = _open_text(path, lambda n: progress and progress(name, n, None))
    if progress:
        progress(name, 0, size)
    try:
        reader = csv.reader(text)
        try:
            header = next(reader)
        except StopIteration:
            raise SireneImportError(f"{name} : fichier vide.") from None
        except (UnicodeDecodeError, csv.Error) as exc:
            raise SireneImportError(f"{name}, ligne 1 : illisible ({exc}).") from None
        model, columns, required = _kind_of(header, name)
        missing = [c for c in required if c not in header]
        if missing:
            raise SireneImportError(f"{name} : colonne(s) obligatoire(s) absente(s) : {', '.join(missing)}.")
        positions = {columns[h]: i for i, h in enumerate(header) if h in columns}
        stamp = clock.now()
        fields = list(positions) + ["imported_at"]
        statement = bulk.insert_statement(model, fields, conflict_key=model._meta.primary_key.name)
        cursor = database.cursor()
        count = 0

        def rows():
            nonlocal count
            line_no = 1
            try:
                for raw_row in reader:
                    line_no += 1
                    if not raw_row:
                        continue
                    row = _convert(model, raw_row, positions, name, line_no)
                    row["imported_at"] = stamp
                    count += 1
                    yield row
            except (UnicodeDecodeError, csv.Error) as exc:
                raise SireneImportError(f"{name}, ligne {line_no + 1} : illisible ({exc}).") from None

        for batch in chunked(rows(), bulk.ROWS_PER_BATCH):
            cursor.executemany(statement, [tuple(row[f] for f in fields) for row in batch])
        return model, count
    finally:
        for closer in closers:
            closer.close()


def import_files(paths, progress=None):
    """Import stock files (plain or zipped) in one transaction.

    progress(name, bytes_read, total) is called with total set once per file, then with the
    bytes read as the file is streamed. Returns {"unites_legales": n, "etablissements": n}.
    """
    counts = {"unites_legales": 0, "etablissements": 0}
    for path in paths:
        if not os.path.isfile(path):
            raise SireneImportError(f"{path} : fichier introuvable.")
    with database.atomic():
        for path in paths:
            model, count = _import_one(path, progress)
            key = "etablissements" if model is DirectoryEstablishment else "unites_legales"
            counts[key] += count
    return counts
