"""Rows of a table in one canonical form on both engines, and the checksum of `db copy-to`.

SQLite and PostgreSQL hand the same value back differently (a boolean as 1 or t, a timestamp as
text with or without fractions, bytes as a buffer or escaped hex). Each value of a column whose
type differs is put in one canonical form, each row joined into one text, and the table's checksum
is the sum (mod 2^128) of those texts' MD5: it does not depend on the order rows come back in.
The source side sums the rows it sends; the target side reads them back with COPY … TO STDOUT.
"""
import datetime
import hashlib
import io

MODULUS = 1 << 128

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
    text = "\x1f".join("\\N" if v is None else str(v) for v in values)
    return int.from_bytes(hashlib.md5(text.encode("utf-8"), usedforsecurity=False).digest(), "big")


def canonical_row(row, canonical, binary):
    if not canonical and not binary:
        return row
    row = list(row)
    for i in binary:
        row[i] = None if row[i] is None else row[i][2:]
    for i, convert in canonical:
        row[i] = convert(row[i])
    return row


class Reader(io.TextIOBase):
    """Receives COPY … TO STDOUT (text format) row by row and sums the rows' checksum."""

    def __init__(self, copy, canonical, binary):
        self.copy, self.canonical, self.binary = copy, canonical, binary
        self.pending = ""  # a row cut between two writes

    def writable(self):
        return True

    def write(self, data):
        lines = (self.pending + data).split("\n")  # newlines inside values are escaped
        self.pending = lines.pop()
        for line in lines:
            values = [None if v == "\\N" else _unescape(v) for v in line.split("\t")]
            self.copy.copied_checksum += row_hash(canonical_row(values, self.canonical, self.binary))
            self.copy.copied_rows += 1
        return len(data)


ESCAPES = {"\\": "\\", "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "v": "\v"}


def _unescape(value):
    """A value of COPY's text format (backslash escapes) as it was stored."""
    if "\\" not in value:
        return value
    out, i = [], 0
    while i < len(value):
        char = value[i]
        if char == "\\" and i + 1 < len(value):
            out.append(ESCAPES.get(value[i + 1], value[i + 1]))
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)
