"""Fixtures of the people tests."""
import pytest

from db.database import database
from tests.factories.firms import OTHER_SIRET, make_firm


@pytest.fixture
def other_firm(app):
    """A second firm next to the demo firm of the app fixture: BERNARD Alice, PETIT Marc."""
    with database.connection_context():
        return make_firm(OTHER_SIRET, "AUTRE CABINET", ("BERNARD", "Alice"), (("PETIT", "Marc"),))
