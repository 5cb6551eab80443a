"""Fixtures of the unit and view tests: db_engine over both engines, app, client, runner, auth; and the
fixtures several areas share (a firm of their own, the demo firm's people and administrator, the
Sirene directory put back after a test changed it)."""
import re

import pytest
from flask.testing import FlaskClient

from db import clock
from db.database import database, init_database, is_postgres
from db.demo import DEMO_PASSWORD, DEMO_SIRET, create_demo
from db.models import User
from tests.factories.database import POSTGRES_URL, prepare
from tests.factories.directory import restore_directory
from tests.factories.firms import OTHER_SIRET, make_firm
from tests.factories.people import demo_user
from webapp import create_app

ENGINES = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
# Reference data (catalogue, directory, migration history) is kept between PostgreSQL tests.
KEEP_ON_RESET = {"declaration", "sirene_unite_legale", "sirene_etablissement", "schema_migration"}
_TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')


@pytest.fixture(scope="session")
def postgres_ready():
    prepare(POSTGRES_URL, fresh=True)
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


@pytest.fixture
def admin(demo_firm, directory_restored):
    """The demo firm's administrator, MOUTIN Claire (db tests, on SQLite and PostgreSQL)."""
    return demo_user("MOUTIN")


@pytest.fixture
def directory_restored(db_engine):
    """For tests that change the Sirene directory: PostgreSQL keeps it between tests, so the
    bundled sample is put back afterwards (SQLite tests work on their own copy anyway)."""
    yield db_engine
    if is_postgres():
        restore_directory()


@pytest.fixture
def firm(db_engine):
    """A firm of its own (no demo firm): administrator BERNARD Alice and déclarant PETIT Marc,
    `_, admin, [marc] = firm`."""
    return make_firm(OTHER_SIRET, "CABINET TEST", ("BERNARD", "Alice"), (("PETIT", "Marc"),))


@pytest.fixture
def demo_users(app):
    """The demo firm's people by nom: MOUTIN (admin), DURAND, LEROY."""
    with database.connection_context():
        return {u.nom: u for u in User.select().where(User.firm.is_null(False))}


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


def demo_app_on_engine(sqlite_url):
    """The portal on the test's engine (db_engine: SQLite file or PostgreSQL) with the demo firm, its
    test client a PortalClient; the caller closes the connection when done."""
    app = create_app({"TESTING": True, "DATABASE_URL": POSTGRES_URL if is_postgres() else sqlite_url,
                      "SECRET_KEY": "test-secret", "PASSWORD_HASH_ROUNDS": 4})
    app.test_client_class = PortalClient
    with database.connection_context():
        create_demo()
    return app


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
