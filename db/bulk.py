"""Bulk writes, and the two batch sizes of set-based statements.

Peewee's insert_many renders every value of every chunk into SQL text, which dominates big
writes (a Sirene stock file, the 60,000 habilitations of a Valider and their journal rows). The
two entry points here build the statement once and hand the rows to the driver:

- insert_rows(model, rows): dicts of field values, missing fields taking the model's defaults,
  by one prepared INSERT run with executemany in batches (both engines);
- copy_rows(model, names, rows): tuples in the order of names, already in the database's
  format, by COPY on PostgreSQL (several times faster than executemany there) and by the
  prepared INSERT on SQLite.

Two batch sizes, because they bound two different things:

- ROWS_PER_BATCH: rows handed to executemany at once. Each row is its own set of parameters,
  so no engine limit applies; the batch only bounds the memory of a streamed insert.
- IDS_PER_QUERY: ids in one `IN (…)` list. Each id is a bound parameter of a single statement,
  and SQLite caps those (999 before 3.32): 500 leaves room for the statement's other parameters.
"""
import csv
import io

from peewee import AutoField, chunked

from db.database import database, is_postgres

ROWS_PER_BATCH = 1000
IDS_PER_QUERY = 500
COPY_NULL = "\\N"  # how COPY reads a NULL (an empty field is an empty text)


def _quote(name):
    left, right = database.quote  # the engine's identifier quotes, e.g. '""'
    return f"{left}{name}{right}"


def _columns(model, fields):
    return ", ".join(_quote(model._meta.fields[f].column_name) for f in fields)


def insert_statement(model, fields, conflict_key=None):
    """INSERT INTO table (fields) VALUES (…), with ON CONFLICT (key) DO UPDATE when a key is given."""
    meta = model._meta
    sql = (
        f"INSERT INTO {_quote(meta.table_name)} ({_columns(model, fields)}) "
        f"VALUES ({', '.join([database.param] * len(fields))})"
    )
    if conflict_key:
        key = meta.fields[conflict_key].column_name
        updates = ", ".join(f"{_quote(c)} = EXCLUDED.{_quote(c)}"
                            for c in (meta.fields[f].column_name for f in fields) if c != key)
        sql += f" ON CONFLICT ({_quote(key)}) DO UPDATE SET {updates}"
    return sql


def insert_rows(model, rows, chunk=ROWS_PER_BATCH):
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


def copy_rows(model, names, rows):
    """Insert tuples (values in the order of names, as the driver takes them): COPY on
    PostgreSQL, the prepared INSERT run with executemany on SQLite."""
    if not rows:
        return
    cursor = database.cursor()
    if is_postgres():
        buffer = io.StringIO()
        csv.writer(buffer).writerows([COPY_NULL if value is None else value for value in row] for row in rows)
        buffer.seek(0)
        cursor.copy_expert(f"COPY {_quote(model._meta.table_name)} ({_columns(model, names)}) "
                           f"FROM STDIN WITH (FORMAT csv, NULL '{COPY_NULL}')", buffer)
        return
    cursor.executemany(insert_statement(model, names), rows)


def _value(field, row):
    if field.name in row:
        return row[field.name]
    default = field.default
    return default() if callable(default) else default
