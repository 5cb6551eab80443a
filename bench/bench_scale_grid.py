"""The speed targets of issue 9 at grand-cabinet scale (bench/scale_habilitations.py: 69,000
establishments, 200 déclarants, ~1,000,000 habilitations), each beside its anchor measured in the
same run, alternating, and the ratio printed:

  - a matrix page of 100 establishments × 3 services for one déclarant (target < 50 ms of server
    time, a constant number of statements) — anchor: a hello-world Flask app through the same test
    client;
  - the address search (« plerin »-like word, a postcode, a SIRET beginning) over the firm's
    establishments (target < 50 ms) — anchor: one lookup by SIRET on the (firm, siret) index;
  - a column tick over the 9,000 establishments of the big company + Valider (target < 1 s), and its
    untick — anchor: the same 9,000 habilitations written (then deleted) by one raw INSERT … SELECT;
  - « Tout (dé)cocher » + Valider over 60,000 cells (« Vue liste »: the 60,000-establishment portfolio,
    one déclarant, DPAE; target ≤ 5× its anchor, issue 14) — anchor: the same 60,000 habilitations
    written (then deleted) by one raw INSERT … SELECT;
  - « Choisir les établissements » of the 9,000-establishment company (target < 50 ms) — anchor: the
    hello-world app.
The machine is shared: read the ratios with `uptime`'s load average, printed at the start and end.

    .venv/bin/python -m bench.bench_scale_grid                              # SQLite, temporary file
    .venv/bin/python -m bench.bench_scale_grid --database postgresql://…    # an empty PostgreSQL database
"""
import os
import re
import statistics
import time

from flask import Flask

from bench.scale_data import build_from_arguments, scale_client
from bench.scale_habilitations import build_habilitation_scale
from db.clients.search import matching
from db.database import database
from db.models import Declaration, Establishment, Habilitation
from tests.factories.queries import count_queries

RUNS = 7
PAGE = "/gestion/habilitations"


def load():
    return "charge (uptime) : " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def ms(call):
    start = time.perf_counter()
    result = call()
    return result, (time.perf_counter() - start) * 1000


def alternate(label, target, measured, anchor, runs=RUNS):
    """Run measured and anchor in turn; print both medians and their ratio."""
    mine, theirs = [], []
    for _ in range(runs):
        mine.append(ms(measured)[1])
        theirs.append(ms(anchor)[1])
    a, b = statistics.median(mine), statistics.median(theirs)
    print(f"  {label:<58} {a:8.1f} ms  (cible {target})  ancre {b:7.2f} ms  ratio {a / b:7.1f}")
    return a


def hello_client():
    app = Flask("hello")
    app.add_url_rule("/", "hello", lambda: "Bonjour")
    return app.test_client()


def main():
    url, scale, seconds = build_from_arguments(__doc__, build_habilitation_scale, companies=5000,
                                               establishments=60000, declarants=200)
    print(f"Jeu de données : {scale.summary} ({seconds:.1f} s de construction) ; {load()}")
    _, client = scale_client(url, scale.firm)
    hello = hello_client()
    hello_get = lambda: hello.get("/")  # noqa: E731
    big, person = scale.big_company.id, scale.declarants[15]  # a déclarant of the big company, no rights
    with database.connection_context():
        services = [d.id for d in Declaration.select().where(Declaration.code.in_(["DSN", "DPAE", "TESE"]))]
        dsn = Declaration.get(Declaration.code == "DSN").id
        siret = Establishment.select(Establishment.siret).where(Establishment.company == big).first().siret
    criteria = {"company": big, "declarant": person.id, "service": services, "per_page": 100, "search": 1}

    print("\nGrille (par déclarant, 100 établissements × 3 services)")
    for page in (1, 45):
        get = lambda p=page: client.get(PAGE, query_string={**criteria, "page": p})  # noqa: E731
        assert get().status_code == 200
        with count_queries() as statements:
            get()
        alternate(f"page {page} ({statements()} requêtes)", "< 50 ms", get, hello_get)

    print("\nRecherche par adresse (établissements du cabinet)")
    with database.connection_context():
        firm = scale.firm.id
        for term in ("rue", "75015", siret[:9], "societe 12"):
            query = Establishment.select(Establishment.id).where(
                (Establishment.firm == firm) & matching(term, Establishment)).limit(100)
            count = Establishment.select().where((Establishment.firm == firm) & matching(term, Establishment))
            lookup = Establishment.select(Establishment.id).where(
                (Establishment.firm == firm) & (Establishment.siret == siret))
            alternate(f"« {term} » : 100 premiers et leur nombre ({count.count()})", "< 50 ms",
                      lambda q=query, c=count: (list(q.tuples()), c.count()),
                      lambda one=lookup: list(one.tuples()))

    print("\nColonne cochée sur les 9 000 établissements + Valider, puis décochée")
    insert, delete = _anchor(big, scale.declarants[16].id, dsn)  # another déclarant without rights there
    for value, label, anchor_sql in (("1", "cocher Déclarer DSN + Valider", insert),
                                     ("0", "décocher Déclarer DSN + Valider", delete)):
        page = client.get(PAGE, query_string=criteria).get_data(as_text=True)
        version = re.search(r'name="version" value="(\d+)"', page).group(1)
        form = {**criteria, "version": version, "columns": f"{dsn}-d-{value}", "confirmed": "1"}
        response, portal = ms(lambda f=form: client.post(f"{PAGE}/valider", data=f))
        assert response.status_code == 302, response.status_code
        with database.connection_context():
            anchor = ms(lambda sql=anchor_sql: _raw(sql))[1]
        print(f"  {label:<58} {portal:8.0f} ms  (cible < 1 s)   ancre {anchor:7.1f} ms  "
              f"ratio {portal / anchor:7.1f}")

    print("\n« Tout (dé)cocher » + Valider sur 60 000 cases (Vue liste : portefeuille, un déclarant, DPAE)")
    _tout_cocher(client, scale)

    print("\nChoisir les établissements (entreprise de 9 000 établissements)")
    chooser = f"/gestion/entreprises/{big}/etablissements"
    for label, query in (("page 1", {}), ("page 45", {"page": 45}), ("recherche « 12 »", {"q": "12"})):
        get = lambda q=query: client.get(chooser, query_string=q)  # noqa: E731
        response = get()
        assert response.status_code == 200
        with count_queries() as statements:
            get()
        alternate(f"{label} ({statements()} requêtes, {len(response.get_data()) // 1000} ko)", "< 50 ms", get,
                  hello_get)
    print(f"\n{load()}")


def _tout_cocher(client, scale):
    """Tout cocher then Tout décocher Déclarer, each + Valider, over the 60,000 establishments of the main
    portfolio for one déclarant (target ≤ 5× the raw INSERT … SELECT / DELETE of the same rows)."""
    with database.connection_context():
        dpae = Declaration.get(Declaration.code == "DPAE").id
    person, other = scale.declarants[150].id, scale.declarants[151].id  # no DPAE right anywhere
    scope = {"portfolio": scale.portfolio.id, "declarant": person, "service": dpae}
    insert, delete = _portfolio_anchor(scale.portfolio.id, other, dpae)
    for value, label, anchor_sql in (("1", "Tout cocher Déclarer + Valider", insert),
                                     ("0", "Tout décocher Déclarer + Valider", delete)):
        page = client.get(f"{PAGE}/liste", query_string={**scope, "search": 1}).get_data(as_text=True)
        version = re.search(r'name="version" value="(\d+)"', page).group(1)
        form = {**scope, "version": version, "bulk_declare": value}
        response, portal = ms(lambda f=form: client.post(f"{PAGE}/liste/valider", data=f))
        assert response.status_code == 302, response.status_code
        with database.connection_context():
            written = Habilitation.select().where((Habilitation.user == person)
                                                  & (Habilitation.declaration == dpae)).count()
            anchor = ms(lambda sql=anchor_sql: _raw(sql))[1]
        print(f"  {label:<58} {portal:8.0f} ms  (cible ≤ 5× l'ancre)  ancre {anchor:7.1f} ms  "
              f"ratio {portal / anchor:7.1f}  [{written} habilitations DPAE ensuite]")


def _portfolio_anchor(portfolio_id, user_id, declaration_id):
    """The raw SQL that writes the portfolio's habilitations of one déclarant, and the one removing them."""
    establishments = ("SELECT e.id FROM establishment e JOIN company c ON c.id = e.company_id "
                      f"WHERE c.portfolio_id = {portfolio_id}")
    return (
        "INSERT INTO habilitation (user_id, establishment_id, declaration_id, declare, pay, granted_at, "
        f"active_from) SELECT {user_id}, id, {declaration_id}, TRUE, FALSE, registered_at, registered_at "
        f"FROM establishment WHERE id IN ({establishments})",
        f"DELETE FROM habilitation WHERE user_id = {user_id} AND declaration_id = {declaration_id} "
        f"AND establishment_id IN ({establishments})",
    )


def _anchor(company_id, user_id, declaration_id):
    """The raw SQL that writes the same 9,000 habilitations, and the one that removes them."""
    return (
        "INSERT INTO habilitation (user_id, establishment_id, declaration_id, declare, pay, granted_at, "
        f"active_from) SELECT {user_id}, id, {declaration_id}, TRUE, FALSE, registered_at, registered_at "
        f"FROM establishment WHERE company_id = {company_id}",
        f"DELETE FROM habilitation WHERE user_id = {user_id} AND declaration_id = {declaration_id} "
        f"AND establishment_id IN (SELECT id FROM establishment WHERE company_id = {company_id})",
    )


def _raw(sql):
    with database.atomic():
        database.execute_sql(sql)


if __name__ == "__main__":
    main()
