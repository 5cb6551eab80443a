"""`flask db copy-to`: a running SQLite installation copied into an empty PostgreSQL database.

copy.py runs the copy and its verification; catalog.py reads and sets aside the target's schema;
checksum.py writes both sides' rows as COPY text; references.py handles the references PostgreSQL
checks once per statement (migration 0801)."""
from db.copy_to.catalog import CopyError
from db.copy_to.copy import TableCopy, copy_to, masked, next_steps

__all__ = ["CopyError", "TableCopy", "copy_to", "masked", "next_steps"]
