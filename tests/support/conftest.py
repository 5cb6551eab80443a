"""Fixtures of the support desk tests (moved with them; consolidated in tests/factories next)."""
from tests.people.conftest import demo_users, firm  # noqa: F401
