"""The PostgreSQL import's work on its new directory table (see staging_postgres.py): created empty,
VACUUM, statistics, index builds, the latter on a second connection beside the importing one, the
scratch transactions all of it commits in; at the switch, the rows the files lack added and the
table renamed in."""
import contextlib
import threading

from db.database import database
from db.sirene.staging import quoted

BUILD_MEMORY = "256MB"  # maintenance_work_mem of each index build
# The tables an import fills (staged chunks, the new directory table until the switch), left alone by
# autovacuum: a table's first 1,000 rows inserted start it (new tables count as empty), and it then
# took a core from the COPY and the converter, and held a lock that the next index build or VACUUM
# waited a whole deadlock_timeout (1 s) for before cancelling it. The import vacuums and analyzes the
# new table itself, and gives it back to autovacuum at the switch.
NO_AUTOVACUUM = "WITH (autovacuum_enabled = false)"


def vacuum(kind):
    """VACUUM the new table: its visibility map then lets the switch's anti-join, and the next
    import's, read the primary keys alone instead of the rows (a re-import read both tables' million
    rows in key order: 1 to 2.8 s). Autovacuum would do it after the switch anyway (a million rows
    inserted), during whatever runs next; an import within the minute waited for it, its SHARE lock
    cancelling it only after deadlock_timeout (1 s). Run first while the converter still inserts
    (its lock allows that), on the importing connection, idle then: the pages of the chunks already
    converted are set all-visible there, and the second run, once the converter is done, only reads
    the pages of the last chunks (TRUNCATE false: the converter holds the lock a truncation would
    wait for). Both run before the index builds, which then find the rows' hint bits set instead of
    setting them (and dirtying every page again)."""
    database.execute_sql(f"VACUUM (TRUNCATE false) {quoted(kind.table + '__next')}")


def analyze_statement(kind):
    """The statement of the new table's statistics: every column, at the targets the table took from
    the live one (statistics_targets: 0 for the columns that decide no plan, migration 0960). An
    ANALYZE of the whole table resets its count of changed rows, a list of columns does not: the
    converter's million inserts then left the new directory due for autovacuum's own ANALYZE of every
    column within the minute after the switch (0.5–0.7 s of a core), and a re-import started in that
    minute had its switch's lock wait for it. The rows the switch adds from the current directory (a
    stock file lacks few) are not in them, nor the last chunks' when it runs while they are converted
    (PostgresStaging._analyze_early), the planner scaling its row counts by the table's size."""
    return f"ANALYZE {quoted(kind.table + '__next')}"


def statistics_targets(kind):
    """Give the new table the live table's statistics targets (CREATE TABLE … LIKE does not copy them)."""
    targets = database.execute_sql(
        "SELECT attname, attstattarget FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
        "AND NOT attisdropped AND attstattarget >= 0 ORDER BY attnum", (quoted(kind.table),)).fetchall()
    if targets:
        database.execute_sql(f"ALTER TABLE {quoted(kind.table + '__next')} " + ", ".join(
            f"ALTER COLUMN {quoted(name)} SET STATISTICS {target}" for name, target in targets))


@contextlib.contextmanager
def scratch():
    """A transaction writing only what the switch uses or drops (staged chunks, the new table and its
    indexes before the switch), committed without waiting for its WAL to reach the disk: a crash may
    lose its last commits, as it loses the import in flight. The switch commits as usual, and a
    commit makes all the WAL written before it durable, these transactions' included. Each chunk
    committed and waited for an fsync of the other connection's WAL too (a few MB a chunk)."""
    with database.atomic():
        database.execute_sql("SET LOCAL synchronous_commit = off")
        yield


def build_index(statement):
    """CREATE INDEX with BUILD_MEMORY to sort in: a million keys spill to disk within the default
    64 MB, a third of the build's time."""
    with scratch():
        database.execute_sql(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY}'")
        database.execute_sql(statement)


class Beside(threading.Thread):
    """Statements run one after the other by run_one, on a connection of their own, in a thread,
    beside the importing connection's: index builds, statistics. What they raised is kept in error."""

    def __init__(self, statements, run_one):
        super().__init__(name="sirene-beside", daemon=True)
        self.statements, self.run_one, self.error = statements, run_one, None
        self.start()

    def run(self):
        database.connect(reuse_if_open=True)
        try:
            for statement in self.statements:
                self.run_one(statement)
        except BaseException as exc:  # noqa: BLE001 - raised by the importing thread
            self.error = exc
        finally:
            database.close()


def add_what_files_lack(kind):
    """Inside the switch's transaction: the rows of the current directory that the files do not
    mention, under a SHARE lock (readers go on, writers of the directory wait)."""
    live, fresh = quoted(kind.table), quoted(kind.table + "__next")
    database.execute_sql(f"LOCK TABLE {live} IN SHARE MODE")
    # The keys the file lacks, by an anti-join of the two primary keys read alone
    # (index-only scans: both tables were vacuumed when built), then their rows
    key = quoted(kind.key)
    database.execute_sql(f"INSERT INTO {fresh} SELECT * FROM {live} WHERE {key} IN "
                         f"(SELECT current.{key} FROM {live} AS current WHERE NOT EXISTS "
                         f"(SELECT FROM {fresh} AS known WHERE known.{key} = current.{key})) "
                         f"ON CONFLICT ({key}) DO NOTHING")


def create_next(kind):
    """The new table, empty and without indexes, that the converter fills."""
    fresh = kind.table + "__next"
    database.execute_sql(f"DROP TABLE IF EXISTS {quoted(fresh)}")
    database.execute_sql(f"CREATE TABLE {quoted(fresh)} (LIKE {quoted(kind.table)} INCLUDING DEFAULTS) "
                         f"{NO_AUTOVACUUM}")
    statistics_targets(kind)


def rename(kind):
    """Inside the switch's transaction: the new table and its indexes take the current names."""
    live, fresh = kind.table, kind.table + "__next"
    primary_key = database.execute_sql(
        "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'",
        (quoted(live),)).fetchone()[0]
    names = [name for name, _ in indexes(live)]
    database.execute_sql(f"LOCK TABLE {quoted(live)} IN ACCESS EXCLUSIVE MODE")
    database.execute_sql(f"DROP TABLE {quoted(live)}")
    database.execute_sql(f"ALTER TABLE {quoted(fresh)} RENAME TO {quoted(live)}")
    database.execute_sql(f"ALTER TABLE {quoted(live)} RESET (autovacuum_enabled)")  # the directory's
    database.execute_sql(f"ALTER TABLE {quoted(live)} RENAME CONSTRAINT {quoted(fresh + '_pkey')} "
                         f"TO {quoted(primary_key)}")
    for name in names:
        database.execute_sql(f"ALTER INDEX {quoted(name + '__next')} RENAME TO {quoted(name)}")


def indexes(table):
    """[(name, definition)] of the table's indexes other than its primary key's."""
    return database.execute_sql(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
        "AND tablename = %s AND indexname NOT IN (SELECT conname FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'p') ORDER BY indexname",
        (table, quoted(table))).fetchall()
