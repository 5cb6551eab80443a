"""The web ceiling (issue 14.6): each page of the portal as a share of a Flask hello-world's requests
per second, both served by the README's line (`gunicorn --workers 4 --bind 127.0.0.1:…`), load runs
alternating (hello-world, then the page), wrk -t2 -c32 when installed (else a Python client of 32
keep-alive connections); with each page's server time (median of the Flask test client, no network),
its SQL statement count, and the server's CPU ms a request served under the load (gunicorn's workers
and, on PostgreSQL, the database's backends, from /proc/<pid>/schedstat), hello-world's beside it.

Dataset: bench/scale_habilitations.py (5,000 companies + one of 9,000 establishments, 200
déclarants, ~1,000,000 habilitations by default; --companies, --establishments, --declarants).
Targets (issue 14): login, portfolio list, composition, tiles ≥ 15 % of hello-world, the grid ≥ 7 %,
every page ≤ 10 ms of server time, statements constant in the number of rows.

    .venv/bin/python -m bench.bench_web_ceiling [--database URL] [--seconds 5] [--rounds 1] [--page WORD]
"""
import os
import shutil

from bench import http_load
from bench.bench_portfolios import measure
from bench.common import engine, parser
from bench.scale_data import PASSWORD, scale_client
from bench.scale_habilitations import habilitation_dataset
from db.database import database, is_postgres


def pages(scale):
    """(label, path, logged in, target share) of the pages measured."""
    return [
        ("connexion (anonyme)", "/connexion", False, 0.15),
        ("Vos portefeuilles", "/gestion/portefeuilles", True, 0.15),
        (f"composition ({scale.portfolio.name})", f"/gestion/portefeuilles/{scale.portfolio.id}/composition",
         True, 0.15),
        ("grille, entreprise de 9 000 étab.", f"/gestion/habilitations?company={scale.big_company.id}",
         True, 0.07),
        ("Vos déclarations (pavés, administrateur)", "/declarations", True, 0.15),
        ("Menu personnalisé (page vide connectée)", "/menu", True, 0.15),
    ]


MAX_MS = 10  # every page's server time (issue 14)


def verdict(met):
    return "atteinte" if met else "MANQUÉE"


def load_average():
    return "charge {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def backends():
    """The pids of the PostgreSQL backends of the measured database but this process's (none on SQLite)."""
    if not is_postgres():
        return []
    database.connect(reuse_if_open=True)
    try:
        return [pid for pid, in database.execute_sql("SELECT pid FROM pg_stat_activity WHERE datname ="
                                                      " current_database() AND pid <> pg_backend_pid()")]
    finally:
        database.close()


def served(server, path, cookie, seconds):
    """(a load run on path, the server's CPU ms a request served: gunicorn's workers and the database's
    backends, from the scheduler's counts before and after the run: a load-robust figure beside the share)."""
    before = http_load.cpu_seconds(server.workers() + backends())
    run = http_load.load(server.port, path, cookie, seconds=seconds)
    after = http_load.cpu_seconds(server.workers() + backends())
    spent = sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())
    return run, 1e3 * spent / max(run.requests, 1)


def main():
    arguments = parser(__doc__)
    for name, default in (("companies", 5000), ("establishments", 60000), ("declarants", 200),
                          ("seconds", 5.0), ("rounds", 1)):
        arguments.add_argument(f"--{name}", type=type(default), default=default)
    arguments.add_argument("--reuse", action="store_true",
                           help="keep the dataset already built in --database")
    arguments.add_argument("--page", default="", help="only the pages whose label contains this word")
    args = arguments.parse_args()
    url, scale, built = habilitation_dataset(args)
    print(f"{engine(url)} : {scale.summary} ({built:.0f} s de construction), "
          f"{'wrk -t2 -c32' if shutil.which('wrk') else 'client Python, 32 connexions'}, "
          f"{args.seconds:.0f} s par essai, {load_average()}")

    chosen = [page for page in pages(scale) if args.page.lower() in page[0].lower()]
    app, client = scale_client(url, scale.firm)
    anonymous = app.test_client()
    timings = {path: measure(client if logged else anonymous, path) for _, path, logged, _ in chosen}
    portal_env = {"DATABASE_URL": url, "SECRET_KEY": "bench-web-ceiling", "PORTAL_MODE": "production",
                  "PUBLIC_URL": "http://127.0.0.1"}
    with http_load.serve("bench.hello_app:app") as hello, \
            http_load.serve("webapp:create_app()", portal_env) as portal:
        cookie = http_load.login(portal.port, scale.firm.siret, "MESURE", "Admin", PASSWORD)
        print(f"\n{'page':<44} {'hello req/s':>11} {'page req/s':>10} {'part':>6} {'cible':>6} "
              f"{'serveur':>8} {'SQL':>4} {'erreurs':>7}  cibles (part, ≤ {MAX_MS} ms)")
        for _ in range(args.rounds):
            for label, path, logged, target in chosen:
                ceiling, hello_cpu = served(hello, "/", None, args.seconds)
                run, cpu = served(portal, path, cookie if logged else None, args.seconds)
                median, _, statements = timings[path]
                share = run.rps / ceiling.rps
                print(f"{label:<44} {ceiling.rps:11,.0f} {run.rps:10,.0f} {share:6.3f} "
                      f"{target:6.2f} {median:6.1f} ms {statements:4d} {run.errors + ceiling.errors:7d}  "
                      f"{verdict(share >= target)}, {verdict(median <= MAX_MS)}  "
                      f"CPU {cpu:.2f} ms (hello {hello_cpu:.2f})  {load_average()}", flush=True)
        if "database is locked" in portal.log_text():
            print("« database is locked » dans le journal de gunicorn")


if __name__ == "__main__":
    main()
