"""Fixtures shared by tests/ and e2e/: a prepared SQLite template copied per test."""
import shutil

import pytest

from db.accounts import passwords
from db.database import database
from tests.factories.database import prepare

passwords.set_rounds(4)  # bcrypt's minimum cost: hashing must not dominate the test run


@pytest.fixture(scope="session")
def template_sqlite(tmp_path_factory):
    """A prepared SQLite file, copied by each test that needs a database (much faster than
    migrating and importing again)."""
    path = str(tmp_path_factory.mktemp("template") / "template.sqlite3")
    prepare("sqlite:///" + path)
    database.close()
    return path


@pytest.fixture
def sqlite_url(template_sqlite, tmp_path):
    path = tmp_path / "portal.sqlite3"
    shutil.copyfile(template_sqlite, path)
    return f"sqlite:///{path}"
