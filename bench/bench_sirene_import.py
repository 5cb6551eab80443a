"""Sirene import: throughput and memory for a small and a 10x larger generated stock file.

Usage: .venv/bin/python -m bench.bench_sirene_import [--rows N] [--database URL]
(default 50,000 rows, the second run is 10x; a temporary SQLite file). Prints rows/s and the peak of
Python allocations (tracemalloc) for each size: with a streamed import the peak stays flat when the
file grows. The database's Sirene directory is emptied before each run.
"""
import csv
import os
import tempfile
import time
import tracemalloc

from bench.common import database_url, parser
from db import schema
from db.database import database, init_database
from db.models import DirectoryEstablishment, DirectoryUnit
from db.sirene import import_files

HEADER = [
    "siren",
    "nic",
    "siret",
    "etablissementSiege",
    "etatAdministratifEtablissement",
    "numeroVoieEtablissement",
    "typeVoieEtablissement",
    "libelleVoieEtablissement",
    "codePostalEtablissement",
    "libelleCommuneEtablissement",
    "enseigne1Etablissement",
    "activitePrincipaleEtablissement",
]


def write_stock(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for i in range(rows):
            siren = f"{100000000 + i // 10:09d}"
            nic = f"{i % 10 + 1:05d}"
            writer.writerow(
                [
                    siren,
                    nic,
                    siren + nic,
                    "true" if i % 10 == 0 else "false",
                    "A" if i % 7 else "F",
                    str(i % 200 + 1),
                    "RUE",
                    "DE LA REPUBLIQUE",
                    "75011",
                    "PARIS",
                    f"ENSEIGNE {i}",
                    "62.02A",
                ]
            )


def run(rows, workdir, url):
    path = os.path.join(workdir, f"StockEtablissement_{rows}.csv")
    write_stock(path, rows)
    size_mb = os.path.getsize(path) / 1e6
    init_database(url)
    with database.connection_context():
        schema.upgrade()
        DirectoryEstablishment.delete().execute()  # each size starts from an empty directory
        DirectoryUnit.delete().execute()
        started = time.perf_counter()
        counts = import_files([path])
        elapsed = time.perf_counter() - started
        # Second pass (every row updated in place), traced: tracemalloc slows the run, so it is
        # kept out of the timing above.
        tracemalloc.start()
        import_files([path])
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    print(
        f"{counts['etablissements']:>9,} établissements  {size_mb:7.1f} Mo  {elapsed:6.2f} s  "
        f"{counts['etablissements'] / elapsed:>9,.0f} lignes/s  "
        f"pic mémoire Python (réimport) {peak / 1e6:6.2f} Mo"
    )


def main():
    arguments = parser(__doc__)
    arguments.add_argument(
        "--rows", type=int, default=50_000, help="rows of the first file (the second has 10x)"
    )
    args = arguments.parse_args()
    url = database_url(args)
    with tempfile.TemporaryDirectory() as workdir:
        for size in (args.rows, args.rows * 10):
            run(size, workdir, url)


if __name__ == "__main__":
    main()
