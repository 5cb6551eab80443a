"""Vos déclarations at scale: tiles and the establishments behind a tile.

Builds a firm with 60,000 establishments, 200 déclarants and about 1,000,000 habilitations
(one "heavy" déclarant holds 5 declarations on every establishment: 300,000 rights; the others
hold about 3,500 each), then prints the server time of:
  - db.declarations.tiles.tiles() for a typical and for the heavy déclarant (one grouped query on the
    (user, declaration) index, plus the few declarations);
  - the whole "Vos déclarations" page through the Flask test client;
  - db.declarations.tiles.tile_establishments() page 1, a later page, and a SIRET search.

    .venv/bin/python -m bench.bench_tiles                                   # SQLite in a temporary folder
    .venv/bin/python -m bench.bench_tiles --database postgresql://…         # the same on PostgreSQL
    .venv/bin/python -m bench.bench_tiles --establishments 6000 --habilitations 100000   # quicker
"""
import datetime
import statistics
import time

from bench.common import database_url, engine, logged_in_client, parser, replace_firms
from db import clock
from db.database import database, is_postgres
from db.declarations import tiles
from db.models import Declaration, Firm, Habilitation, User
from tests.factories.database import prepare

BENCH_SIRET = "99999999900013"
PASSWORD = "Bench-Tuiles-2026"
CODES = ["DSN", "DPAE", "SOLTEA_EMPLOYEURS", "TESE", "DUCS"]
PER_COMPANY = 100
CHUNK = 5000


def _insert(table, columns, rows):
    """Bulk inserts in chunks: executemany on SQLite, multi-row VALUES (execute_values) on PostgreSQL."""
    cursor = database.cursor()
    if is_postgres():
        from psycopg2.extras import execute_values

        execute_values(cursor, f"INSERT INTO {table} ({', '.join(columns)}) VALUES %s", rows, page_size=CHUNK)
        return
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['?'] * len(columns))})"
    for start in range(0, len(rows), CHUNK):
        cursor.executemany(sql, rows[start:start + CHUNK])


def build(establishments, declarants, habilitations):
    """The scale firm; returns (typical user, heavy user, number of habilitations written)."""
    from db.accounts.firms import new_user
    from db.models import Firm, Portfolio
    from db.models.accounts import ROLE_DECLARANT

    now = clock.now()
    with database.atomic():
        firm = Firm.create(siret=BENCH_SIRET, name="CABINET BENCH")
        users = [new_user(firm, f"DECLARANT{i:03d}", "Bench", f"d{i}@bench.test", ROLE_DECLARANT,
                          password=PASSWORD if i < 2 else None, email_validated_at=now)
                 for i in range(declarants)]
        portfolio = Portfolio.create(
            firm=firm, name="Portefeuille par défaut", name_key="portefeuille par defaut", is_default=True
        )
        companies = -(-establishments // PER_COMPANY)
        _insert(
            "company",
            ["firm_id", "portfolio_id", "siren", "name", "added_at"],
            [(firm.id, portfolio.id, f"{100000000 + c}", f"SOCIETE {c:05d}", now) for c in range(companies)],
        )
        first_company = database.execute_sql(
            "SELECT MIN(id) FROM company WHERE firm_id = " + str(firm.id)
        ).fetchone()[0]
        _insert(
            "establishment",
            ["firm_id", "company_id", "siret", "name", "address", "is_siege", "is_active", "registered_at"],
            [
                (
                    firm.id,
                    first_company + e // PER_COMPANY,
                    f"{100000000 + e // PER_COMPANY}{e % PER_COMPANY + 1:05d}",
                    f"ETS {e}",
                    "1 RUE DU BENCH 75015 PARIS",
                    e % PER_COMPANY == 0,
                    True,
                    now,
                )
                for e in range(establishments)
            ],
        )
        first_establishment = database.execute_sql(
            "SELECT MIN(id) FROM establishment WHERE firm_id = " + str(firm.id)).fetchone()[0]
        declarations = [Declaration.get(Declaration.code == c).id for c in CODES]
        heavy, others = users[0], users[1:]  # users[1] is the typical déclarant the page is timed for
        per_user = max(1, (habilitations - establishments * len(CODES)) // max(1, len(others)) // len(CODES))
        rows = []

        def right(user, e, d, k):
            granted = now - datetime.timedelta(hours=(k * 7) % 240)  # one right in ten still waits
            active = granted + datetime.timedelta(hours=24)
            return (user.id, first_establishment + e, d, True, k % 3 == 0, granted, active,
                    granted if k % 3 == 0 else None, active if k % 3 == 0 else None)

        for e in range(establishments):
            rows += [right(heavy, e, d, e + i) for i, d in enumerate(declarations)]
        for n, user in enumerate(others):
            start = (n * per_user) % establishments
            for j in range(per_user):
                e = (start + j) % establishments
                rows += [right(user, e, d, j + i) for i, d in enumerate(declarations)]
        _insert(
            "habilitation",
            [
                "user_id",
                "establishment_id",
                "declaration_id",
                "declare",
                "pay",
                "granted_at",
                "active_from",
                "pay_granted_at",
                "pay_active_from",
            ],
            rows,
        )
    # Fresh statistics (and on PostgreSQL the visibility map index-only scans need), as a live
    # database has them from its autovacuum.
    database.execute_sql("VACUUM ANALYZE" if is_postgres() else "ANALYZE")
    return others[0] if others else heavy, heavy, len(rows)


def timed(function, runs=15):
    """Median and max wall time in milliseconds of function() over runs (after one warm-up)."""
    function()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), max(samples)


def report(label, figures):
    median, worst = figures
    print(f"  {label:<58} median {median:7.1f} ms   max {worst:7.1f} ms")


def page_time(url, user, path):
    """Server time of one page through the Flask test client, logged in as user."""
    _, client = logged_in_client(url, BENCH_SIRET, user.nom, user.prenom, PASSWORD)

    def get():
        response = client.get(path)
        assert response.status_code == 200, response.status_code

    return timed(get)


def main():
    arguments = parser(__doc__)
    arguments.add_argument("--establishments", type=int, default=60000)
    arguments.add_argument("--declarants", type=int, default=200)
    arguments.add_argument("--habilitations", type=int, default=1_000_000)
    arguments.add_argument(
        "--reuse", action="store_true", help="keep the data set already built in --database"
    )
    args = arguments.parse_args()
    url = database_url(args)  # a temporary SQLite file (200 MB) goes when the script ends
    print(f"Base : {engine(url)}")
    start = time.perf_counter()
    prepare(url)
    if args.reuse and args.database and Firm.select().where(Firm.siret == BENCH_SIRET).exists():
        people = list(User.select().join(Firm).where(Firm.siret == BENCH_SIRET).order_by(User.nom))
        typical, heavy = people[1], people[0]
        written = Habilitation.select().count()
        print("(jeu de données réutilisé)")
    else:
        replace_firms()
        typical, heavy, written = build(args.establishments, args.declarants, args.habilitations)
    print(f"Jeu de données : {args.establishments} établissements, {args.declarants} déclarants, "
          f"{written} habilitations ({time.perf_counter() - start:.1f} s de construction)")
    typical_count = database.execute_sql(
        f"SELECT COUNT(*) FROM habilitation WHERE user_id = {typical.id}").fetchone()[0]
    heavy_count = database.execute_sql(
        f"SELECT COUNT(*) FROM habilitation WHERE user_id = {heavy.id}"
    ).fetchone()[0]

    print("Vos déclarations (db.declarations.tiles.tiles) :")
    report(f"déclarant type ({typical_count} habilitations)", timed(lambda: tiles.tiles(typical)))
    report(f"déclarant le plus chargé ({heavy_count} habilitations)", timed(lambda: tiles.tiles(heavy)))
    print("Établissements d'un pavé (db.declarations.tiles.tile_establishments, 50 par page) :")
    report("page 1, déclarant le plus chargé", timed(lambda: tiles.tile_establishments(heavy, "DSN")))
    last = -(-args.establishments // 50)
    report(f"dernière page ({last}), déclarant le plus chargé",
           timed(lambda: tiles.tile_establishments(heavy, "DSN", page=last)))
    report("recherche par SIRET, déclarant le plus chargé",
           timed(lambda: tiles.tile_establishments(heavy, "DSN", search="10000012300045")))
    database.close()
    print("Page « Vos déclarations » complète (client de test Flask, temps serveur) :")
    report(
        "référence : « Menu personnalisé » (connexion à la base, gabarit)", page_time(url, typical, "/menu")
    )
    report("déclarant type", page_time(url, typical, "/declarations"))
    report("déclarant le plus chargé", page_time(url, heavy, "/declarations"))
    report("pavé DSN, page 1, déclarant le plus chargé", page_time(url, heavy, "/declarations/DSN"))


if __name__ == "__main__":
    main()
