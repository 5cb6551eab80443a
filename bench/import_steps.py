"""`bench_sirene_import --steps`: where an import's seconds go, from its own statements. Every statement
run through the database object (on any thread's connection) is timed; after each import, those that took
at least STEP_SECONDS are printed in order (seconds from the start, duration, thread, statement's head),
the converter's chunks summed into one line. COPY goes through the cursor and is not listed (it overlaps
the converting: its share is the gap the converter's line leaves). On a PostgreSQL server of this machine,
the CPU seconds of each thread's server processes (from /proc, read after each statement: COPY included, the
index builds' parallel workers not), a figure that the load of other processes changes less than the
seconds of the clock."""
import os
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
        self.cpu = {}  # thread → CPU seconds of its connections' server processes
        self.read_at = {}  # backend pid → its CPU seconds at the end of its last statement
        self.spent = []  # (end, thread, CPU seconds) of each statement, COPYs before it included
        engine = type(database.obj)
        original = engine.execute_sql

        def timed(db, sql, params=None, *args, **kwargs):
            started = time.perf_counter()
            pid = _backend_pid(db)
            if pid not in self.read_at:
                self.read_at[pid] = _cpu_seconds(pid)
            try:
                return original(db, sql, params, *args, **kwargs)
            finally:
                thread = threading.current_thread().name
                self.seen.append((started, time.perf_counter() - started, thread, sql))
                self._count_cpu(thread, pid)

        engine.execute_sql = timed

    def start(self):
        self.seen.clear()
        self.cpu.clear()
        self.read_at.clear()
        self.spent.clear()
        self.started = time.perf_counter()

    def _count_cpu(self, thread, pid):
        """Add to thread the CPU its connection's server process used since its previous statement
        (a COPY between them included; pooled connections pass from thread to thread)."""
        before, now = self.read_at[pid], _cpu_seconds(pid)
        if before is not None and now is not None:
            self.cpu[thread] = self.cpu.get(thread, 0.0) + now - before
            self.spent.append((time.perf_counter(), thread, now - before))
        self.read_at[pid] = now

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
        if self.cpu:
            lines.append("    CPU des processus serveur : " + ", ".join(
                f"{thread} {seconds:.2f} s" for thread, seconds in self.cpu.items()))
            lines += self._switch_cpu()
        return lines

    def _switch_cpu(self):
        """The CPU of what follows the COPYs: the statements that end after the new table's first VACUUM
        (run once the last chunk is COPYed), the converter's excepted: ANALYZE, second VACUUM, index
        builds (their parallel workers not counted), the merge of the rows the file lacks, the switch."""
        first = next(((s, d) for s, d, _, sql in self.seen if sql.startswith("VACUUM")), None)
        if first is None:
            return []
        after = sum(cpu for end, thread, cpu in self.spent
                    if thread != "sirene-converter" and end > first[0] + first[1] + 0.005)
        return [f"    CPU des processus serveur après la copie (hors conversion) : {after:.2f} s"]


def _backend_pid(db):
    """The server process of this thread's connection (PostgreSQL), or None."""
    info = getattr(db.connection(), "info", None)
    return getattr(info, "backend_pid", None)


def _cpu_seconds(pid):
    """User and system CPU seconds of a local process so far, or None (SQLite, a remote server)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (OSError, TypeError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
