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


def prepare(url):
    """Migrate, load the catalogue and the Sirene sample into the database at url."""
    init_database(url)
    with database.connection_context():
        schema.upgrade()
        catalogue.load_catalogue()
        import_files(SAMPLE_FILES)
