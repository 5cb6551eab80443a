"""The web shell: configuration layers, secret key, French error pages, CSRF, headers."""
import html
import os

import pytest

from tests.conftest import _TOKEN
from webapp import create_app


def test_settings_come_from_defaults_then_instance_file_then_environment(tmp_path, monkeypatch, sqlite_url):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(
        'PORTAL_MODE = "production"\nPUBLIC_URL = "https://portail.example"\nMAIL_HOST = "smtp.fichier"\n')
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(instance))
    monkeypatch.setenv("MAIL_HOST", "smtp.environnement")
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = create_app()
    assert app.config["PORTAL_MODE"] == "production"  # instance/config.py over the default
    assert app.config["MAIL_HOST"] == "smtp.environnement"  # the environment over the file
    assert app.config["MAIL_PORT"] == 25  # default kept


@pytest.mark.parametrize(("settings", "message"), [
    ({"PORTAL_MODE": "production"}, "PORTAL_MODE=production demande PUBLIC_URL"),
    ({"PORTAL_MODE": "prod", "PUBLIC_URL": "https://p.example"}, "choisissez demo ou production"),
    ({"PUBLIC_URL": "portail.example"}, "une adresse complète est attendue"),
])
def test_the_portal_refuses_to_start_on_unsafe_settings(sqlite_url, settings, message):
    with pytest.raises(RuntimeError, match=message):
        create_app({"DATABASE_URL": sqlite_url, "SECRET_KEY": "x", **settings})


def test_missing_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch, sqlite_url):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = create_app({"DATABASE_URL": sqlite_url}).config["SECRET_KEY"]
    second = create_app({"DATABASE_URL": sqlite_url}).config["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert oct(os.stat(tmp_path / "instance" / "secret_key").st_mode & 0o777) == "0o600"


def test_https_public_url_makes_cookies_secure(sqlite_url):
    app = create_app({"DATABASE_URL": sqlite_url, "SECRET_KEY": "x", "PUBLIC_URL": "https://portail.example"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_unknown_page_is_a_french_404(client):
    response = client.get("/nulle-part")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert '<html lang="fr">' in page and "Page introuvable" in page


def test_post_without_csrf_token_is_refused(client):
    response = client.post("/connexion", data={"siret": "97785096500020"}, with_csrf=False)
    assert response.status_code == 400
    assert "Le formulaire a expiré ou n'est pas valide" in html.unescape(response.get_data(as_text=True))


def test_csrf_token_in_htmx_header_is_accepted(client):
    page = client.get("/connexion").get_data(as_text=True)
    assert 'hx-headers=\'{"X-CSRFToken": "' in page
    response = client.post("/connexion", data={"siret": "", "nom": "", "prenom": "", "password": ""},
                           headers={"HX-Request": "true"})
    assert response.status_code == 422  # the form's own refusal (bad input), not a CSRF error (400)
    assert "Ce champ est obligatoire." in response.get_data(as_text=True)


def test_a_session_keeps_one_csrf_token_that_another_session_cannot_use(app, client, auth):
    """The token signed once per session (webapp/extensions.py csrf_token) is the one every page shows,
    and it is accepted; a token of another session is refused."""
    auth.login()
    tokens = {_TOKEN.search(client.get(path).get_data(as_text=True)).group(1)
              for path in ("/declarations", "/menu", "/notifications")}
    assert len(tokens) == 1
    (token,) = tokens
    assert client.post("/notifications/tout-lu", headers={"X-CSRFToken": token}).status_code == 302
    other = app.test_client()
    other_token = _TOKEN.search(other.get("/connexion").get_data(as_text=True)).group(1)
    assert other_token != token
    assert client.post("/notifications/tout-lu", headers={"X-CSRFToken": other_token}).status_code == 400


@pytest.mark.parametrize("path", ["/connexion", "/static/app.css"])
def test_security_headers(client, path):
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "geolocation=()" in response.headers["Permissions-Policy"]


def test_htmx_is_vendored_and_pinned(client):
    page = client.get("/connexion").get_data(as_text=True)
    assert "/static/vendor/htmx-2.0.11.min.js" in page
    script = client.get("/static/vendor/htmx-2.0.11.min.js")
    assert script.status_code == 200 and b'version:"2.0.11"' in script.data


def test_pages_work_as_a_package_user_would_see_them(client, auth):
    response = auth.login()
    page = response.get_data(as_text=True)
    assert "Aller au contenu" in page  # skip link
    assert 'aria-live="polite"' in page  # messages region
    assert "print.css" in page  # print stylesheet
