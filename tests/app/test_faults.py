"""Faults answered by the portal in French: bodies over the configured limit (413), a unique index
meeting two submits at once (409), and a database that is down, read-only or full (503, with the
pages that only read still working where the engine allows it)."""
import html

import pytest
from peewee import SqliteDatabase

from db.database import SQLITE_PRAGMAS, database, init_database
from db.models import Portfolio


def page(response):
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def default_portfolio(app):
    with database.connection_context():
        return Portfolio.get(Portfolio.is_default).id


def test_a_body_over_the_limit_is_a_french_413_and_stores_nothing(client, auth, default_portfolio):
    auth.login()
    path = f"/gestion/portefeuilles/{default_portfolio}/modifier"
    huge = "x" * (10 * 1024 * 1024)
    response = client.post(path, data={"name": "Portefeuille par défaut", "comment": huge})
    assert response.status_code == 413
    assert "Envoi trop volumineux" in page(response) and "rien n’a été enregistré" in page(response)
    response = client.post(path, data={"name": "Portefeuille par défaut", "comment": "é" * 2001})
    assert response.status_code == 422
    assert "Saisissez au plus 2\u202f000 caractères (2\u202f001 saisis)." in page(response)
    with database.connection_context():
        assert Portfolio.get_by_id(default_portfolio).comment == ""


def test_the_body_limit_is_configurable(app, client, auth, default_portfolio):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    auth.login()
    response = client.post(f"/gestion/portefeuilles/{default_portfolio}/modifier",
                           data={"name": "Portefeuille par défaut", "comment": "x" * 20_000})
    assert response.status_code == 413


def test_a_unique_index_meeting_two_submits_is_a_french_409(app):
    from peewee import IntegrityError

    @app.route("/_test/doublon")
    def duplicate():
        raise IntegrityError("UNIQUE constraint failed: portfolio.firm_id, portfolio.name_key")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/_test/doublon")
    assert response.status_code == 409
    assert "Action déjà enregistrée" in page(response) and "UNIQUE" not in page(response)


def _reopen(app, **pragmas):
    """Point the app at the same SQLite file opened with extra pragmas (read-only, or full)."""
    path = app.config["DATABASE_URL"][len("sqlite:///"):]
    database.close()
    database.initialize(SqliteDatabase(path, pragmas={**SQLITE_PRAGMAS, **pragmas}))


@pytest.mark.parametrize("pragmas", [{"query_only": 1}, {"max_page_count": 1}],
                         ids=["read-only", "disk full"])
def test_a_read_only_or_full_sqlite_keeps_pages_that_read_and_refuses_writes_in_french(
        app, client, auth, default_portfolio, pragmas):
    auth.login()
    app.config["PROPAGATE_EXCEPTIONS"] = False
    if "max_page_count" in pragmas:  # as full as the file is now: any page more is refused
        with database.connection_context():
            database.execute_sql("VACUUM")  # no free page left inside the file (dropped import tables)
            pragmas = {"max_page_count": database.execute_sql("PRAGMA page_count").fetchone()[0]}
    _reopen(app, **pragmas)
    for path in ("/menu", "/gestion/portefeuilles", f"/gestion/portefeuilles/{default_portfolio}/modifier"):
        assert client.get(path).status_code == 200, path
    response = client.post("/gestion/portefeuilles/ajouter", data={"name": "NOUVEAUX " + "x" * 90,
                                                                    "comment": "y" * 1900})
    assert response.status_code == 503
    assert "Le portail ne peut rien enregistrer pour le moment" in page(response)
    assert "MOUTIN Claire" in page(response)  # still logged in, with the menu
    assert "Internal Server Error" not in page(response)


def test_postgresql_down_is_a_french_page_for_people_logged_in_or_not(app, client, auth):
    auth.login()
    app.config["PROPAGATE_EXCEPTIONS"] = False
    init_database("postgresql://portal:x@127.0.0.1:1/portail")  # nothing listens on port 1
    for path in ("/menu", "/connexion", "/gestion/portefeuilles"):
        response = client.get(path)
        assert response.status_code == 503, path
        assert "Service momentanément indisponible" in page(response)
        assert "La base de données du portail ne répond pas." in page(response)
        assert "Internal Server Error" not in page(response)
