"""Hostile values through the main pages with the app on each engine: PostgreSQL refuses what
SQLite stores (a NUL character in any text), so the pages are attacked on both."""
import pytest

from db.database import database
from tests.conftest import AuthActions, demo_app_on_engine
from tests.factories.demo import demo_rows
from tests.security.test_hostile_input import attack

PAGES = [
    "/gestion/portefeuilles",
    "/gestion/portefeuilles/ajouter",
    "/gestion/portefeuilles/{p}/modifier",
    "/gestion/portefeuilles/{p}/composition",
    "/gestion/portefeuilles/{p}/declarants",
    "/gestion/entreprises/{c}/declarations/etablissements",
    "/gestion/habilitations?portfolio={p}&search=1",
    "/gestion/declarants/",
    "/gestion/declarants/nouveau",
    "/gestion/declarants/{u}",
    "/gestion/journal",
    "/compte/",
    "/besoin-d-aide/",
]


@pytest.fixture
def engine_client(db_engine, sqlite_url):
    app = demo_app_on_engine(sqlite_url)
    with database.connection_context():
        rows = demo_rows()
    client = app.test_client()
    AuthActions(client).login()
    yield client, {"p": rows.portfolio.id, "c": rows.company.id, "u": rows.declarant.id}
    database.close()


@pytest.mark.parametrize("path", PAGES)
def test_pages_withstand_hostile_values_on_each_engine(engine_client, path):
    client, ids = engine_client
    found = attack(client, path.format(**ids))
    assert not found, f"{len(found)} problem(s):\n" + "\n".join(found)
