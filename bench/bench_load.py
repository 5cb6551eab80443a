"""Load test (issue 11): 32 clients for 60 s of mixed reads and writes against the portal served by the
README's gunicorn line, on loopback; prints the requests, the answers by status, the errors and the
"database is locked" found in gunicorn's log (0 expected on both engines).

Each client logs in over HTTP as the firm's administrator and loops over: Vos portefeuilles, its own
portfolio's composition, « Ajouter une entreprise » (a company of 5 establishments from the directory),
the composition again, « Retirer l'entreprise », Vos déclarations, Menu personnalisé: two write
transactions in seven requests, 32 writers at once.

    .venv/bin/python -m bench.bench_load [--database URL] [--clients 32] [--seconds 60]
"""
import itertools
import os
import re
import threading
import time

from bench import http_load
from bench.common import database_url, engine, parser
from bench.scale_data import PASSWORD, add_to_directory, build_scale_firm, prepare_database, siren_for
from db import models
from db.accounts import passwords
from db.database import database
from db.text import fold

COMPANIES_PER_CLIENT = 50  # directory-only companies each client adds and removes in turn
_REMOVE = re.compile(r'href="/gestion/entreprises/(\d+)/retirer"')


def build(clients):
    """The scale firm (500 companies, 5,000 establishments), one portfolio per client and, for each,
    companies known to the directory only; returns (firm, [(portfolio id, sirens)])."""
    scale = build_scale_firm(companies=500, establishments=5000, declarants=10, big_company_establishments=0)
    plans = []
    with database.atomic():
        for number in range(clients):
            name = f"CHARGE {number:02d}"
            portfolio = models.Portfolio.create(firm=scale.firm.id, name=name, name_key=fold(name))
            models.PortfolioDeclarant.create(portfolio=portfolio.id, user=scale.admin.id)
            sirens = [siren_for(number * COMPANIES_PER_CLIENT + k, "6") for k in range(COMPANIES_PER_CLIENT)]
            add_to_directory(sirens, [5] * len(sirens), prefix_name=f"CLIENT {number:02d}")
            plans.append((portfolio.id, sirens))
    return scale.firm, plans


class Client:
    """One person's loop of seven requests; step() makes the next one and returns its status."""

    def __init__(self, port, cookie, portfolio_id, sirens):
        self.port, self.cookie, self.portfolio_id = port, cookie, portfolio_id
        self.sirens = itertools.cycle(sirens)
        self.steps = itertools.cycle([self.portfolios, self.composition, self.add, self.composition,
                                      self.remove, self.tiles, self.menu])
        self.token = self.company_id = None

    def step(self, connection):
        return next(self.steps)(connection)

    def get(self, connection, path):
        return self.kept(http_load.request(self.port, "GET", path, self.cookie, connection=connection))

    def post(self, connection, path, form):
        form = {"csrf_token": self.token, **form}
        return self.kept(http_load.request(self.port, "POST", path, self.cookie, form, connection=connection))

    def kept(self, answer):
        """The answer, its session cookie kept (as a browser does)."""
        self.cookie = http_load.session_cookie(answer[1], self.cookie)
        return answer

    def portfolios(self, connection):
        return self.get(connection, "/gestion/portefeuilles")

    def composition(self, connection):
        answer = self.get(connection, f"/gestion/portefeuilles/{self.portfolio_id}/composition")
        self.token = http_load.csrf_token(answer[2]) or self.token
        found = _REMOVE.search(answer[2])
        self.company_id = found.group(1) if found else None
        return answer

    def add(self, connection):
        return self.post(connection, f"/gestion/portefeuilles/{self.portfolio_id}/entreprises",
                         {"siren": next(self.sirens)})

    def remove(self, connection):
        if self.company_id is None:  # the add failed: counted there
            return self.menu(connection)
        return self.post(connection, f"/gestion/entreprises/{self.company_id}/retirer", {})

    def tiles(self, connection):
        return self.get(connection, "/declarations")

    def menu(self, connection):
        return self.get(connection, "/menu")


def main():
    arguments = parser(__doc__)
    arguments.add_argument("--clients", type=int, default=32)
    arguments.add_argument("--seconds", type=float, default=60.0)
    args = arguments.parse_args()
    url = database_url(args)
    passwords.set_rounds(4)
    prepare_database(url)
    firm, plans = build(args.clients)
    database.close()
    env = {"DATABASE_URL": url, "SECRET_KEY": "bench-load", "PORTAL_MODE": "production",
           "PUBLIC_URL": "http://127.0.0.1"}
    with http_load.serve("webapp:create_app()", env) as server:
        clients = [Client(server.port, http_load.login(server.port, firm.siret, "MESURE", "Admin", PASSWORD),
                          portfolio_id, sirens) for portfolio_id, sirens in plans]
        mine = threading.local()
        assigned = iter(clients)
        lock = threading.Lock()

        def step(connection):
            if not hasattr(mine, "client"):
                with lock:
                    mine.client = next(assigned)
            return mine.client.step(connection)

        print(f"{engine(url)} : {args.clients} clients × {args.seconds:.0f} s, lectures et écritures mêlées "
              f"(gunicorn --workers 4), charge {os.getloadavg()[0]:.2f}", flush=True)
        started = time.monotonic()
        run = http_load.python_load(server.port, step, args.seconds, args.clients)
        log = server.log_text()
    statuses = ", ".join(f"{status} : {count:,}" for status, count in sorted(run.statuses.items(), key=str))
    print(f"{run.requests:,} requêtes en {time.monotonic() - started:.0f} s ({run.rps:.0f}/s) ; {statuses}")
    print(f"erreurs (≥ 400 ou réseau) : {run.errors} ; « database is locked » dans le journal : "
          f"{log.count('database is locked')} ; tracebacks : {log.count('Traceback')} (0 attendu) ; "
          "charge {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
