"""Behind the HTTPS proxy: X-Forwarded-For is believed only from TRUSTED_PROXIES, so one visitor's
failed logins make that visitor wait, not everyone behind the proxy, and nobody escapes the
throttling by naming another address."""
import pytest

from db.accounts.throttle import ADDRESS_FREE
from db.database import database
from db.demo import DEMO_PASSWORD, DEMO_SIRET, create_demo
from tests.conftest import PortalClient
from webapp import create_app


@pytest.fixture
def behind(sqlite_url):
    """A test client of the portal configured with TRUSTED_PROXIES (its own address is 127.0.0.1)."""
    def client(trusted):
        app = create_app({"TESTING": True, "DATABASE_URL": sqlite_url, "SECRET_KEY": "k",
                          "PASSWORD_HASH_ROUNDS": 4, "TRUSTED_PROXIES": trusted})
        app.test_client_class = PortalClient
        with database.connection_context():
            create_demo()
        return app.test_client()
    yield client
    database.close()


def login(client, forwarded_for, nom="MOUTIN", password=DEMO_PASSWORD):
    return client.post("/connexion", headers={"X-Forwarded-For": forwarded_for},
                       data={"siret": DEMO_SIRET, "nom": nom, "prenom": "Claire", "password": password})


def guess_from(client, forwarded_for):
    for n in range(ADDRESS_FREE):
        login(client, forwarded_for, nom="INCONNU" + "X" * n, password="x")


def test_behind_a_trusted_proxy_one_visitors_failures_make_only_that_visitor_wait(behind):
    client = behind("127.0.0.1")
    guess_from(client, "203.0.113.5")
    assert login(client, "203.0.113.5").status_code == 429
    assert login(client, "198.51.100.7").status_code == 302  # a colleague behind the same proxy
    client.post("/deconnexion")
    # A visitor who writes its own X-Forwarded-For: the proxy appends the real address, which counts.
    assert login(client, "198.51.100.7, 203.0.113.5").status_code == 429


def test_without_trusted_proxies_a_forwarded_address_is_ignored(behind):
    client = behind("")
    for n in range(ADDRESS_FREE):
        login(client, f"192.0.2.{n}", nom="INCONNU" + "X" * n, password="x")
    assert login(client, "192.0.2.250").status_code == 429  # naming another address does not help


def test_a_forwarded_address_from_an_untrusted_peer_is_ignored(behind):
    client = behind("10.0.0.0/8")
    guess_from(client, "203.0.113.5")
    assert login(client, "198.51.100.7").status_code == 429  # the peer 127.0.0.1 is not a trusted proxy


def test_trusted_proxies_are_checked_at_start(sqlite_url):
    app = create_app({"DATABASE_URL": sqlite_url, "SECRET_KEY": "x",
                      "TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8"})
    assert [str(n) for n in app.wsgi_app.trusted] == ["127.0.0.1/32", "10.0.0.0/8"]
    with pytest.raises(RuntimeError, match="TRUSTED_PROXIES : « proxy.local »"):
        create_app({"DATABASE_URL": sqlite_url, "SECRET_KEY": "x", "TRUSTED_PROXIES": "proxy.local"})
