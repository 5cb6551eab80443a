"""Accounts at production cost: bcrypt (cost 12) per login, timing parity between a wrong password
and an unknown triplet (no account enumeration by timing), the per-address throttle with 200,000
recorded attempts, and the inscription's final "Valider" (time and statement count).

Usage: .venv/bin/python -m bench.bench_accounts [--database URL] (default: a temporary SQLite file).
Requests go through Flask's test client: server time, without network or browser.
"""
import datetime
import statistics
import time

from peewee import chunked

from bench.common import database_url, parser
from db import clock
from db.accounts.login import check_ip
from db.accounts.passwords import hash_secret
from db.accounts.throttle import check_account, login_key
from db.database import database
from db.demo import DEMO_PASSWORD, DEMO_SIRET, create_demo
from db.models import LoginAttempt
from tests.factories.database import prepare
from tests.factories.queries import count_queries
from webapp import create_app

RUNS = 9
IDENTITY = {
    "siret": "10404942400013",
    "nom": "Moutin",
    "prenom": "Claire",
    "phone": "0123456789",
    "mobile": "",
    "email": "claire@arcturus.fr",
    "email_confirmation": "claire@arcturus.fr",
}
PASSWORD = "Cabinet-Arcturus-2026"


def median_ms(action, runs=RUNS):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def login(client, **changes):
    data = {"siret": DEMO_SIRET, "nom": "DURAND", "prenom": "Paul", "password": DEMO_PASSWORD, **changes}
    return lambda: client.post("/connexion", data=data)


def main():
    url = database_url(parser(__doc__).parse_args())
    prepare(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "PASSWORD_HASH_ROUNDS": 12})
    with database.connection_context():
        create_demo()
    client = app.test_client()
    print(f"bcrypt cost 12, one hash: {median_ms(lambda: hash_secret(PASSWORD)):.0f} ms")
    # A fresh client per login so that a success does not redirect the next attempt.
    print(f"login, right password:    {median_ms(lambda: login(app.test_client())()):.0f} ms")
    # Four wrong passwords: the fifth would make this address wait (which costs the same, see authenticate).
    print(f"login, wrong password:    {median_ms(login(client, password='mauvais-mot-de-passe'), 4):.0f} ms")
    print(
        f"login, unknown triplet:   {median_ms(login(client, nom='INCONNU')):.0f} ms  "
        f"(same work: no enumeration)"
    )
    with database.connection_context():
        now = clock.now()
        rows = [{"ip": f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}", "success": i % 3 == 0,
                 "account": login_key(str(i % 5000)), "at": now - datetime.timedelta(seconds=i % 3600)}
                for i in range(200_000)]
        with database.atomic():
            for batch in chunked(rows, 1000):
                LoginAttempt.insert_many(batch).execute()
        print(f"throttle check among 200,000 attempts: {median_ms(lambda: check_ip('10.0.1.2'), 50):.2f} ms")
        account = login_key("42")
        print(f"throttle check of an account too:      "
              f"{median_ms(lambda: check_account('10.0.1.2', account), 50):.2f} ms")
    wizard = app.test_client()
    wizard.post("/inscription/", data=IDENTITY)
    wizard.post("/inscription/conditions", data={"decision": "accept"})
    wizard.post("/inscription/etablissement")
    wizard.post("/inscription/mot-de-passe", data={"password": PASSWORD, "confirmation": PASSWORD,
                                                  "secret_question": "Nom de mon premier chien ?",
                                                  "secret_answer": "Médor le Grand"})
    wizard.post("/inscription/recapitulatif")
    wizard.post("/inscription/profil", data={"profile": "clients", "domains": ["La DSN", "Formation"]})
    with count_queries() as statements:
        start = time.perf_counter()
        response = wizard.post("/inscription/valider")
        elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 302, response.status_code
    print(f"inscription « Valider » (firm, administrator, portfolio, 10 declarations, token, mail): "
          f"{elapsed:.0f} ms, {statements()} statements")


if __name__ == "__main__":
    main()
