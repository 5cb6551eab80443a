"""Fixtures of the notification tests: the firms of the habilitation tests (see tests/habilitations)."""

from tests.habilitations.conftest import t  # noqa: F401 - the same firms, clients and people
