"""The speed targets of issue 13 (items 2 and 3) at grand-cabinet scale (bench/scale_habilitations.py:
69,000 establishments, 200 déclarants, ~1,000,000 habilitations), each beside its anchor measured in
the same run, alternating, and the ratio printed:

  - Couverture (target < 100 ms): a page of the 60,000-establishment portfolio and of the portfolio of
    the 9,000-establishment company, Déclarer and Payer;
  - Revue des habilitations (target < 100 ms): the 200 people with their rights per service, and one
    person's detail per portfolio;
  anchor: a hello-world Flask app through the same test client.
The machine is shared: read the ratios with the load average printed at the start and end.

    .venv/bin/python -m bench.bench_rights                              # SQLite, temporary file
    .venv/bin/python -m bench.bench_rights --database postgresql://…    # an empty PostgreSQL database
    … --database URL --reuse --runs 5     # the dataset a previous run built there, 5 rounds per page
"""

from bench.bench_scale_grid import alternate, hello_client, load
from bench.common import parser
from bench.scale_data import scale_client
from bench.scale_habilitations import habilitation_dataset
from tests.factories.queries import count_queries


def _dataset():
    arguments = parser(__doc__)
    for name, default in (("companies", 5000), ("establishments", 60000), ("declarants", 200), ("runs", 7)):
        arguments.add_argument(f"--{name}", type=int, default=default)
    arguments.add_argument("--reuse", action="store_true", help="keep the dataset built in --database")
    args = arguments.parse_args()
    return (*habilitation_dataset(args), args.runs)


def main():
    url, scale, seconds, runs = _dataset()
    print(f"Jeu de données : {scale.summary} ({seconds:.1f} s de construction) ; {load()}")
    _, client = scale_client(url, scale.firm)
    hello = hello_client()
    hello_get = lambda: hello.get("/")  # noqa: E731
    pages = [
        ("Couverture, grand portefeuille, Déclarer, page 1", "/gestion/couverture",
         {"portfolio": scale.portfolio.id}),
        ("Couverture, grand portefeuille, Payer, une seule personne", "/gestion/couverture",
         {"portfolio": scale.portfolio.id, "droit": "payer", "qui": "une"}),
        ("Couverture, grand portefeuille, page 20", "/gestion/couverture",
         {"portfolio": scale.portfolio.id, "page": 20}),
        ("Couverture, entreprise de 9 000 établissements", "/gestion/couverture",
         {"portfolio": scale.big_portfolio.id}),
        ("Revue des habilitations (200 personnes)", "/gestion/revue", {}),
        ("Revue : détail d'un déclarant", f"/gestion/revue/{scale.declarants[3].id}", {}),
    ]
    print()
    for label, path, query in pages:
        get = lambda p=path, q=query: client.get(p, query_string=q)  # noqa: E731
        response = get()
        assert response.status_code == 200, (path, response.status_code)
        with count_queries() as statements:
            get()
        alternate(f"{label} ({statements()} requêtes)", "< 100 ms", get, hello_get, runs)
    print(f"\n{load()}")


if __name__ == "__main__":
    main()
