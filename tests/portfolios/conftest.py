"""Fixtures of the portfolio tests."""
import pytest

from tests.portfolios.helpers import demo_admin


@pytest.fixture
def admin(demo_firm):
    """The demo firm's administrator (db tests, on SQLite and PostgreSQL)."""
    return demo_admin()
