"""The PostgreSQL pool (db/database.py): a connection given back a moment ago is lent again without a
round trip to the server; one idle for longer than PING_IDLE_SECONDS is checked first, and one the
server closed meanwhile is discarded, never lent."""
import pytest

from db import database as binding
from db.database import open_database
from tests.factories.database import POSTGRES_URL

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="needs TEST_POSTGRES_URL (scripts/test.sh sets it)")


@pytest.fixture
def pool():
    db = open_database(POSTGRES_URL)
    yield db
    db.close_all()


def _lent(pool):
    """The driver connection the pool lends."""
    pool.connect()
    conn = pool.connection()
    return conn


def test_a_connection_given_back_a_moment_ago_is_lent_without_a_round_trip(pool, monkeypatch):
    first = _lent(pool)
    pool.close()
    pings = []
    monkeypatch.setattr(pool._adapter, "is_connection_closed", lambda conn: pings.append(conn) or False)
    assert _lent(pool) is first and pings == []
    assert pool.execute_sql("SELECT 1").fetchone() == (1,)
    pool.close()


def test_a_connection_idle_for_long_is_checked_and_a_dead_one_discarded(pool, monkeypatch):
    first = _lent(pool)
    pool.close()
    now = [binding.time.monotonic()]
    monkeypatch.setattr(binding.time, "monotonic", lambda: now[0])
    now[0] += binding.PING_IDLE_SECONDS + 1
    assert _lent(pool) is first  # checked by a round trip: alive
    pool.close()
    killer = open_database(POSTGRES_URL)
    backend = first.info.backend_pid
    killer.execute_sql("SELECT pg_terminate_backend(%s)", (backend,))
    killer.close_all()
    now[0] += binding.PING_IDLE_SECONDS + 1
    second = _lent(pool)
    assert second is not first and pool.execute_sql("SELECT 1").fetchone() == (1,)
    pool.close()


def test_a_connection_left_in_a_transaction_comes_back_idle(pool):
    conn = _lent(pool)
    pool.execute_sql("BEGIN")
    pool.execute_sql("SELECT 1")
    pool.close()
    assert _lent(pool) is conn
    # now() is the start of the transaction: equal to the statement's own only in a new one
    assert pool.execute_sql("SELECT now() = statement_timestamp()").fetchone() == (True,)
    pool.close()
