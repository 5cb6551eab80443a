"""What `db copy-to` reads of, and does to, the target's schema in PostgreSQL's catalog: its columns
and primary keys, the order of its foreign keys, the indexes and keys set aside during the copy and
built again after it, the sequences, and emptying it again after a failure."""
import contextlib
from collections import namedtuple


class CopyError(Exception):
    """The copy cannot be done; str() is the French message (raised by every step of the copy)."""


Column = namedtuple("Column", "name data_type default max_length nullable")


def set_aside_indexes_and_keys(target):
    """Drop the indexes, primary and unique keys and the foreign keys the migrations made (each row
    would otherwise update every index and check every key one by one); returns the statements that
    make them again, keys first (foreign keys need them)."""
    constraints = target.execute_sql(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
        "WHERE contype IN ('p', 'u', 'f') AND connamespace = current_schema()::regnamespace "
        "ORDER BY contype = 'f' DESC").fetchall()  # foreign keys dropped first, made again last
    indexes = target.execute_sql(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u', 'x') "
        "AND connamespace = current_schema()::regnamespace)").fetchall()
    for table, name, _definition, _kind in constraints:
        target.execute_sql(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
    for name, _definition in indexes:
        target.execute_sql(f"DROP INDEX {quote(name)}")
    add = [f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}"
           for table, name, definition, _kind in reversed(constraints)]
    keys = len([c for c in constraints if c[3] != "f"])
    return add[:keys] + [definition for _name, definition in indexes] + add[keys:]


def in_dependency_order(target, tables):
    """Tables after those their foreign keys point to (self references aside)."""
    needs = {t: set() for t in tables}
    for table, points_to in target.execute_sql(
            "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint "
            "WHERE contype = 'f' AND connamespace = current_schema()::regnamespace").fetchall():
        table, points_to = table.strip('"'), points_to.strip('"')
        if table in needs and points_to != table:
            needs[table].add(points_to)
    ordered, done = [], set()
    while len(ordered) < len(tables):
        ready = sorted(t for t in tables if t not in done and needs[t] <= done)
        if not ready:
            raise CopyError("Dépendances circulaires entre les tables : copie impossible.")
        ordered += ready
        done |= set(ready)
    return ordered


def quote(name):
    return f'"{name}"'


def primary_keys(target):
    """{table: [primary key columns, in order]} of the target's schema."""
    keys = {}
    for table, column in target.execute_sql(
            "SELECT c.conrelid::regclass::text, a.attname FROM pg_constraint c "
            "CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, position) "
            "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum "
            "WHERE c.contype = 'p' AND c.connamespace = current_schema()::regnamespace "
            "ORDER BY 1, k.position").fetchall():
        keys.setdefault(table.strip('"'), []).append(column)
    return keys


def columns_of(target):
    """{table: [Column]} of the target's schema, in one query of the catalog (its views are slow)."""
    columns = {}
    for row in target.execute_sql(
            "SELECT table_name, column_name, data_type, column_default, "
            "CASE WHEN data_type = 'character varying' THEN character_maximum_length END, "
            "is_nullable = 'YES' "
            "FROM information_schema.columns WHERE table_schema = current_schema() "
            "ORDER BY table_name, ordinal_position").fetchall():
        columns.setdefault(row[0], []).append(Column(*row[1:]))
    return columns


def reset_sequences(target, catalog, tables):
    """Each serial column's sequence starts after the highest id copied."""
    for table in tables:
        for column in catalog[table]:
            if not (column.default or "").startswith("nextval("):
                continue
            target.execute_sql(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(MAX({quote(column.name)}), 0) + 1, "
                f"false) FROM {quote(table)}", (quote(table), column.name))


def drop_everything(target):
    """Leave the target as it was found: empty."""
    with contextlib.suppress(Exception):
        if target.in_transaction():
            target.rollback()
    tables = target.get_tables()
    if tables:
        target.execute_sql(f"DROP TABLE IF EXISTS {', '.join(quote(t) for t in tables)} CASCADE")
