"""Schema creation and upgrades, through Peewee's migration runner (playhouse.migrations).

`flask --app webapp db upgrade` and the setup command apply pending migrations; a database
created by any earlier version upgrades in place without losing rows.
"""
import os
from typing import NamedTuple

from playhouse.migrations import Runner
from playhouse.schema_diff import diff_models

from db.clients.search import TRGM_INDEX
from db.database import database, is_postgres
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


class Drift(NamedTuple):
    """What drift() found: playhouse's SchemaDiff (tables, columns, indexes) and the text columns whose
    collation is not the model's [(table, column, the model's, the database's)]; false when none."""

    diff: object
    collations: list

    def __bool__(self):
        return bool(self.diff) or bool(self.collations)

    def __str__(self):
        return "\n".join([str(self.diff)] * bool(self.diff) + [
            f"collation of {table}.{column}: {declared} declared, {found} found"
            for table, column, declared, found in self.collations])


def drift():
    """What the models declare that the migrated schema lacks (false when they agree)."""
    diff = diff_models(database.obj, ALL_MODELS)
    diff = diff._replace(drop_indexes=[i for i in diff.drop_indexes if i.name not in ENGINE_INDEXES])
    return Drift(diff, _collation_drift())


def _collation_drift():
    """PostgreSQL: the collatable columns of the models' tables under another collation than their
    field declares ("default" when it names none). SQLite's columns are all BINARY unless a model
    says otherwise, which none does."""
    if not is_postgres():
        return []
    found = dict(((table, column), collation) for table, column, collation in database.execute_sql(
        "SELECT class.relname, attribute.attname, coll.collname FROM pg_attribute AS attribute "
        "JOIN pg_class AS class ON class.oid = attribute.attrelid "
        "JOIN pg_collation AS coll ON coll.oid = attribute.attcollation "
        "WHERE class.relnamespace = current_schema()::regnamespace AND attribute.attnum > 0 "
        "AND NOT attribute.attisdropped"))
    drifted = []
    for model in ALL_MODELS:
        for field in model._meta.sorted_fields:
            key = (model._meta.table_name, field.column_name)
            declared = (field.collation or '"default"').strip('"')
            if key in found and found[key] != declared:
                drifted.append((*key, declared, found[key]))
    return drifted
