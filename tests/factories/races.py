"""Two requests that meet: another transaction holds an uncommitted row while an operation runs, so
that the operation's checks cannot see it and its insert waits on the unique index; then the other
commits. On PostgreSQL the interleaving is exact (the waiting backend shows in pg_stat_activity)."""
import threading
import time

import psycopg2

from db.database import database
from tests.factories.database import POSTGRES_URL


def _waiting_on_a_lock(cursor):
    cursor.execute("SELECT pg_stat_clear_snapshot()")  # else the transaction keeps reading its first snapshot
    cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                   "AND wait_event_type = 'Lock'")
    return cursor.fetchone()[0] > 0


def meanwhile(other_insert, operation):
    """Run operation() while another connection's transaction holds other_insert (a Peewee insert
    query) uncommitted; commit it once the operation waits for it. Returns what the operation
    returned or raised ("value" or "error"), and whether it waited ("waited")."""
    sql, params = other_insert.sql()
    other = psycopg2.connect(POSTGRES_URL)
    outcome = {}

    def run():
        try:
            outcome["value"] = operation()
        except Exception as exc:  # noqa: BLE001 - handed to the test
            outcome["error"] = exc
        finally:
            database.close()

    try:
        with other.cursor() as cursor:
            cursor.execute(sql, params)
            thread = threading.Thread(target=run)
            thread.start()
            deadline = time.monotonic() + 10
            while not _waiting_on_a_lock(cursor) and thread.is_alive():
                assert time.monotonic() < deadline, "the operation never waited for the other transaction"
                time.sleep(0.01)
            outcome["waited"] = thread.is_alive()  # False: it ended without waiting for the other one
        other.commit()
        thread.join(10)
    finally:
        other.close()
    return outcome
