"""`flask db copy-to` at grand-cabinet scale (issue 13): the habilitation dataset of
bench/scale_habilitations.py (60,000 establishments, 200 déclarants, ~1,000,000 habilitations, the
bundled Sirene sample) built in a SQLite file, copied into an empty PostgreSQL database by the
portal (schema by the migrations, COPY, sequences, row counts and checksums verified), and its rate
beside its anchor measured in the same run: `pg_dump <the copy> | psql <another empty database>`,
PostgreSQL's own dump and restore of the same data. Target: the portal's rate ≥ 50 % of the anchor's.
Load average printed with each figure.

    .venv/bin/python -m bench.bench_copy_to --target postgresql://…/copie --anchor postgresql://…/ancre \\
        [--companies N] [--establishments N] [--declarants N] [--database sqlite:///… [--reuse]]

--reuse keeps the SQLite file given with --database as a previous run built it (building the grand
cabinet takes minutes).

Both PostgreSQL databases are emptied first (their schema public dropped and created again): give
databases made for this measure (createdb -O utilisateur copie ; createdb -O utilisateur ancre).
"""
import os
import subprocess
import time

from bench.common import database_url, parser
from bench.scale_data import prepare_database
from bench.scale_habilitations import build_habilitation_scale
from db import copy_to
from db.database import database, init_database, open_database
from db.declarations import catalogue  # noqa: F401 - prepare_database loads it
from db.sirene import import_files
from tests.factories.database import SAMPLE_FILES


def load():
    return "charge {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def emptied(url):
    db = open_database(url)
    db.execute_sql("DROP SCHEMA IF EXISTS public CASCADE")
    db.execute_sql("CREATE SCHEMA public")
    db.close_all()
    return url


def main():
    arguments = parser(__doc__)
    arguments.add_argument("--target", required=True, metavar="URL", help="an empty PostgreSQL database")
    arguments.add_argument("--anchor", required=True, metavar="URL", help="another one, for pg_dump | psql")
    for name, default in (("companies", 5000), ("establishments", 60000), ("declarants", 200)):
        arguments.add_argument(f"--{name}", type=int, default=default)
    arguments.add_argument("--reuse", action="store_true", help="the --database file as a run built it")
    args = arguments.parse_args()
    source = database_url(args)
    if args.reuse and args.database:
        init_database(source)
    else:
        prepare_database(source)
        started = time.perf_counter()
        with database.connection_context():
            import_files(SAMPLE_FILES)
        scale = build_habilitation_scale(companies=args.companies, establishments=args.establishments,
                                         declarants=args.declarants)
        print(f"Cabinet : {scale.summary} ({time.perf_counter() - started:.0f} s de construction) ; {load()}")
    database.close()
    with database.connection_context():
        started = time.perf_counter()
        copies = copy_to.copy_to(emptied(args.target))
        portal = time.perf_counter() - started
    rows = sum(c.rows for c in copies)
    print(f"db copy-to : {rows:,} lignes, {len(copies)} tables en {portal:.1f} s "
          f"({rows / portal:,.0f} lignes/s, vérification comprise) ; {load()}")
    emptied(args.anchor)
    started = time.perf_counter()
    subprocess.run(f"pg_dump --no-owner '{args.target}' | psql -q -o /dev/null '{args.anchor}'", shell=True,
                   check=True)
    anchor = time.perf_counter() - started
    print(f"ancre pg_dump | psql : {anchor:.1f} s ({rows / anchor:,.0f} lignes/s) ; {load()}")
    print(f"débit de copy-to / débit de l'ancre : {anchor / portal:.0%} (cible ≥ 50 %)")


if __name__ == "__main__":
    main()
