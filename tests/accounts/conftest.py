"""Fixtures of the account tests: a walk through the inscription's steps with the test client, and the
demo administrator with a secret question (Mot de passe oublié)."""
import pytest

from db.database import database
from tests.factories.accounts import Wizard, give_claire_a_question


@pytest.fixture
def wizard(client):
    return Wizard(client)


@pytest.fixture
def with_question(demo_firm):
    """db tests: MOUTIN Claire has the secret question QUESTION."""
    give_claire_a_question()
    return demo_firm


@pytest.fixture
def questioned(app):
    """View tests: the app's MOUTIN Claire has the secret question QUESTION."""
    with database.connection_context():
        give_claire_a_question()
    return app
