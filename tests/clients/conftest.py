"""Fixtures of the clients tests (the demo administrator `admin` is in tests/conftest.py)."""
import pytest


@pytest.fixture
def admin_client(client, auth):
    """The test client, logged in as the demo firm's administrator."""
    auth.login()
    return client
