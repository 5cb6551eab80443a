"""Fixtures of the journal tests: the same ids as the declarations pages."""
from tests.declarations.conftest import world  # noqa: F401
from tests.habilitations.conftest import t  # noqa: F401
