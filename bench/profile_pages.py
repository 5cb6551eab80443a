"""Where a page's server time goes: each page of bench_web_ceiling requested in-process (Flask test
client, no network) under cProfile, with its median time, its SQL count and the functions that take
the most of it (cumulative and own time), so that a figure of the web ceiling can be explained.

    .venv/bin/python -m bench.profile_pages --database URL [--reuse] [--runs 50] [--top 25] [--page WORD]
        [--own ROUNDS]

--own: instead of the profiles, each page's own cost beyond the Menu personnalisé's (the logged-in page
every other is compared with): Python calls a request (cProfile, deterministic) and the median CPU time
of the process (time.process_time) over ROUNDS requests of each page taken in turn, so that the machine's
load weighs on all pages alike; on PostgreSQL, then, the generic and custom plans of each statement the
pooled connection prepared (pg_prepared_statements).
The dataset is bench/scale_habilitations.py's (built in --database unless --reuse finds it there).
"""
import cProfile
import io
import pstats
import statistics
import time

from bench.bench_portfolios import measure
from bench.bench_web_ceiling import pages
from bench.common import database_url, engine, parser
from bench.scale_data import prepare_database, scale_client
from bench.scale_habilitations import build_habilitation_scale, find_habilitation_scale
from db.accounts import passwords
from db.database import database, is_postgres


def profile(client, path, runs, top):
    """The cProfile report of `runs` requests of path, sorted by cumulative then by own time."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        client.get(path)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def calls_per_request(client, path, runs):
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        client.get(path)
    profiler.disable()
    return sum(calls for _, calls, _, _, _ in pstats.Stats(profiler).stats.values()) / runs


def own_costs(chosen, rounds, runs):
    """Print each page's Python calls and median CPU ms a request, and their excess over the Menu's
    (chosen: [(label, path, client)], the Menu last), the pages requested in turn."""
    times = {path: [] for _, path, _ in chosen}
    for _ in range(rounds):
        for _, path, who in chosen:
            start = time.process_time()
            who.get(path)
            times[path].append(time.process_time() - start)
    rows = [(label, calls_per_request(who, path, runs), 1e3 * statistics.median(times[path]))
            for label, path, who in chosen]
    _, menu_calls, menu_ms = rows[-1]
    print(f"{'page':<44} {'appels':>7} {'− menu':>7} {'CPU ms':>7} {'− menu':>7}")
    for label, calls, ms in rows:
        print(f"{label:<44} {calls:7,.0f} {calls - menu_calls:+7,.0f} {ms:7.2f} {ms - menu_ms:+7.2f}")


def plans(app):
    """PostgreSQL: how the pooled connection planned the statements it prepared (db/prepared.py) over the
    requests above: a generic plan is made once, a custom plan on every EXECUTE."""
    with app.app_context():
        if not is_postgres():
            return
        rows = database.execute_sql("SELECT generic_plans, custom_plans, statement"
                                    " FROM pg_prepared_statements ORDER BY prepare_time").fetchall()
        database.close()
    print(f"\n{'plans génériques':>16} {'sur mesure':>10}  requête préparée")
    for generic, custom, statement in rows:
        print(f"{generic:16,} {custom:10,}  {' '.join(statement.split())[:100]}")


def the_scale_logged_in(args):
    """(the scale_habilitations dataset, its app, a client logged in as its administrator) for
    --database, built unless --reuse finds it there; says which engine and dataset."""
    url = database_url(args)
    passwords.set_rounds(4)
    prepare_database(url)
    scale = args.reuse and args.database and find_habilitation_scale() or build_habilitation_scale()
    database.close()
    app, client = scale_client(url, scale.firm)
    print(f"{engine(url)} : {scale.summary}")
    return scale, app, client


def main():
    arguments = parser(__doc__)
    arguments.add_argument("--reuse", action="store_true",
                           help="keep the dataset already built in --database")
    arguments.add_argument("--runs", type=int, default=50)
    arguments.add_argument("--top", type=int, default=25)
    arguments.add_argument("--page", default="", help="only the pages whose label contains this word")
    arguments.add_argument("--own", type=int, default=0, metavar="ROUNDS",
                           help="each page's calls and CPU time beyond the Menu's, over ROUNDS alternations")
    args = arguments.parse_args()
    scale, app, client = the_scale_logged_in(args)
    anonymous = app.test_client()
    if args.own:
        chosen = [(label, path, client if logged else anonymous) for label, path, logged, _ in pages(scale)
                  if args.page.lower() in label.lower() and path != "/menu"]
        own_costs(chosen + [(label, path, client) for label, path, _, _ in pages(scale) if path == "/menu"],
                  args.own, args.runs)
        plans(app)
        return
    for label, path, logged, _ in pages(scale):
        if args.page.lower() not in label.lower():
            continue
        who = client if logged else anonymous
        median, worst, statements = measure(who, path)
        print(f"\n=== {label} : médiane {median:.1f} ms, max {worst:.1f} ms, {statements} requêtes SQL")
        print(profile(who, path, args.runs, args.top))


if __name__ == "__main__":
    main()
