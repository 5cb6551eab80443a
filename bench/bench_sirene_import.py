"""Sirene import against its anchor: `sqlite3 .import` (SQLite) or `psql \\copy` (PostgreSQL) of the same
file, run in the same process, alternating with the portal's import, ratio printed.

Usage: .venv/bin/python -m bench.bench_sirene_import [--rows N] [--rounds N] [--database URL]
(default: 1,000,000 rows in INSEE's 54-column StockEtablissement layout, ~169 MB, 2 rounds; a
temporary SQLite file). Each round: anchor, the portal's first import of the file (into a directory
holding the bundled sample; on PostgreSQL emptied by TRUNCATE, as a new installation's, see
_empty_directory), anchor, the portal's import of the same file again (every row already
there). Targets (issue 14): ≥ 0.6× `sqlite3 .import`, ≥ 0.5× `psql \\copy`, peak RSS < 200 MB.
The machine is shared: the load average is printed with every figure, and on SQLite (Linux) an
estimate of the ratio on a quiet machine: the anchor's CPU seconds (user + system of the sqlite3
process) against the import's seconds less those its importing thread spent waiting for a CPU
(/proc schedstat): what a quiet machine removes, while the importing thread's sleeps (locks, disk,
waiting for the converter thread) stay counted.
"""
import csv
import os
import resource
import shutil
import subprocess
import tempfile
import time

from bench.common import database_url, engine, parser
from bench.sirene_stock import write_establishments
from db import schema
from db.database import database, init_database, is_postgres
from db.models import DirectoryEstablishment
from db.sirene import import_files
from tests.factories.database import SAMPLE_FILES, prepare


def load():
    return "charge {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def queued_seconds():
    """Seconds the calling thread has spent waiting for a CPU (Linux), or None."""
    try:
        with open("/proc/thread-self/schedstat") as fh:
            return int(fh.read().split()[1]) / 1e9
    except OSError:
        return None


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def anchor(url, path, workdir):
    """(seconds, CPU seconds of the loader's process) of the engine's own bulk loader on the file,
    into a new table without index; CPU None on PostgreSQL (the server's backend does the work)."""
    started = time.perf_counter()
    if url.startswith("postgres"):
        database.execute_sql("DROP TABLE IF EXISTS bench_anchor")
        with open(path, encoding="utf-8") as fh:
            header = fh.readline().strip().split(",")
        columns = ", ".join(f"{column} text" for column in header)
        database.execute_sql(f"CREATE TABLE bench_anchor ({columns})")
        started = time.perf_counter()
        subprocess.run(["psql", url.split("?")[0], "-qc",
                        f"\\copy bench_anchor from '{path}' with (format csv, header true)"], check=True)
        elapsed = time.perf_counter() - started
        database.execute_sql("DROP TABLE bench_anchor")
        return elapsed, None
    target = os.path.join(workdir, "anchor.sqlite3")
    if os.path.exists(target):
        os.remove(target)
    cpu = children_cpu()
    subprocess.run(["sqlite3", target, ".mode csv", f".import {path} bench_anchor"], check=True)
    elapsed, cpu = time.perf_counter() - started, children_cpu() - cpu
    os.remove(target)
    return elapsed, cpu


def portal(path, fresh):
    """(seconds, seconds less the importing thread's waits for a CPU or None) of the portal's
    import; fresh: the directory holds only the bundled sample."""
    if fresh:
        _empty_directory()
    queued, started = queued_seconds(), time.perf_counter()
    counts = import_files([path])
    elapsed = time.perf_counter() - started
    assert counts["etablissements"] > 0
    return elapsed, None if queued is None else elapsed - (queued_seconds() - queued)


def _empty_directory():
    """The directory as a new installation has it, holding only the bundled sample. On PostgreSQL by
    TRUNCATE then the sample's import: a DELETE of the previous round's million rows would leave as
    many dead rows in the table, which the import's merge (its anti-join over the current
    directory) reads until a VACUUM; a new installation has none, and neither has a directory that
    only imports replaced (each switches in a new table). On SQLite a DELETE leaves free pages."""
    if not is_postgres():
        DirectoryEstablishment.delete().where(~DirectoryEstablishment.siret.in_(_sample_sirets())).execute()
        return
    database.execute_sql(f"TRUNCATE {DirectoryEstablishment._meta.table_name}")
    import_files([SAMPLE_FILES[1]])


def _verdict(met):
    return "atteinte" if met else "MANQUÉE"


def _sample_sirets():
    with open(SAMPLE_FILES[1], encoding="utf-8") as fh:
        return [row["siret"] for row in csv.DictReader(fh)]


def main():
    arguments = parser(__doc__)
    arguments.add_argument("--rows", type=int, default=1_000_000)
    arguments.add_argument("--rounds", type=int, default=2)
    args = arguments.parse_args()
    url = database_url(args)
    if not (shutil.which("psql") if url.startswith("postgres") else shutil.which("sqlite3")):
        raise SystemExit("psql / sqlite3 (the anchor) is missing: apt-get install postgresql-client sqlite3")
    workdir = tempfile.mkdtemp(prefix="bench-sirene-")
    try:
        path = write_establishments(os.path.join(workdir, "StockEtablissement_utf8.csv"), args.rows)
        size_mb = os.path.getsize(path) / 1e6
        prepare(url)
        init_database(url)
        with database.connection_context():
            schema.upgrade()
        tool = "psql \\copy" if is_postgres() else "sqlite3 .import"
        goal = 0.5 if is_postgres() else 0.6
        print(f"{engine(url)} : {args.rows:,} établissements × 54 colonnes ({size_mb:.0f} Mo), "
              f"{tool} comme ancre")
        print(f"{'essai':<28} {'ancre':>9} {'portail':>9} {'lignes/s':>10} {'ratio':>6}  (cible ≥ "
              f"{0.5 if is_postgres() else 0.6})")
        for round_number in range(1, args.rounds + 1):
            for label, fresh in (("premier import", True), ("réimport (lignes connues)", False)):
                with database.connection_context():
                    reference, reference_cpu = anchor(url, path, workdir)
                    seconds, unqueued = portal(path, fresh)
                ratio = reference / seconds
                quiet = (f"  au calme (estimé) : ancre {reference_cpu:.1f} s de CPU, portail "
                         f"{unqueued:.1f} s hors file d'attente, ratio {reference_cpu / unqueued:.2f}"
                         if reference_cpu is not None and unqueued is not None else "")
                print(f"{label + f' #{round_number}':<28} {reference:7.1f} s {seconds:7.1f} s "
                      f"{args.rows / seconds:>10,.0f} {ratio:6.2f}  {_verdict(ratio >= goal)}  {load()}"
                      f"{quiet}",
                      flush=True)
        print(f"pic de mémoire du processus (RSS) : {peak_rss_mb():.0f} Mo (cible < 200 Mo : "
              f"{_verdict(peak_rss_mb() < 200)})")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
