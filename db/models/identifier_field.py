"""The columns holding a SIRET or a SIREN (and only digits): compared and ordered byte by byte.

On PostgreSQL they are created under the "C" collation (migration 0981): the database's default,
C.UTF-8, orders them the same way (code points, and digits besides), but PostgreSQL 15 knows that
only of "C": under any other collation each comparison of a sort, an index build or a merge join
copies both values and calls strcoll(), and a sort gets no abbreviated keys. Building the directory's
two indexes after a Sirene import cost 0.74 s more of CPU per million rows that way. All of them
change together: an index is used only by comparisons under its own collation, and a join of two
of these columns takes the collation of the one that is not the default. SQLite compares bytes
already (BINARY): no collation is named there.
"""
from peewee import CharField

from db.database import is_postgres

KEY_COLLATION = "C"


class IdentifierField(CharField):
    """A CharField created COLLATE "C" on PostgreSQL (db.schema.drift() checks the columns)."""

    @property
    def collation(self):
        return f'"{KEY_COLLATION}"' if is_postgres() else None

    @collation.setter
    def collation(self, value):  # Field.__init__ sets it: the engine decides, not the model
        if value is not None:
            raise ValueError("the collation of an IdentifierField is fixed")
