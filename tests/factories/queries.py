"""Counting the SQL statements an action runs, for the tests that a page's query count does not
grow with the number of rows."""
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
