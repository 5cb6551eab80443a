"""Fixtures of the unit and view tests: app, client, runner, auth; db_engine over both engines."""
import re

import pytest
from flask.testing import FlaskClient

from db import clock
from db.database import database, init_database
from db.demo import DEMO_PASSWORD, DEMO_SIRET, create_demo
from tests.factories.database import POSTGRES_URL, prepare
from webapp import create_app

ENGINES = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
# Reference data (catalogue, directory, migration history) is kept between PostgreSQL tests.
KEEP_ON_RESET = {"declaration", "sirene_unite_legale", "sirene_etablissement", "schema_migration"}
_TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')


@pytest.fixture(scope="session")
def postgres_ready():
    prepare(POSTGRES_URL)
    database.close()
    return POSTGRES_URL


@pytest.fixture(params=ENGINES)
def db_engine(request, sqlite_url):
    """The database, migrated, with the catalogue and the Sirene sample: SQLite, and
    PostgreSQL too when TEST_POSTGRES_URL is set (scripts/test.sh does it)."""
    if request.param == "sqlite":
        db = init_database(sqlite_url)
    else:
        request.getfixturevalue("postgres_ready")
        db = init_database(POSTGRES_URL)
        db.connect()
        firm_tables = [t for t in db.get_tables() if t not in KEEP_ON_RESET]
        quoted = ", ".join(f'"{t}"' for t in firm_tables)
        db.execute_sql(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
        db.close()
    db.connect()
    yield db
    db.close()
    clock.freeze(None)


@pytest.fixture
def demo_firm(db_engine):
    return create_demo()


class PortalClient(FlaskClient):
    """Test client that sends the CSRF token with every POST, as the pages (forms and htmx) do."""

    csrf_token = None

    def open(self, *args, **kwargs):
        method = kwargs.get("method", "GET")
        if method == "POST" and kwargs.pop("with_csrf", True):
            if self.csrf_token is None:
                self.open("/connexion", follow_redirects=True)
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRFToken", self.csrf_token)
            kwargs["headers"] = headers
        response = super().open(*args, **kwargs)
        if response.mimetype == "text/html":
            found = _TOKEN.search(response.get_data(as_text=True))
            if found:
                self.csrf_token = found.group(1)
        return response


@pytest.fixture
def app(sqlite_url):
    app = create_app({"TESTING": True, "DATABASE_URL": sqlite_url, "SECRET_KEY": "test-secret",
                      "PASSWORD_HASH_ROUNDS": 4})
    app.test_client_class = PortalClient
    with database.connection_context():
        create_demo()
    yield app
    database.close()
    clock.freeze(None)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, nom="MOUTIN", prenom="Claire", password=DEMO_PASSWORD, siret=DEMO_SIRET):
        return self._client.post(
            "/connexion",
            data={"siret": siret, "nom": nom, "prenom": prenom, "password": password},
            follow_redirects=True,
        )

    def login_declarant(self):
        return self.login(nom="DURAND", prenom="Paul")

    def logout(self):
        return self._client.post("/deconnexion", follow_redirects=True)


@pytest.fixture
def auth(client):
    return AuthActions(client)
