"""Fixtures of the cross-cutting security tests: one app per module on a copy of the prepared
database, with the demo firm (A), a second firm (B) and a support agent, and one logged-in test
client per kind of person. Every check here is a refusal, so the world is shared by the module's
tests; each test compares row counts before and after to prove that nothing was written."""
import shutil
from types import SimpleNamespace

import pytest

from db import clock
from db.database import database
from db.demo import create_demo
from db.models import ALL_MODELS
from tests.conftest import AuthActions, PortalClient
from tests.factories.demo import demo_rows, login_of
from tests.factories.firms import second_firm
from tests.factories.people import AGENT_EMAIL, AGENT_PASSWORD, make_agent
from webapp import create_app


def row_counts():
    """Rows of every table: a refused request must leave each count as it was."""
    with database.connection_context():
        return {model.__name__: model.select().count() for model in ALL_MODELS}


@pytest.fixture(scope="module")
def world(template_sqlite, tmp_path_factory):
    path = tmp_path_factory.mktemp("security") / "portal.sqlite3"
    shutil.copyfile(template_sqlite, path)
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "test-secret",
                      "PASSWORD_HASH_ROUNDS": 4})
    app.test_client_class = PortalClient
    with database.connection_context():
        create_demo()
        a, b = demo_rows(), second_firm()
        make_agent()
        agent = {"email": AGENT_EMAIL, "password": AGENT_PASSWORD}
        logins = {"admin_a": login_of(a.admin, a.password), "declarant_a": login_of(a.declarant, a.password),
                  "admin_b": login_of(b.admin, b.password)}
    clients = {"anonymous": app.test_client()}
    for who, values in logins.items():
        clients[who] = app.test_client()
        page = AuthActions(clients[who]).login(**values)
        landing = "/menu" if who.startswith("admin") else "/declarations"  # administrators: their dashboard
        assert page.request.path == landing, f"{who} could not log in"
    clients["support"] = app.test_client()
    landing = clients["support"].post("/support/connexion", data=agent, follow_redirects=True)
    assert landing.request.path == "/support/", "the support agent could not log in"
    yield SimpleNamespace(app=app, a=a, b=b, clients=clients)
    database.close()
    clock.freeze(None)
