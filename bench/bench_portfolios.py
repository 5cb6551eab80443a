"""Portfolios at scale: server time and query count of the list, composition and search pages
for a firm of 5,000 companies / 60,000 establishments in one portfolio, and the time and query
count of adding a company of 9,000 active establishments against its raw-SQL anchor (the same rows
written by four INSERT statements), alternating, with their ratio.

Usage: .venv/bin/python -m bench.bench_portfolios [--database URL] [--companies N] [--establishments N]
(default: a temporary SQLite file). Pages are requested through Flask's test client, so the
figures are server time (routing, queries, templates), without network or browser.
"""
import os
import statistics
import time

from bench.scale_data import build_from_arguments, build_scale_firm, scale_client
from db import clock
from db.clients import companies, composition
from db.database import database, is_postgres
from db.models import Company, CompanyDeclaration, Establishment, EstablishmentDeclaration
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
        add_big_company(scale, pid)


# The raw-SQL anchor of « Ajouter une entreprise »: what any implementation must write (the company,
# its active establishments from the directory, the portfolio's declarations for both), in one
# transaction, without the portal's checks, journal or counts.
ANCHOR = [
    "INSERT INTO company (firm_id, portfolio_id, siren, name, added_at) VALUES ({p}, {p}, {p}, 'ANCRE', {p})",
    "INSERT INTO establishment (firm_id, company_id, siret, name, address, is_siege, is_active, "
    "registered_at) "
    "SELECT {p}, {p}, siret, COALESCE(enseigne, denomination_usuelle, ''), COALESCE(numero, '') || ' ' || "
    "COALESCE(type_voie, '') || ' ' || COALESCE(libelle_voie, '') || ' ' || COALESCE(code_postal, '') || ' ' "
    "|| COALESCE(commune, ''), is_siege, TRUE, {p} FROM sirene_etablissement "
    "WHERE siren = {p} AND (etat IS NULL OR etat <> 'F')",
    "INSERT INTO company_declaration (company_id, declaration_id) "
    "SELECT {p}, declaration_id FROM portfolio_declaration WHERE portfolio_id = {p}",
    "INSERT INTO establishment_declaration (establishment_id, declaration_id) SELECT e.id, d.declaration_id "
    "FROM establishment e JOIN portfolio_declaration d ON d.portfolio_id = {p} WHERE e.company_id = {p}",
]


def anchor(scale, portfolio_id):
    """Seconds of the raw SQL; what it wrote is deleted afterwards (not timed)."""
    p, now = database.param, clock.now()
    start = time.perf_counter()
    with database.atomic():
        cursor = database.execute_sql(ANCHOR[0].format(p=p) + (" RETURNING id" if is_postgres() else ""),
                                      (scale.firm.id, portfolio_id, scale.big_siren, now))
        company = cursor.fetchone()[0] if is_postgres() else cursor.lastrowid
        database.execute_sql(ANCHOR[1].format(p=p), (scale.firm.id, company, now, scale.big_siren))
        database.execute_sql(ANCHOR[2].format(p=p), (company, portfolio_id))
        database.execute_sql(ANCHOR[3].format(p=p), (portfolio_id, company))
    elapsed = time.perf_counter() - start
    with database.atomic():
        establishments = Establishment.select(Establishment.id).where(Establishment.company == company)
        EstablishmentDeclaration.delete().where(EstablishmentDeclaration.establishment.in_(establishments)).execute()
        Establishment.delete().where(Establishment.company == company).execute()
        CompanyDeclaration.delete().where(CompanyDeclaration.company == company).execute()
        Company.delete().where(Company.id == company).execute()
    return elapsed


def add_big_company(scale, portfolio_id, rounds=3):
    """« Ajouter une entreprise » of the big company against its raw-SQL anchor, alternating; the
    company is removed between rounds (not timed)."""
    print(f"\n{'Ajout de la grande entreprise':<40} {'ancre':>9} {'portail':>9} {'ratio':>6} {'requêtes':>9}"
          "   (cible ≤ 3× l'ancre, requêtes constantes)")
    for _ in range(rounds):
        reference = anchor(scale, portfolio_id)
        with count_queries() as statements:
            start = time.perf_counter()
            added = composition.add_company(scale.admin, portfolio_id, scale.big_siren)
            elapsed = time.perf_counter() - start
        companies.remove_company(scale.admin, added.company.id)
        label = f"{added.establishments} établissements actifs"
        print(f"{label:<40} {reference * 1000:6.0f} ms {elapsed * 1000:6.0f} ms {elapsed / reference:6.2f} "
              f"{statements():9d}   charge {os.getloadavg()[0]:.2f}", flush=True)

if __name__ == "__main__":
    main()
