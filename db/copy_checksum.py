"""Rows of a table in one canonical form on both engines, and the checksum of `db copy-to`.

SQLite and PostgreSQL hand the same value back differently (a boolean as 1 or t, a timestamp as
text with or without fractions, bytes as a buffer or escaped hex). Each value of a column whose
type differs is put in one canonical form, each row joined into one text, and the table's checksum
is the sum of the first 8 bytes of those texts' MD5: it does not depend on the order rows come back in.
The source side sums the rows it sends; PostgreSQL sums the same hashes of the copied rows in SQL.
"""
import datetime
import hashlib

MODULUS = 1 << 64  # checksums are printed modulo 2^64

class _Null(float):
    """Written unquoted by csv's QUOTE_NONNUMERIC (a number) as \\N: COPY's NULL, while every text,
    the empty one and a literal « \\N » included, is quoted."""

    def __repr__(self):
        return "\\N"

    __str__ = __repr__


NULL = _Null()


def _timestamp(value):
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None).isoformat(" ")
    if len(value) == 19 and value[10] == " ":  # "2026-12-01 22:04:21", as both engines write most
        return value
    return datetime.datetime.fromisoformat(str(value)).replace(tzinfo=None).isoformat(" ")


def _date(value):
    return None if value is None else str(value)[:10]


def _float(value):
    return None if value is None else repr(float(value))


def _boolean(value):
    if value is None:
        return None
    return "1" if value in (True, 1, "1", "t", "true", "True") else "0"


# PostgreSQL's column types whose values the two engines write differently: canonical forms.
CANONICAL = {
    "boolean": _boolean,
    "timestamp without time zone": _timestamp,
    "timestamp with time zone": _timestamp,
    "date": _date,
    "real": _float,
    "double precision": _float,
}


def row_hash(values):
    """The first 8 bytes of the MD5 of the row's canonical text, as a signed integer (PostgreSQL's
    bigint, so that the target sums the very same numbers in SQL)."""
    text = "\x1f".join(["\\N" if v is None else str(v) for v in values])
    return int.from_bytes(hashlib.md5(text.encode("utf-8"), usedforsecurity=False).digest()[:8], "big",
                          signed=True)


# The same canonical text computed by PostgreSQL, per column type (column name as {c}).
TARGET_TEXT = {
    "boolean": "CASE WHEN {c} THEN '1' ELSE '0' END",
    "timestamp without time zone": "CASE WHEN mod(extract(microseconds FROM {c})::bigint, 1000000) = 0 "
                                   "THEN to_char({c}, 'YYYY-MM-DD HH24:MI:SS') "
                                   "ELSE to_char({c}, 'YYYY-MM-DD HH24:MI:SS.US') END",
    "date": "to_char({c}, 'YYYY-MM-DD')",
    "bytea": "encode({c}, 'hex')",
}


def checksum_query(table, columns):
    """SQL giving (rows, sum of row_hash) of a table of the target, computed by the server."""
    texts = [f"COALESCE({TARGET_TEXT.get(c.data_type, '{c}::text').format(c=chr(34) + c.name + chr(34))}, "
             "'\\N')" for c in columns]
    text = " || chr(31) || ".join(texts)
    return (f"SELECT COUNT(*), COALESCE(SUM(('x' || substr(md5({text}), 1, 16))::bit(64)::bigint), 0) "
            f'FROM "{table}"')


def canonical_row(row, canonical, binary):
    if not canonical and not binary:
        return row
    row = list(row)
    for i in binary:
        row[i] = None if row[i] is None else row[i][2:]
    for i, convert in canonical:
        row[i] = convert(row[i])
    return row
