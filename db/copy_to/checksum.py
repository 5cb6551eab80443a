"""The text `db copy-to` sends to PostgreSQL's COPY, built by SQLite, and the checksum that proves the
copy equal to its source.

Each row is turned into one line of COPY's text format by the SELECT that reads it (tabs between the
values, \\N for NULL, backslash escapes), so that Python only joins lines and writes bytes: no value
is converted or quoted row by row in Python. The values are written in the very form PostgreSQL gives
them back (booleans t/f, timestamps without trailing zeros in their fractions, bytes as \\\\x and
lowercase hex), so the copy is verified by reading each table back with `COPY (SELECT … ORDER BY its
key) TO STDOUT`: the MD5 of the bytes sent and of the bytes read back must be equal, as must the row
counts. Rows are read in the order of the table's key on both sides (byte order for text, which is
SQLite's and PostgreSQL's "C" collation), so the stream does not depend on how rows are stored.
"""
import datetime
import hashlib

# COPY's text format escapes the backslash and these control characters (and reads them back).
ESCAPES = (("\\", "\\\\"), ("\b", "\\b"), ("\f", "\\f"), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"),
           ("\v", "\\v"))
TIMESTAMPS = ("timestamp without time zone", "timestamp with time zone")


def _sql_text(value):
    """A SQL literal for a Python text (SQLite's char() for control characters)."""
    if value.isprintable():
        return "'" + value.replace("'", "''") + "'"
    return f"char({ord(value)})"


def _escaped(expression):
    for raw, escaped in ESCAPES:
        expression = f"replace({expression}, {_sql_text(raw)}, {_sql_text(escaped)})"
    return expression


def pg_timestamp(value):
    """PostgreSQL's output of a timestamp stored in an unusual form (with a time zone, a T, or
    fractions of other lengths); SQLite calls it only for those rows."""
    if value is None:
        return None
    parsed = datetime.datetime.fromisoformat(str(value)).replace(tzinfo=None)
    text = parsed.isoformat(" ")
    return text.rstrip("0").rstrip(".") if parsed.microsecond else text


def source_value(column, quoted):
    """SQLite expression of one column's value in COPY text, as PostgreSQL writes it back."""
    if column.data_type == "boolean":  # SQLite holds 1 and 0
        return (f"CASE {quoted} WHEN 1 THEN 't' WHEN 0 THEN 'f' ELSE CASE WHEN {quoted} IS NULL THEN NULL "
                f"WHEN {quoted} IN ('1', 't', 'true', 'True') THEN 't' ELSE 'f' END END")
    if column.data_type == "bytea":
        return f"'\\\\x' || lower(hex({quoted}))"
    if column.data_type in TIMESTAMPS:  # as Python writes them, else through pg_timestamp; a value of
        # that shape that PostgreSQL would write otherwise fails the verification: nothing is copied
        return (f"CASE WHEN {quoted} IS NULL THEN NULL "
                f"WHEN length({quoted}) = 19 AND substr({quoted}, 11, 1) = ' ' THEN {quoted} "
                f"WHEN length({quoted}) = 26 AND substr({quoted}, 11, 1) = ' ' "
                f"AND substr({quoted}, 20, 1) = '.' "
                f"THEN rtrim(rtrim({quoted}, '0'), '.') ELSE pg_timestamp({quoted}) END")
    if column.data_type == "date":
        return f"substr({quoted}, 1, 10)"
    if column.data_type in ("integer", "bigint", "smallint"):
        return quoted  # || writes it as text
    if column.max_length:  # SQLite keeps longer text; PostgreSQL's own import cuts it, as the copy does
        return _escaped(f"substr({quoted}, 1, {column.max_length})")
    return _escaped(f"CAST({quoted} AS TEXT)")


def source_lines(table, columns, key):
    """SQLite's SELECT of the table's COPY lines (one text per row, without its newline), in key order."""
    values = [source_value(c, _quote(c.name)) for c in columns]
    # A NULL in a NOT NULL column makes the whole line NULL, which the copy refuses.
    values = [f"COALESCE({v}, '\\N')" if c.nullable else v for c, v in zip(columns, values, strict=True)]
    order = ", ".join(_quote(k) for k in key)
    return f"SELECT {' || char(9) || '.join(values)} FROM {_quote(table)} ORDER BY {order}"


def target_lines(table, columns, key, text_columns):
    """PostgreSQL's COPY of the copied rows, in the same order: what must come back byte for byte."""
    order = ", ".join((f'{_quote(k)} COLLATE "C"' if k in text_columns else _quote(k)) + " NULLS FIRST"
                      for k in key)  # SQLite's order
    names = ", ".join(_quote(c.name) for c in columns)
    return f"COPY (SELECT {names} FROM {_quote(table)} ORDER BY {order}) TO STDOUT"


class Hashing:
    """The file COPY … TO writes into (a row at a time): hashes, keeps nothing."""

    def __init__(self):
        self.digest = hashlib.md5(usedforsecurity=False)
        self.write = self.digest.update  # bytes: the file has no encoding


def _quote(name):
    return f'"{name}"'
