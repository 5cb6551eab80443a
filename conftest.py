"""Fixtures shared by tests/ and e2e/: a prepared SQLite template copied per test."""
import shutil

import pytest

from db.accounts import passwords
from db.database import database
from tests.factories.database import ensure_worker_database, prepare

passwords.set_rounds(4)  # bcrypt's minimum cost: hashing must not dominate the test run


def pytest_configure(config):
    ensure_worker_database()


@pytest.fixture(scope="session")
def template_sqlite(tmp_path_factory):
    """A prepared SQLite file, copied by each test that needs a database (much faster than
    migrating and importing again)."""
    path = str(tmp_path_factory.mktemp("template") / "template.sqlite3")
    prepare("sqlite:///" + path)
    database.close()
    return path


@pytest.fixture(scope="session")
def demo_template_sqlite(template_sqlite, tmp_path_factory):
    """The prepared template with the demo firm created once (bcrypt at the tests' cost): each
    journey's server starts from a copy instead of running `flask demo` in a process of its own."""
    from db.database import init_database
    from db.demo import create_demo

    path = str(tmp_path_factory.mktemp("demo-template") / "demo.sqlite3")
    shutil.copyfile(template_sqlite, path)
    init_database("sqlite:///" + path)
    with database.connection_context():
        create_demo()
    database.close()
    return path


@pytest.fixture
def sqlite_url(template_sqlite, tmp_path):
    path = tmp_path / "portal.sqlite3"
    shutil.copyfile(template_sqlite, path)
    return f"sqlite:///{path}"
