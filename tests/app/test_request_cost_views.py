"""The fixed cost of a request (issue 14.1): pages that need no data open no connection at all; a
logged-in page loads its person and firm in one statement, menu badge included (the firm's
maintained count of waiting requests, never a COUNT per request)."""
import contextlib

import pytest

from db.database import database
from db.models import PendingRequest
from tests.factories.people import demo_user
from tests.factories.queries import count_queries


@contextlib.contextmanager
def counting_connections():
    """Counts the connections opened (or taken from the pool) inside the block, from none open."""
    db = database.obj
    database.close()
    opened = []
    original = db.connect

    def connect(*args, **kwargs):
        opened.append(1)
        return original(*args, **kwargs)

    db.connect = connect
    try:
        yield lambda: len(opened)
    finally:
        del db.connect


@pytest.mark.parametrize("url", ["/connexion", "/static/app.css", "/static/vendor/htmx-2.0.11.min.js",
                                 "/mot-de-passe-oublie", "/identifiant-oublie"])
def test_pages_that_need_no_data_open_no_connection(client, url):
    with counting_connections() as connections, count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    assert (connections(), statements()) == (0, 0)


def test_a_logged_in_page_costs_one_statement_its_menu_badges_included(client, auth):
    with database.connection_context():
        sophie = demo_user("LEROY")
        PendingRequest.create(firm=sophie.firm_id, kind="password", requester=sophie.id,
                              requester_name=sophie.full_name, requester_email=sophie.email)
    auth.login()
    db = database.obj
    original, seen = db.execute_sql, []

    def recording(sql, params=None, *args, **kwargs):
        seen.append(sql)
        return original(sql, params, *args, **kwargs)

    db.execute_sql = recording
    try:
        with counting_connections() as connections:
            page = client.get("/menu").get_data(as_text=True)
    finally:
        del db.execute_sql
    assert "Demande en attente (1)" in page and "MOUTIN Claire" in page and connections() == 1
    # The person, the firm and both badges (« Demande en attente », « Vos notifications ») come in one
    # statement; the others are the page's own content (the tiles, the administrator's figures).
    assert sum('"user_session"' in sql for sql in seen) == 1
    assert not [sql for sql in seen if 'FROM "notification"' in sql or 'FROM "pending_request"' in sql]


def test_urls_are_built_once_and_stay_those_of_url_for(app, client, auth):
    """The templates' url_for remembers the URLs it built (webapp/templating.py): the same URL as
    Flask's, under whatever path the portal is mounted, and the routing map is not asked twice."""
    from flask import url_for

    from webapp.templating import cached_url_for

    auth.login()
    assert client.get("/gestion/portefeuilles").status_code == 200
    kept = app.extensions["portal_urls"]
    assert kept and all(url.startswith("/") for url in kept.values())
    cases = (("static", {"filename": "app.css"}), ("portfolios.compose", {"portfolio_id": 7}),
             ("auth.login", {"next": "/menu"}), ("auth.login", {"next": None}))
    for root in ("", "/portail"):
        with app.test_request_context("/gestion/portefeuilles", base_url=f"http://localhost{root}"):
            for endpoint, values in cases:
                assert cached_url_for(endpoint, **values) == url_for(endpoint, **values)
                assert cached_url_for(endpoint, **values).startswith(root + "/")
            assert cached_url_for("auth.login", _external=True) == url_for("auth.login", _external=True)
    built = []
    app.url_for = lambda *args, **kwargs: built.append(args)
    try:
        with app.test_request_context("/portail/menu", base_url="http://localhost/portail"):
            url = cached_url_for("portfolios.compose", portfolio_id=7)
    finally:
        del app.url_for
    assert url == "/portail/gestion/portefeuilles/7/composition"
    assert built == []  # remembered from the first loop


def test_a_logged_in_browsers_static_files_load_no_person(client, auth):
    """A static file needs nobody: the support desk's hook looks at the endpoint before the person."""
    auth.login()
    with counting_connections() as connections, count_queries() as statements:
        response = client.get("/static/app.css")
    assert response.status_code == 200
    assert (connections(), statements()) == (0, 0)
    assert response.headers["X-Frame-Options"] == "DENY" and response.headers["Cache-Control"] != "no-store"


def test_the_menu_personnalise_is_one_statement_its_tiles_and_figures_included(client, auth):
    auth.login()  # MOUTIN Claire, administrator: the dashboard of her firm, then her tiles
    client.get("/menu")
    with count_queries() as statements:
        page = client.get("/menu").get_data(as_text=True)
    assert "Votre cabinet" in page and "MOUTIN Claire" in page and statements() == 1

