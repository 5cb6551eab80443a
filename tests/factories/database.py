"""Database preparation shared by tests/, e2e/ and bench/: the schema migrated, the declarations
catalogue and the bundled Sirene sample loaded."""
import os

from db import schema
from db.database import database, init_database
from db.declarations import catalogue
from db.sirene import import_files

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLE_DIR = os.path.join(ROOT, "db", "data", "sirene")
SAMPLE_FILES = [
    os.path.join(SAMPLE_DIR, "StockUniteLegale_sample.csv"),
    os.path.join(SAMPLE_DIR, "StockEtablissement_sample.csv"),
]


def _worker_database(url):
    """Under pytest-xdist each worker (gw0, gw1…) works in a database of its own, <name>_gw0…, created
    by ensure_worker_database: tests truncate and reload their tables, so workers must not share one."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return f"{url}_{worker}" if url and worker else url


# Set by scripts/test.sh once the local PostgreSQL runs: db/ tests then run on both engines.
POSTGRES_URL = _worker_database(os.environ.get("TEST_POSTGRES_URL", ""))


def ensure_worker_database():
    """Create this worker's database next to TEST_POSTGRES_URL's when it is missing."""
    base = os.environ.get("TEST_POSTGRES_URL", "")
    if POSTGRES_URL == base:
        return
    import psycopg2

    name = POSTGRES_URL.rsplit("/", 1)[1]
    connection = psycopg2.connect(base)
    connection.autocommit = True  # CREATE DATABASE cannot run inside a transaction
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        connection.close()


def prepare(url, fresh=False):
    """Migrate, load the catalogue and the Sirene sample into the database at url. fresh: the
    database belongs to this test run (PostgreSQL), so it starts from an empty schema: tables
    left there by another checkout or an older branch must not change what the run sees."""
    init_database(url)
    with database.connection_context():
        if fresh:
            # IF EXISTS: a run stopped between these two statements leaves no schema behind
            database.execute_sql("DROP SCHEMA IF EXISTS public CASCADE")
            database.execute_sql("CREATE SCHEMA public")
        schema.upgrade()
        catalogue.load_catalogue()
        import_files(SAMPLE_FILES)


def in_postgres_schema(name, check):
    """Run check(url) against POSTGRES_URL with a new, empty schema `name` as the search path (a
    database of its own, as an older installation would have), dropped afterwards."""
    setup = init_database(POSTGRES_URL)
    setup.execute_sql(f"DROP SCHEMA IF EXISTS {name} CASCADE")
    setup.execute_sql(f"CREATE SCHEMA {name}")
    setup.close()
    try:
        check(f"{POSTGRES_URL}?options=-csearch_path%3D{name}")
    finally:
        database.close()
        cleanup = init_database(POSTGRES_URL)
        cleanup.execute_sql(f"DROP SCHEMA IF EXISTS {name} CASCADE")
        cleanup.close()
