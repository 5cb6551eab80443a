"""Sessions as a browser lives them: the cookie replayed after « Se déconnecter » opens nothing, and a
session ends after its idle time or its lifetime (both configurable), with the login page saying why."""
import html

import pytest

from db import clock
from tests.conftest import AuthActions
from tests.factories.accounts import NOON


def text(response):
    return html.unescape(response.get_data(as_text=True))


def test_the_cookie_replayed_after_logout_opens_nothing(client, auth):
    auth.login()
    stolen = client.get_cookie("session").value
    assert client.get("/menu").status_code == 200
    auth.logout()
    client.set_cookie("session", stolen)
    response = client.get("/menu")
    assert response.status_code == 302 and response.location.startswith("/connexion")
    assert "Votre session a pris fin" in text(client.get(response.location))


@pytest.mark.parametrize(("settings", "quiet", "ended"), [
    ({}, {"minutes": 29}, {"minutes": 31}),
    ({"SESSION_IDLE_MINUTES": 5}, {"minutes": 4}, {"minutes": 6}),
])
def test_a_session_ends_after_its_idle_time(app, client, auth, settings, quiet, ended):
    app.config.update(settings)
    clock.freeze(NOON)
    auth.login()
    clock.advance(**quiet)
    assert client.get("/menu").status_code == 200
    clock.advance(**ended)
    response = client.get("/gestion/portefeuilles")
    assert response.status_code == 302
    assert response.location == "/connexion?next=%2Fgestion%2Fportefeuilles"
    assert "Votre session a pris fin (déconnexion, inactivité" in text(client.get(response.location))


@pytest.mark.parametrize(("settings", "hours"), [({}, 12), ({"SESSION_LIFETIME_HOURS": 2}, 2)])
def test_a_busy_session_ends_after_its_lifetime(app, client, auth, settings, hours):
    app.config.update(settings)
    clock.freeze(NOON)
    auth.login()
    for _ in range(hours * 3 - 1):
        clock.advance(minutes=20)
        assert client.get("/menu").status_code == 200
    clock.advance(minutes=21)
    assert client.get("/menu").status_code == 302


def test_two_browsers_have_two_sessions_and_logging_out_of_one_keeps_the_other(app, auth, client):
    other = app.test_client()
    auth.login()
    AuthActions(other).login()
    auth.logout()
    assert client.get("/menu").status_code == 302
    assert other.get("/menu").status_code == 200


def test_a_page_re_sends_no_cookie_when_nothing_changed(client, auth):
    client.get("/connexion")
    assert client.get("/connexion").headers.getlist("Set-Cookie") == []
    auth.login()
    client.get("/menu")
    assert client.get("/menu").headers.getlist("Set-Cookie") == []


def test_a_logged_in_cookie_replayed_from_another_browser_opens_nothing(client, auth):
    auth.login()
    assert client.get("/menu").status_code == 200
    response = client.get("/menu", headers={"User-Agent": "Un autre navigateur"})
    assert response.status_code == 302 and response.location.startswith("/connexion")
