"""Bulk writes with one prepared statement run by executemany.

Peewee's insert_many generates the SQL text of every chunk, which dominates big writes (the
journal of a 50,000-cell Valider, a Sirene stock file). Here the statement is built once from
the model and the rows are streamed to the driver. Valid on SQLite and PostgreSQL.
"""
from peewee import AutoField, chunked

from db.database import database

CHUNK_ROWS = 1000


def _quote(name):
    left, right = database.quote  # the engine's identifier quotes, e.g. '""'
    return f"{left}{name}{right}"


def insert_statement(model, fields, conflict_key=None):
    """INSERT INTO table (fields) VALUES (…), with ON CONFLICT (key) DO UPDATE when a key is given."""
    meta = model._meta
    columns = [meta.fields[f].column_name for f in fields]
    sql = (
        f"INSERT INTO {_quote(meta.table_name)} ({', '.join(_quote(c) for c in columns)}) "
        f"VALUES ({', '.join([database.param] * len(columns))})"
    )
    if conflict_key:
        key = meta.fields[conflict_key].column_name
        updates = ", ".join(f"{_quote(c)} = EXCLUDED.{_quote(c)}" for c in columns if c != key)
        sql += f" ON CONFLICT ({_quote(key)}) DO UPDATE SET {updates}"
    return sql


def insert_rows(model, rows, chunk=CHUNK_ROWS):
    """Insert dicts of field values; missing fields take the model's defaults. Returns the count."""
    fields = [f for f in model._meta.sorted_fields if not isinstance(f, AutoField)]
    statement = insert_statement(model, [f.name for f in fields])
    cursor = database.cursor()
    count = 0
    for batch in chunked(rows, chunk):
        values = [tuple(f.db_value(_value(f, row)) for f in fields) for row in batch]
        cursor.executemany(statement, values)
        count += len(values)
    return count


def _value(field, row):
    if field.name in row:
        return row[field.name]
    default = field.default
    return default() if callable(default) else default
