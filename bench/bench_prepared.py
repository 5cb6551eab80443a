"""PostgreSQL's own planning on the pages of bench_web_ceiling: each page requested in-process (test
client) with the queries made `server_side=True` (db/prepared.py: PREPARE once per connection, then
EXECUTE) and without (their SQL sent whole, planned on every request), alternating, with the medians,
their ratio and the load average.

    .venv/bin/python -m bench.bench_prepared --database postgresql://… [--reuse] [--runs 50] [--rounds 3]

The dataset is bench/scale_habilitations.py's (built in --database unless --reuse finds it there).
"""
import os
import statistics
import time

from bench.bench_web_ceiling import pages
from bench.common import database_url, engine, parser
from bench.scale_data import prepare_database, scale_client
from bench.scale_habilitations import build_habilitation_scale, find_habilitation_scale
from db import access
from db.accounts import passwords, sessions
from db.clients import composition, dashboard, portfolios
from db.database import database
from db.declarations import tiles
from db.notifications import rights_ending

SERVER_SIDE = (sessions._BY_TOKEN, dashboard._COUNTS, dashboard._COMING, rights_ending._UNANNOUNCED,
               tiles._TALLY, composition._PAGE, portfolios._ALL)


def server_side(on):
    """The queries made server_side=True (and the firm_row queries made so far) turned on or off."""
    for prepared in (*SERVER_SIDE, *access._BY_ID_IN_FIRM.values()):
        prepared.server_side = on
        prepared._compiled.clear()


def median_ms(client, path, runs):
    client.get(path)  # warm-up: the connection prepares what it has not yet
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        assert client.get(path).status_code == 200
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    arguments = parser(__doc__)
    arguments.add_argument("--reuse", action="store_true", help="keep the dataset built in --database")
    arguments.add_argument("--runs", type=int, default=50)
    arguments.add_argument("--rounds", type=int, default=3)
    args = arguments.parse_args()
    url = database_url(args)
    passwords.set_rounds(4)
    prepare_database(url)
    scale = args.reuse and args.database and find_habilitation_scale() or build_habilitation_scale()
    database.close()
    app, client = scale_client(url, scale.firm)
    print(f"{engine(url)} : {scale.summary}")
    for label, path, logged, _ in pages(scale):
        if not logged or "grille" in label:
            continue
        medians = {False: [], True: []}
        for _ in range(args.rounds):
            for on in (False, True):
                server_side(on)
                medians[on].append(median_ms(client, path, args.runs))
        plain, prepared = statistics.median(medians[False]), statistics.median(medians[True])
        print(f"{label:45} planifiée à chaque requête {plain:5.1f} ms, préparée {prepared:5.1f} ms, "
              f"rapport {prepared / plain:.2f} (charge {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
