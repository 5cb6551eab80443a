"""Fixtures of the db/ tests."""
import pytest

from db.database import is_postgres
from db.models import DirectoryEstablishment, DirectoryUnit
from db.sirene import import_files
from tests.clients.conftest import admin  # noqa: F401 - the online directory adds clients
from tests.factories.database import SAMPLE_FILES


@pytest.fixture
def directory_restored(db_engine):
    """For tests that change the Sirene directory: on PostgreSQL (shared between tests) the
    bundled sample is put back afterwards; SQLite tests work on their own copy anyway."""
    yield db_engine
    if is_postgres():
        DirectoryEstablishment.delete().execute()
        DirectoryUnit.delete().execute()
        import_files(SAMPLE_FILES)
