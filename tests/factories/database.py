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
# Set by scripts/test.sh once the local PostgreSQL runs: db/ tests then run on both engines.
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "")


def prepare(url, fresh=False):
    """Migrate, load the catalogue and the Sirene sample into the database at url. fresh: the
    database belongs to this test run (PostgreSQL), so it starts from an empty schema: tables
    left there by another checkout or an older branch must not change what the run sees."""
    init_database(url)
    with database.connection_context():
        if fresh:
            database.execute_sql("DROP SCHEMA public CASCADE")
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
