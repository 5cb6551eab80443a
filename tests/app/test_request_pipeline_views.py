"""What every request pays, made cheaper without changing what a browser sees (webapp/portal_flask.py,
webapp/opened_cookies.py, webapp/extensions.py): a session cookie sent back unchanged is not unsigned
again, but still ends with its age limit, a key change, a tampered signature, a logout; flashed
messages are not shared between requests; Flask-Login's fingerprint still tells browsers apart; the
Vary header and the headers handed to the server are werkzeug's, byte for byte. On both engines."""
import html
import time

import pytest
from flask import Response
from werkzeug.test import create_environ

from db.database import database
from tests.conftest import AuthActions, demo_app_on_engine
from webapp import opened_cookies
from webapp.portal_flask import PortalResponse, add_vary

LOGIN_MESSAGE = "Veuillez vous connecter pour accéder à cette page."


@pytest.fixture
def engine_app(db_engine, sqlite_url):
    app = demo_app_on_engine(sqlite_url)
    yield app
    database.close()


@pytest.fixture
def logged_in(engine_app):
    client = engine_app.test_client()
    AuthActions(client).login()
    assert client.get("/menu").status_code == 200  # the cookie now carries its CSRF secret too
    return client


def sent_again(client):
    """The browser's session cookie, as it sends it back on the next page."""
    return client.get_cookie("session").value


def to_login(response):
    return response.status_code == 302 and response.location.startswith("/connexion")


def test_a_cookie_sent_again_stays_logged_in_then_ends_at_its_age_limit(engine_app, logged_in, monkeypatch):
    cookie = sent_again(logged_in)
    for _ in range(3):
        response = logged_in.get("/menu")
        assert response.status_code == 200 and response.headers.getlist("Set-Cookie") == []
    assert sent_again(logged_in) == cookie
    # Past PERMANENT_SESSION_LIFETIME (the longest session) itsdangerous refuses the cookie: so does the
    # cookie already opened (the server-side session itself, on the database's clock, is still alive).
    lifetime = engine_app.permanent_session_lifetime.total_seconds()
    later = time.time() + lifetime + 60
    monkeypatch.setattr(opened_cookies.time, "time", lambda: later)
    assert to_login(logged_in.get("/menu"))


def test_a_cookie_already_opened_is_refused_after_a_key_change_or_when_tampered(engine_app, logged_in):
    cookie = sent_again(logged_in)
    assert logged_in.get("/menu").status_code == 200
    payload, signature = cookie.rsplit(".", 1)
    forged = payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    logged_in.set_cookie("session", forged)
    assert to_login(logged_in.get("/menu"))
    logged_in.set_cookie("session", cookie)
    assert logged_in.get("/menu").status_code == 200
    engine_app.secret_key = engine_app.config["SECRET_KEY"] = "a-new-secret"  # no fallback: everyone out
    assert to_login(logged_in.get("/menu"))


def test_the_cookie_sent_again_after_logout_opens_nothing(logged_in):
    cookie = sent_again(logged_in)
    assert logged_in.get("/menu").status_code == 200
    AuthActions(logged_in).logout()
    logged_in.set_cookie("session", cookie)
    assert to_login(logged_in.get("/menu"))


def test_a_cookie_carrying_messages_shows_them_once_however_often_it_is_sent(engine_app):
    client = engine_app.test_client()
    assert to_login(client.get("/menu"))  # the cookie now carries the message for the login page
    carrying = sent_again(client)
    for _ in range(3):  # each request adds the message to its own copy of the cookie's, not to a shared one
        client.set_cookie("session", carrying)
        assert to_login(client.get("/menu"))
    client.set_cookie("session", carrying)
    page = html.unescape(client.get("/connexion").get_data(as_text=True))
    assert page.count(LOGIN_MESSAGE) == 1


def test_the_cookie_from_another_address_opens_nothing(logged_in):
    # X-Forwarded-For from a peer that is no trusted proxy is dropped (webapp/proxies.py): the same browser.
    assert logged_in.get("/menu", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 200
    assert logged_in.get("/menu", headers={"User-Agent": "Un autre navigateur"}).status_code == 302
    AuthActions(logged_in).login()
    assert logged_in.get("/menu").status_code == 200
    assert to_login(logged_in.get("/menu", environ_base={"REMOTE_ADDR": "192.0.2.7"}))


@pytest.mark.parametrize("current", [
    [], [("Vary", "")], [("Vary", "HX-Request")], [("vary", "hx-request")], [("Vary", "Cookie")],
    [("VARY", "cookie")], [("Vary", "HX-Request, Cookie")], [("Vary", "HX-Request,Accept-Encoding")],
    [("Vary", "HX-Request ,\tOrigin")], [("Vary", "a,,b")], [("Vary", '"quoted", HX-Request')],
    [("Vary", "*")],
    [("Vary", "HX-Request"), ("X-A", "1"), ("vary", "Origin")], [("Vary", ""), ("vary", "Origin")],
])
@pytest.mark.parametrize("name", ["Cookie", "HX-Request"])
def test_vary_is_written_as_werkzeug_writes_it(current, name):
    ours, theirs = Response("x"), Response("x")
    for header, value in current:
        ours.headers.add(header, value)
        theirs.headers.add(header, value)
    add_vary(ours, name)
    theirs.vary.add(name)
    assert ours.headers.to_wsgi_list() == theirs.headers.to_wsgi_list()


@pytest.mark.parametrize("make", [
    lambda cls: cls("<p>page</p>"),
    lambda cls: cls("", status=204),
    lambda cls: cls("", status=304, headers={"ETag": '"x"', "Content-Type": "text/plain"}),
    lambda cls: cls("moved", status=302, headers={"Location": "/menu?é=1"}),
    lambda cls: cls("here", headers={"Content-Location": "/déclarations"}),
    lambda cls: cls(iter([b"streamed"])),
    lambda cls: cls("missing", status=404, headers={"X-A": "1", "X-B": "2"}),
    lambda cls: cls(b"", status=101),
])
def test_the_headers_handed_to_the_server_are_werkzeugs(make):
    environ = create_environ("/gestion/portefeuilles", "http://127.0.0.1:8000/")
    ours, theirs = make(PortalResponse), make(Response)
    assert ours.get_wsgi_headers(environ).to_wsgi_list() == theirs.get_wsgi_headers(environ).to_wsgi_list()
    assert ours.get_wsgi_headers(environ) is not ours.headers  # a copy, as werkzeug's


@pytest.mark.parametrize("path", ["/menu", "/declarations", "/declarations/DSN"])
def test_login_required_pages_send_an_anonymous_visitor_to_the_login_page_with_why(engine_app, path):
    client = engine_app.test_client()
    response = client.get(path)
    assert to_login(response) and response.location.endswith("next=" + path.replace("/", "%2F"))
    assert LOGIN_MESSAGE in html.unescape(client.get(response.location).get_data(as_text=True))
    # A POST is still checked for its CSRF token first (the method looked at before the exemptions).
    assert client.post("/deconnexion", with_csrf=False).status_code == 400
    assert to_login(client.post("/deconnexion"))


def test_the_person_outside_a_request_is_nobody_and_inside_the_one_logged_in(engine_app, logged_in):
    from webapp.access import current_person

    assert current_person() is None
    with engine_app.test_request_context("/menu"):
        assert not current_person().is_authenticated


def test_a_template_sees_its_own_globals_over_the_environments_and_in_includes(engine_app):
    env = engine_app.jinja_env
    env.globals["who"] = "environnement"
    env.globals["both"] = "environnement"
    included = env.from_string("{{ who }}/{{ both }}/{{ mine }}", globals={"both": "inclus"})
    page = env.from_string("{{ who }} {{ both }} {{ mine }} {% include inc %}", globals={"both": "page"})
    rendered = page.render(inc=included, mine="variable")
    assert rendered == "environnement page variable environnement/page/variable"
    assert list(page.new_context().parent) == list(dict(page.globals))  # same names, same order as Jinja's


ADAPTER_FIELDS = ("server_name", "script_name", "subdomain", "url_scheme", "path_info", "default_method",
                  "query_args", "websocket")


@pytest.mark.parametrize(("path", "base", "extra"), [
    ("/menu", "http://127.0.0.1:8000/", {}),
    ("/gestion/portefeuilles/2/composition?page=2&q=caf%C3%A9", "http://localhost/", {}),
    ("/déclarations", "https://portail.example.fr:443/", {}),
    ("/menu", "http://PORTAIL.example.fr:8080/portail/", {}),
    ("/menu", "http://127.0.0.1/", {"HTTP_CONNECTION": "keep-alive, Upgrade", "HTTP_UPGRADE": "websocket"}),
    ("/menu", "http://127.0.0.1/", {"HTTP_HOST": "bad host\\x"}),
])
def test_the_routing_map_is_bound_to_a_request_as_flask_binds_it(engine_app, path, base, extra):
    from flask import Flask

    for method in ("GET", "POST"):
        environ = create_environ(path, base, method=method)
        environ.update(extra)
        theirs_request = engine_app.request_class(dict(environ))
        theirs = Flask.create_url_adapter(engine_app, theirs_request)
        for _ in range(2):  # the second time from what the first kept
            ours_request = engine_app.request_class(dict(environ))
            ours = engine_app.create_url_adapter(ours_request)
            assert [getattr(ours, f) for f in ADAPTER_FIELDS] == [getattr(theirs, f) for f in ADAPTER_FIELDS]
            assert ours_request.host == theirs_request.host
            assert ours.map is theirs.map
