"""Sirene import against its anchor: `sqlite3 .import` (SQLite) or `psql \\copy` (PostgreSQL) of the same
file, run in the same process, alternating with the portal's import, ratio printed.

Usage: .venv/bin/python -m bench.bench_sirene_import [--rows N] [--rounds N] [--steps] [--database URL]
(default: 1,000,000 rows in INSEE's 54-column StockEtablissement layout, ~169 MB, 2 rounds; a
temporary SQLite file). Each round: anchor, the portal's first import of the file (into a directory
holding the bundled sample; on PostgreSQL emptied by TRUNCATE, as a new installation's, see
_empty_directory), anchor, the portal's import of the same file again (every row already
there). Targets (issue 14): ≥ 0.6× `sqlite3 .import`, ≥ 0.5× `psql \\copy`, peak RSS < 200 MB
(on SQLite the import's second process counted: its peak is added to this one's, an upper bound).
The machine is shared: the load average is printed with every figure, and below each line the CPU
seconds and bytes written of the anchor and of the import (Spent), which the load changes less.
"""
import csv
import os
import resource
import shutil
import subprocess
import tempfile
import time

from bench.common import database_url, engine, parser
from bench.import_steps import ImportSteps
from bench.sirene_stock import write_establishments
from db import schema
from db.database import database, init_database, is_postgres
from db.models import DirectoryEstablishment
from db.sirene import import_files, staging_part
from tests.factories.database import SAMPLE_FILES, prepare


def load():
    return "charge {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Spent:
    """CPU seconds and bytes written (the kernel's count of what was sent to the disk, 512-byte blocks)
    between start() and stop(): of this process (all its threads), of its importing thread (this one),
    and of its children waited for meanwhile (the anchor's sqlite3 / psql, the import's second process):
    figures the load of other processes changes less than the clock's."""

    def start(self):
        self.before = (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN),
                       time.thread_time())
        return self

    def stop(self):
        own, children, thread = self.before
        own_now = resource.getrusage(resource.RUSAGE_SELF)
        children_now = resource.getrusage(resource.RUSAGE_CHILDREN)

        def cpu(after, before):
            return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime

        self.process, self.thread = cpu(own_now, own), time.thread_time() - thread
        self.children = cpu(children_now, children)
        self.written_mb = (own_now.ru_oublock - own.ru_oublock + children_now.ru_oublock
                           - children.ru_oublock) * 512 / 1e6
        return self

    def describe(self):
        return (f"CPU {self.process + self.children:.1f} s (fil principal {self.thread:.1f}, autres fils "
                f"{self.process - self.thread:.1f}, processus fils {self.children:.1f}), écrit "
                f"{self.written_mb:,.0f} Mo")


def anchor(url, path, workdir):
    """Seconds of the engine's own bulk loader on the file, into a new table without index."""
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
        return elapsed
    target = os.path.join(workdir, "anchor.sqlite3")
    if os.path.exists(target):
        os.remove(target)
    subprocess.run(["sqlite3", target, ".mode csv", f".import {path} bench_anchor"], check=True)
    elapsed = time.perf_counter() - started
    os.remove(target)
    return elapsed


def portal(path, fresh, steps=None):
    """Seconds of the portal's import; fresh: the directory holds only the bundled sample; steps: an
    ImportSteps that times the import's statements."""
    if fresh:
        _empty_directory()
    if steps:
        steps.start()
    spent = Spent().start()
    started = time.perf_counter()
    counts = import_files([path])
    elapsed = time.perf_counter() - started
    assert counts["etablissements"] > 0
    return elapsed, spent.stop()


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


def _left_to_autovacuum():
    """PostgreSQL: whether the import left the directory due for autovacuum's ANALYZE (its count of rows
    changed since the last ANALYZE above autovacuum's threshold): it then runs within the minute, and
    falls in whatever comes next, the benchmark's re-import for one (its switch's lock waits for it)."""
    if not is_postgres():
        return []
    with database.connection_context():
        changed, tuples, threshold, scale = database.execute_sql(
            "SELECT n_mod_since_analyze, reltuples, current_setting('autovacuum_analyze_threshold')::int, "
            "current_setting('autovacuum_analyze_scale_factor')::float FROM pg_stat_user_tables "
            "JOIN pg_class ON pg_class.oid = relid WHERE relid = %s::regclass",
            (DirectoryEstablishment._meta.table_name,)).fetchone()
    limit = threshold + scale * tuples
    due = "dû" if changed > limit else "pas dû"
    return [f"    lignes modifiées depuis l’ANALYZE : {changed:,} ({due} pour l’ANALYZE de l’autovacuum, "
            f"seuil {limit:,.0f})"]


def _verdict(met):
    return "atteinte" if met else "MANQUÉE"


def _sample_sirets():
    with open(SAMPLE_FILES[1], encoding="utf-8") as fh:
        return [row["siret"] for row in csv.DictReader(fh)]


def main():
    arguments = parser(__doc__)
    arguments.add_argument("--rows", type=int, default=1_000_000)
    arguments.add_argument("--rounds", type=int, default=2)
    arguments.add_argument("--steps", action="store_true",
                           help="after each import, its statements of 0.1 s or more (bench/import_steps.py)")
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
        steps = ImportSteps() if args.steps else None
        for round_number in range(1, args.rounds + 1):
            for label, fresh in (("premier import", True), ("réimport (lignes connues)", False)):
                with database.connection_context():
                    spent = Spent().start()
                    reference = anchor(url, path, workdir)
                    spent_anchor = spent.stop()
                    seconds, spent = portal(path, fresh, steps)
                ratio = reference / seconds
                print(f"{label + f' #{round_number}':<28} {reference:7.1f} s {seconds:7.1f} s "
                      f"{args.rows / seconds:>10,.0f} {ratio:6.2f}  {_verdict(ratio >= goal)}  {load()}",
                      flush=True)
                print(f"    ancre : {spent_anchor.describe()}\n    portail : {spent.describe()}", flush=True)
                if steps:
                    print("\n".join(steps.report() + _left_to_autovacuum()), flush=True)
        peak = peak_rss_mb() + staging_part.last_figures.get("peak_rss_kb", 0) / 1024
        print(f"pic de mémoire du processus (RSS), son second processus d'import compris : {peak:.0f} Mo "
              f"(cible < 200 Mo : {_verdict(peak < 200)})")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
