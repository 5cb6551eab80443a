"""Portfolios at scale: server time and query count of the list, composition and search pages
for a firm of 5,000 companies / 60,000 establishments in one portfolio, and the time and query
count of adding a company of 9,000 active establishments.

Usage: .venv/bin/python -m bench.bench_portfolios [DATABASE_URL] [--companies N] [--establishments N]
(default: a temporary SQLite file). Pages are requested through Flask's test client, so the
figures are server time (routing, queries, templates), without network or browser.
"""
import argparse
import os
import statistics
import tempfile
import time

from bench.common import Counter
from bench.scale_data import PASSWORD, build_scale_firm, prepare_database
from db.accounts import passwords
from db.clients import composition
from db.database import database
from webapp import create_app

RUNS = 15



def measure(client, url, headers=None):
    client.get(url, headers=headers)  # warm-up
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url, headers=headers)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with Counter() as counter:
        client.get(url, headers=headers)
    return statistics.median(times), max(times), counter.count


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url", nargs="?")
    parser.add_argument("--companies", type=int, default=5000)
    parser.add_argument("--establishments", type=int, default=60000)
    args = parser.parse_args()
    passwords.set_rounds(4)
    url = args.url or "sqlite:///" + os.path.join(tempfile.mkdtemp(), "bench_portfolios.sqlite3")
    prepare_database(url)
    start = time.perf_counter()
    scale = build_scale_firm(companies=args.companies, establishments=args.establishments)
    database.close()
    print(f"Base : {url.split('@')[-1]}")
    print(f"Jeu de données : {scale.company_count} entreprises, {scale.establishment_count} établissements "
          f"dans « {scale.portfolio.name} » ({time.perf_counter() - start:.1f} s de construction)")

    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "bench", "PASSWORD_HASH_ROUNDS": 4,
                      "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    client.post("/connexion", data={"siret": scale.firm.siret, "nom": "MESURE", "prenom": "Admin",
                                    "password": PASSWORD})
    pid = scale.portfolio.id
    hx = {"HX-Request": "true"}
    pages = [
        ("Vos portefeuilles", "/gestion/portefeuilles", None),
        ("Composer le portefeuille (page 1)", f"/gestion/portefeuilles/{pid}/composition", None),
        ("Composer le portefeuille (page 60)", f"/gestion/portefeuilles/{pid}/composition?page=60", None),
        ("Filtre raison sociale (htmx)", f"/gestion/portefeuilles/{pid}/composition?q=societe+04", hx),
        ("Filtre SIREN (htmx)", f"/gestion/portefeuilles/{pid}/composition?q=7000", hx),
        ("Recherche SIREN (htmx)", "/gestion/portefeuilles?critere=siren&valeur=70012", hx),
        ("Recherche SIRET (htmx)", "/gestion/portefeuilles?critere=siret&valeur=7000012", hx),
        ("Recherche raison sociale (htmx)", "/gestion/portefeuilles?critere=raison_sociale&valeur=societe+049", hx),
        ("Recherche nom du portefeuille (htmx)", "/gestion/portefeuilles?critere=nom&valeur=grand", hx),
    ]
    print(f"\n{'page':<40} {'médiane':>9} {'max':>9} {'requêtes':>9}   (cible < 100 ms)")
    for label, page_url, headers in pages:
        median, worst, queries = measure(client, page_url, headers)
        print(f"{label:<40} {median:7.1f} ms {worst:7.1f} ms {queries:9d}")

    with app.app_context(), database.connection_context():
        with Counter() as counter:
            start = time.perf_counter()
            added = composition.add_company(scale.admin, pid, scale.big_siren)
            elapsed = time.perf_counter() - start
        print(f"\nAjout d'une entreprise de {added.establishments} établissements actifs : {elapsed * 1000:.0f} ms, "
              f"{counter.count} requêtes (cible < 1 s, nombre de requêtes constant)")


if __name__ == "__main__":
    main()
