"""Counting the SQL statements an action runs: for the tests that a page's or an operation's
statement count does not grow with the number of rows, and for the figures bench/ prints.

bench/ imports it from here as it imports tests.factories.database.prepare: the benchmarks
measure with the tests' tools, and db/ keeps no instrumentation of its own."""
import contextlib

from db.database import database


@contextlib.contextmanager
def count_queries():
    """Counts the SQL statements run inside the block: `with count_queries() as n: ...; n()`."""
    db = database.obj
    original = db.execute_sql
    statements = []

    def counting(sql, params=None, *args, **kwargs):
        statements.append(sql)
        return original(sql, params, *args, **kwargs)

    db.execute_sql = counting
    try:
        yield lambda: len(statements)
    finally:
        del db.execute_sql


def page_queries(client, url):
    """The statements a GET of url runs; the page must answer 200."""
    with count_queries() as count:
        assert client.get(url).status_code == 200
    assert count() > 0  # the counter sees the app's queries
    return count()
