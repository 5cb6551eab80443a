"""PostgreSQL's own planning on the pages of bench_web_ceiling: each page requested in-process (test
client) with the queries made `server_side=True` (db/prepared.py: PREPARE once per connection, then
EXECUTE) and without (their SQL sent whole, planned on every request), alternating, with the medians,
their ratio and the load average. Then each statement of those pages alone on one connection, sent
whole then executed prepared, alternating 150 times (robust to the machine's load).

    .venv/bin/python -m bench.bench_prepared --database postgresql://… [--reuse] [--runs 50] [--rounds 3]

The dataset is bench/scale_habilitations.py's (built in --database unless --reuse finds it there).
"""
import gc
import os
import statistics
import time

from bench.bench_web_ceiling import pages
from bench.common import parser
from bench.profile_pages import the_scale_logged_in
from db.database import database
from db.prepared import Prepared

# Every query the code made server_side=True, found once the pages made them (firm_row's, the grid's
# shaped criteria and the session's statements are made on first use): listed by name, the list went
# stale as modules were reworked.
SERVER_SIDE = []


def server_side(on):
    """The queries the code made server_side=True turned on or off."""
    for query in SERVER_SIDE:
        query.server_side = on
        query._compiled.clear()


def median_ms(client, path, runs):
    client.get(path)  # warm-up: the connection prepares what it has not yet
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        assert client.get(path).status_code == 200
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def statements_of(client, measured):
    """{sql: (page label, params)} of the pages' statements, sent whole (server_side off)."""
    server_side(False)
    captured, page = {}, [None]
    original = database.obj.execute_sql

    def spy(sql, params=None, *rest, **options):
        captured.setdefault(sql, (page[0], params))
        return original(sql, params, *rest, **options)

    for page[0], path in measured:
        database.obj.execute_sql = spy
        try:
            client.get(path)
        finally:
            del database.obj.execute_sql
    return captured


def compare_statements(client, measured, times=150):
    database.connect(reuse_if_open=True)
    cursor = database.connection().cursor()
    for number, (sql, (label, params)) in enumerate(statements_of(client, measured).items()):
        first, *parts = sql.split("%s")
        cursor.execute(f"PREPARE bench_{number} AS " + first
                       + "".join(f"${place}{part}" for place, part in enumerate(parts, 1)))
        execute = f"EXECUTE bench_{number}" + (f"({', '.join(['%s'] * len(parts))})" if parts else "")
        whole, prepared = [], []
        for _ in range(times):
            for text, spent in ((sql, whole), (execute, prepared)):
                start = time.perf_counter()
                cursor.execute(text, params)
                cursor.fetchall()
                spent.append((time.perf_counter() - start) * 1000)
        plain, ready = statistics.median(whole), statistics.median(prepared)
        print(f"{label[:24]:24} {sql[7:50]:43} entière {plain:.3f} ms, préparée {ready:.3f} ms, "
              f"rapport {ready / plain:.2f} (charge {os.getloadavg()[0]:.2f})")
    cursor.execute("DEALLOCATE ALL")
    database.close()


def main():
    arguments = parser(__doc__)
    arguments.add_argument("--reuse", action="store_true", help="keep the dataset built in --database")
    arguments.add_argument("--runs", type=int, default=50)
    arguments.add_argument("--rounds", type=int, default=3)
    args = arguments.parse_args()
    if not (args.database or "").startswith("postgres"):
        raise SystemExit("bench_prepared: --database postgresql://… (SQLite prepares nothing on a server)")
    scale, _, client = the_scale_logged_in(args)
    measured = [(label, path) for label, path, logged, _ in pages(scale) if logged]
    for _, path in measured:
        client.get(path)  # queries made on first use: all of them made before the toggles
    SERVER_SIDE.extend(query for query in gc.get_objects()
                       if isinstance(query, Prepared) and query.server_side)
    for label, path in measured:
        medians = {False: [], True: []}
        for _ in range(args.rounds):
            for on in (False, True):
                server_side(on)
                medians[on].append(median_ms(client, path, args.runs))
        plain, prepared = statistics.median(medians[False]), statistics.median(medians[True])
        print(f"{label:45} planifiée à chaque requête {plain:5.1f} ms, préparée {prepared:5.1f} ms, "
              f"rapport {prepared / plain:.2f} (charge {os.getloadavg()[0]:.2f})")
    compare_statements(client, measured)


if __name__ == "__main__":
    main()
