"""Portfolios at scale: server time and query count of the list, composition and search pages
for a firm of 5,000 companies / 60,000 establishments in one portfolio, and the time and query
count of adding a company of 9,000 active establishments.

Usage: .venv/bin/python -m bench.bench_portfolios [--database URL] [--companies N] [--establishments N]
(default: a temporary SQLite file). Pages are requested through Flask's test client, so the
figures are server time (routing, queries, templates), without network or browser.
"""
import statistics
import time

from bench.scale_data import build_from_arguments, build_scale_firm, scale_client
from db.clients import composition
from db.database import database
from tests.factories.queries import count_queries

RUNS = 15


def measure(client, url, headers=None):
    client.get(url, headers=headers)  # warm-up
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url, headers=headers)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with count_queries() as statements:
        client.get(url, headers=headers)
    return statistics.median(times), max(times), statements()


def main():
    url, scale, seconds = build_from_arguments(
        __doc__, build_scale_firm, companies=5000, establishments=60000
    )
    print(f"Jeu de données : {scale.company_count} entreprises, {scale.establishment_count} établissements "
          f"dans « {scale.portfolio.name} » ({seconds:.1f} s de construction)")

    app, client = scale_client(url, scale.firm)
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
        (
            "Recherche raison sociale (htmx)",
            "/gestion/portefeuilles?critere=raison_sociale&valeur=societe+049",
            hx,
        ),
        ("Recherche nom du portefeuille (htmx)", "/gestion/portefeuilles?critere=nom&valeur=grand", hx),
    ]
    print(f"\n{'page':<40} {'médiane':>9} {'max':>9} {'requêtes':>9}   (cible < 100 ms)")
    for label, page_url, headers in pages:
        median, worst, queries = measure(client, page_url, headers)
        print(f"{label:<40} {median:7.1f} ms {worst:7.1f} ms {queries:9d}")

    with app.app_context(), database.connection_context():
        with count_queries() as statements:
            start = time.perf_counter()
            added = composition.add_company(scale.admin, pid, scale.big_siren)
            elapsed = time.perf_counter() - start
        print(
            f"\nAjout d'une entreprise de {added.establishments} établissements actifs : "
            f"{elapsed * 1000:.0f} ms, "
            f"{statements()} requêtes (cible < 1 s, nombre de requêtes constant)"
        )


if __name__ == "__main__":
    main()
