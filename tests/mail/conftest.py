"""Fixtures of the mail tests (moved with them; consolidated in tests/factories next)."""
from tests.accounts.conftest import certificate, smtp_server  # noqa: F401
from tests.people.conftest import demo_users, smtp_inbox  # noqa: F401
