"""Journeys in Debian's Chromium against a live server on a temporary database.

Each test gets its own server process (the app factory, `flask run`) on a free loopback port,
over a copy of the prepared SQLite template with the demo firm (created once per run). Browsers are
never downloaded: Playwright drives /usr/bin/chromium through executable_path.
"""
import contextlib
import os
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.factories.servers import free_port

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "timezone_id": "Europe/Paris"}


class LiveServer:
    def __init__(self, base, database_path, instance_path):
        self.base = base
        self.database_path = database_path
        self.instance_path = instance_path

    def url(self, path="/"):
        return self.base + path

    def flask(self, *args):
        """Run a `flask --app webapp` command against this server's database."""
        return subprocess.run(
            [sys.executable, "-m", "flask", "--app", "webapp", *args],
            cwd=ROOT, env=_env(self.database_path, self.instance_path), capture_output=True, text=True,
            check=True,
        )


def _env(database_path, instance_path, public_url=""):
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database_path}",
        "SECRET_KEY": "e2e-secret",
        "PORTAL_MODE": "demo",
        "PORTAL_INSTANCE_PATH": instance_path,
        "PUBLIC_URL": public_url,  # mailed links lead back to this server
    }


# The server's own settings file: bcrypt at its minimum cost, as in the other tests (each login and
# new password would otherwise cost a quarter of a second of the journeys' time).
INSTANCE_CONFIG = "PASSWORD_HASH_ROUNDS = 4\n"


@contextlib.contextmanager
def serve(database_path, folder):
    """A demo-mode server over database_path (a copy of the demo template), its log and instance in
    folder."""
    instance_path = str(folder / "instance")
    os.makedirs(instance_path)
    with open(os.path.join(instance_path, "config.py"), "w") as settings:
        settings.write(INSTANCE_CONFIG)
    port = free_port()
    env = _env(database_path, instance_path, f"http://127.0.0.1:{port}")
    log = open(folder / "server.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "webapp", "run", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/connexion", timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(
                    "the live server did not start: " + open(folder / "server.log").read()
                ) from None
            time.sleep(0.1)
    try:
        yield LiveServer(base, database_path, instance_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture
def live_server(sqlite_url, demo_template_sqlite, tmp_path):
    """A server over a copy of the demo template (what `flask demo` creates, made once per run)."""
    database_path = sqlite_url[len("sqlite:///"):]
    shutil.copyfile(demo_template_sqlite, database_path)
    with serve(database_path, tmp_path) as server:
        yield server


@pytest.fixture(scope="module")
def module_server(demo_template_sqlite, tmp_path_factory):
    """One server for a whole module whose journeys only read, or write what the others do not look at."""
    folder = tmp_path_factory.mktemp("module-server")
    shutil.copyfile(demo_template_sqlite, folder / "portal.sqlite3")
    with serve(str(folder / "portal.sqlite3"), folder) as server:
        yield server


@pytest.fixture
def login(page, live_server):
    """Log in through the connexion page; returns the page on the Menu personnalisé."""
    from db.demo import DEMO_PASSWORD, DEMO_SIRET

    def _login(nom="MOUTIN", prenom="Claire", password=DEMO_PASSWORD, siret=DEMO_SIRET, on=None):
        """on: another page (another browser of the journey) than the test's own."""
        browser_page = on or page
        browser_page.goto(live_server.url("/connexion"))
        browser_page.get_by_label("SIRET").fill(siret)
        browser_page.get_by_label("Nom", exact=True).fill(nom)
        browser_page.get_by_label("Prénom").fill(prenom)
        browser_page.get_by_label("Mot de passe").fill(password)
        browser_page.get_by_role("button", name="Je me connecte").click()
        return browser_page

    return _login
