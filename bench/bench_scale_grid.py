"""The speed targets of issue 9 at grand-cabinet scale (bench/scale_habilitations.py: 69,000
establishments, 200 déclarants, ~1,000,000 habilitations), each beside its anchor measured in the
same run, alternating, and the ratio printed:

  - a matrix page of 100 establishments × 3 services for one déclarant (target < 50 ms of server
    time, a constant number of statements) — anchor: a hello-world Flask app through the same test
    client;
  - the address search (« plerin »-like word, a postcode, a SIRET beginning) over the firm's
    establishments (target < 50 ms) — anchor: one lookup by SIRET on the (firm, siret) index; and the
    grid page with such a search, firm-wide and in the big company (target < 50 ms, a constant number of
    statements) — anchor: the hello-world app;
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
    … --database URL --reuse            # the dataset a previous run left there (built once, minutes)
    … --only grille,recherche,colonne,tout,choisir   --rounds 5   (rounds of the bulk writes)

The bulk writes are timed alternately with their anchor, --rounds times each (tick, anchor INSERT,
untick, anchor DELETE), and the median of the ratios is printed.
"""
import os
import re
import statistics
import time

from flask import Flask

from bench.common import parser
from bench.scale_data import scale_client
from bench.scale_habilitations import habilitation_dataset
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


SECTIONS = ("grille", "recherche", "colonne", "tout", "choisir")


def arguments():
    options = parser(__doc__)
    for name, default in (("companies", 5000), ("establishments", 60000), ("declarants", 200), ("rounds", 3)):
        options.add_argument(f"--{name}", type=int, default=default)
    options.add_argument("--reuse", action="store_true", help="keep the dataset already built in --database")
    options.add_argument("--only", default=",".join(SECTIONS),
                         help="sections to run, among " + ",".join(SECTIONS))
    return options.parse_args()


def dataset(args):
    """(url, scale): the dataset of --database when --reuse finds one, else built."""
    url, scale, seconds = habilitation_dataset(args)
    print(f"Jeu de données : {scale.summary} ({seconds:.1f} s) ; {load()}")
    return url, scale


def main():
    args = arguments()
    url, scale = dataset(args)
    only = set(args.only.split(","))
    _, client = scale_client(url, scale.firm)
    hello = hello_client()
    hello_get = lambda: hello.get("/")  # noqa: E731
    big, person = scale.big_company.id, scale.declarants[15]  # a déclarant of the big company, no rights
    with database.connection_context():
        services = [d.id for d in Declaration.select().where(Declaration.code.in_(["DSN", "DPAE", "TESE"]))]
        dsn = Declaration.get(Declaration.code == "DSN").id
        siret = Establishment.select(Establishment.siret).where(Establishment.company == big).first().siret
    criteria = {"company": big, "declarant": person.id, "service": services, "per_page": 100, "search": 1}

    if "grille" in only:
        print("\nGrille (par déclarant, 100 établissements × 3 services ; puis la page de bench_web_ceiling)")
        pages = [(f"page {p}", {**criteria, "page": p}) for p in (1, 2, 45, 90)]
        for label, query in pages + [("grille, entreprise de 9 000 étab. (cible ≤ 10 ms)", {"company": big})]:
            get = lambda q=query: client.get(PAGE, query_string=q)  # noqa: E731
            assert get().status_code == 200
            with count_queries() as statements:
                get()
            alternate(f"{label} ({statements()} requêtes)", "< 50 ms", get, hello_get)

    if "recherche" in only:
        _search(scale.firm.id, siret)
        _grid_search(client, {k: v for k, v in criteria.items() if k != "company"}, big, hello_get)

    if "colonne" in only:
        print("\nColonne cochée sur les 9 000 établissements + Valider, puis décochée (cible < 1 s)")
        insert, delete = _anchor(big, scale.declarants[16].id, dsn)  # another déclarant without rights there

        def column_tick(value):
            page = client.get(PAGE, query_string=criteria).get_data(as_text=True)
            version = re.search(r'name="version" value="(\d+)"', page).group(1)
            form = {**criteria, "version": version, "columns": f"{dsn}-d-{value}", "confirmed": "1"}
            return lambda: _posted(client, f"{PAGE}/valider", form)
        _bulk_rounds(args.rounds, column_tick, insert, delete, ("cocher Déclarer DSN + Valider",
                                                               "décocher Déclarer DSN + Valider"))

    if "tout" in only:
        print("\n« Tout (dé)cocher » + Valider sur 60 000 cases (Vue liste : portefeuille, un déclarant, "
              "DPAE ; cible ≤ 5× l'ancre)")
        _tout_cocher(client, scale, args.rounds)

    if "choisir" in only:
        print("\nChoisir les établissements (entreprise de 9 000 établissements)")
        chooser = f"/gestion/entreprises/{big}/etablissements"
        for label, query in (("page 1", {}), ("page 45", {"page": 45}), ("recherche « 12 »", {"q": "12"}),
                             ("tous, page 90", {"etat": "tous", "page": 90}), ("fermés", {"etat": "fermes"})):
            get = lambda q=query: client.get(chooser, query_string=q)  # noqa: E731
            response = get()
            assert response.status_code == 200
            with count_queries() as statements:
                get()
            alternate(f"{label} ({statements()} requêtes, {len(response.get_data()) // 1000} ko)", "< 50 ms",
                      get, hello_get)
    print(f"\n{load()}")


def _search(firm, siret):
    print("\nRecherche par adresse (établissements du cabinet)")
    with database.connection_context():
        for term in ("plérin", "22190", "rue", "75015", siret[:9], "societe 12"):
            query = Establishment.select(Establishment.id).where(
                (Establishment.firm == firm) & matching(term, Establishment)).limit(100)
            count = Establishment.select().where((Establishment.firm == firm) & matching(term, Establishment))
            lookup = Establishment.select(Establishment.id).where(
                (Establishment.firm == firm) & (Establishment.siret == siret))
            alternate(f"« {term} » : 100 premiers et leur nombre ({count.count()})", "< 50 ms",
                      lambda q=query, c=count: (list(q.tuples()), c.count()),
                      lambda one=lookup: list(one.tuples()))


def _grid_search(client, criteria, big, hello_get):
    """The grid page with a search (issue 9: « PLERIN » or « 22190 » typed in Gérer les habilitations),
    over the whole firm and within the 9,000-establishment company."""
    print("\nGrille avec une recherche (par déclarant, 100 par page, 3 services ; « rue » : le plus large)")
    for scope, extra in (("cabinet", {}), ("entreprise de 9 000 étab.", {"company": big})):
        for term in ("plérin", "22190", "12", "societe 12", "rue"):
            query = {**criteria, **extra, "q": term}
            get = lambda q=query: client.get(PAGE, query_string=q)  # noqa: E731
            assert get().status_code == 200
            with count_queries() as statements:
                get()
            alternate(f"{scope}, « {term} » ({statements()} requêtes)", "< 50 ms", get, hello_get)


def _posted(client, path, form):
    response = client.post(path, data=form)
    assert response.status_code == 302, response.status_code


def _bulk_rounds(rounds, action, insert, delete, labels):
    """rounds × (tick + Valider, anchor INSERT, untick + Valider, anchor DELETE): each write beside
    its anchor in the same round; the medians and the median of the rounds' ratios are printed."""
    times = {"1": ([], []), "0": ([], [])}
    for _ in range(rounds):
        for value, anchor_sql in (("1", insert), ("0", delete)):
            post = action(value)  # the page read that gives the version is not timed
            times[value][0].append(ms(post)[1])
            with database.connection_context():
                times[value][1].append(ms(lambda sql=anchor_sql: _raw(sql))[1])
    for value, label in zip(("1", "0"), labels, strict=True):
        portal, anchor = times[value]
        ratio = statistics.median(p / a for p, a in zip(portal, anchor, strict=True))
        print(f"  {label:<46} {statistics.median(portal):8.0f} ms (min {min(portal):6.0f})  "
              f"ancre {statistics.median(anchor):7.1f} ms  ratio médian {ratio:5.1f}  ({rounds} tours, "
              f"{load()})")


def _tout_cocher(client, scale, rounds):
    """Tout cocher then Tout décocher Déclarer, each + Valider, over the 60,000 establishments of the main
    portfolio for one déclarant (target ≤ 5× the raw INSERT … SELECT / DELETE of the same rows)."""
    with database.connection_context():
        dpae = Declaration.get(Declaration.code == "DPAE").id
    person, other = scale.declarants[150].id, scale.declarants[151].id  # no DPAE right anywhere
    scope = {"portfolio": scale.portfolio.id, "declarant": person, "service": dpae}
    insert, delete = _portfolio_anchor(scale.portfolio.id, other, dpae)

    def tout(value):
        page = client.get(f"{PAGE}/liste", query_string={**scope, "search": 1}).get_data(as_text=True)
        version = re.search(r'name="version" value="(\d+)"', page).group(1)
        form = {**scope, "version": version, "bulk_declare": value}
        return lambda: _posted(client, f"{PAGE}/liste/valider", form)
    _bulk_rounds(rounds, tout, insert, delete,
                 ("Tout cocher Déclarer + Valider", "Tout décocher Déclarer + Valider"))
    with database.connection_context():
        left = Habilitation.select().where((Habilitation.user == person) & (Habilitation.declaration == dpae))
        print(f"  [{left.count()} habilitations DPAE du déclarant ensuite]")


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
