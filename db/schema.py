"""Schema creation and upgrades, through Peewee's migration runner (playhouse.migrations).

`flask --app webapp db upgrade` and the setup command apply pending migrations; a database
created by any earlier version upgrades in place without losing rows.
"""
import os

from playhouse.migrations import Runner
from playhouse.schema_diff import diff_models

from db.clients.search import TRGM_INDEX
from db.database import database
from db.models import ALL_MODELS

MIGRATIONS_DIR = os.path.join(os.path.dirname(__file__), "migrations")


def runner():
    return Runner(database.obj, MIGRATIONS_DIR)


def upgrade(target=None):
    """Apply pending migrations (up to target); returns the names applied."""
    return runner().up(target)


def status():
    """[(name, applied datetime or None)] in order."""
    return [(m.name, m.applied) for m in runner().status()]


# Indexes that one engine has and the models cannot declare (db/clients/search.py).
ENGINE_INDEXES = {TRGM_INDEX}


def drift():
    """What the models declare that the migrated schema lacks (empty when they agree)."""
    diff = diff_models(database.obj, ALL_MODELS)
    return diff._replace(drop_indexes=[i for i in diff.drop_indexes if i.name not in ENGINE_INDEXES])
