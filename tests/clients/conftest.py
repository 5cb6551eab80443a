"""Fixtures of the portfolio tests."""
import csv
import functools

import pytest

from db.database import is_postgres
from db.models import DirectoryEstablishment, DirectoryUnit
from db.sirene import import_files
from tests.clients.helpers import demo_admin
from tests.factories.database import SAMPLE_FILES


@functools.cache
def _sample_keys():
    with open(SAMPLE_FILES[0], encoding="utf-8") as units, open(SAMPLE_FILES[1], encoding="utf-8") as sites:
        return [row["siren"] for row in csv.DictReader(units)], [row["siret"] for row in csv.DictReader(sites)]


def restore_directory():
    """PostgreSQL keeps the directory between tests: put the bundled sample back as it was
    (tests here add companies to it, change names and states)."""
    sirens, sirets = _sample_keys()
    DirectoryEstablishment.delete().where(DirectoryEstablishment.siret.not_in(sirets)).execute()
    DirectoryUnit.delete().where(DirectoryUnit.siren.not_in(sirens)).execute()
    import_files(SAMPLE_FILES)


@pytest.fixture
def admin(demo_firm):
    """The demo firm's administrator (db tests, on SQLite and PostgreSQL)."""
    yield demo_admin()
    if is_postgres():
        restore_directory()


@pytest.fixture
def admin_client(client, auth):
    auth.login()
    return client
