"""`bench_sirene_import --steps`: where an import's seconds go, from its own statements. Every statement
run through the database object (on any thread's connection) is timed; after each import, those that took
at least STEP_SECONDS are printed in order (seconds from the start, duration, thread, statement's head),
the converter's chunks summed into one line. COPY goes through the cursor and is not listed (it overlaps
the converting: its share is the gap the converter's line leaves)."""
import re
import threading
import time

from db.database import database

STEP_SECONDS = 0.1
_CHUNK = re.compile(r"sirene_stock_\d+_\d+")


class ImportSteps:
    def __init__(self):
        self.seen = []  # (started, seconds, thread, statement), appended from any thread
        self.started = 0.0
        engine = type(database.obj)
        original = engine.execute_sql

        def timed(db, sql, params=None, *args, **kwargs):
            started = time.perf_counter()
            try:
                return original(db, sql, params, *args, **kwargs)
            finally:
                thread = threading.current_thread().name
                self.seen.append((started, time.perf_counter() - started, thread, sql))

        engine.execute_sql = timed

    def start(self):
        self.seen.clear()
        self.started = time.perf_counter()

    def report(self):
        """The lines to print for the import since start()."""
        def converts(sql):
            return sql.startswith("INSERT") and _CHUNK.search(sql)

        converting = [(s - self.started, d) for s, d, _, sql in self.seen if converts(sql)]
        lines = []
        if converting:
            first, last = converting[0][0], max(s + d for s, d in converting)
            lines.append(f"    {first:6.2f} s → {last:6.2f} s  conversion : {len(converting)} morceaux, "
                         f"{sum(d for _, d in converting):.2f} s d'INSERT … SELECT")
        for started, seconds, thread, sql in self.seen:
            if seconds >= STEP_SECONDS and not converts(sql):
                at, head = started - self.started, " ".join(sql.split())[:90]
                lines.append(f"    {at:6.2f} s  {seconds:5.2f} s  {thread[:12]:<12} {head}")
        return lines
