"""Helpers shared by the benchmarks."""
from db.database import database


class Counter:
    """Counts the statements sent through the database's execute_sql: `with Counter() as c: …; c.count`."""

    def __enter__(self):
        self.count = 0
        db = database.obj
        original = db.execute_sql

        def counting(sql, params=None, *args, **kwargs):
            self.count += 1
            return original(sql, params, *args, **kwargs)

        db.execute_sql = counting
        return self

    def __exit__(self, *exc):
        del database.obj.execute_sql
