"""Fixtures of the habilitation tests."""
import datetime

import pytest

from db import clock
from tests.habilitations.helpers import world

NOW = datetime.datetime(2026, 11, 22, 13, 5)  # 14:05 in Paris


@pytest.fixture
def t(db_engine):
    """The test firms (see helpers.world), with the clock frozen at NOW."""
    clock.freeze(NOW)
    yield world()
    clock.freeze(None)
