"""What the PostgreSQL import streams to COPY (see staging_postgres.py): a file cut into chunks at row
ends, and the French message of a chunk COPY could not parse."""
import csv
import re

from db.sirene.importer import open_binary, text_of

COPY_READ = 1 << 16  # bytes handed to COPY at a time
COPY_PROBLEMS = {  # PostgreSQL's words for a malformed CSV, in French
    "missing data": "colonnes manquantes",
    "extra data": "colonnes en trop",
    "unterminated CSV quoted field": "guillemet non fermé",
    "invalid byte sequence": "caractères hors UTF-8",
}


class Feed:
    """The file as the COPYs read it, one chunk each: a chunk ends at the first end of a row (a
    newline outside quotes: an even count of quotes since the chunk began) past `limit` bytes.
    psycopg2 turns an exception raised while reading (Ctrl-C, the progress callback's) into
    QueryCanceled: it is kept here to be raised again as it was."""

    def __init__(self, binary, limit):
        self.binary, self.limit, self.error = binary, limit, None
        self.pending = b""  # read past the end of the previous chunk
        self.full = True  # the current chunk is complete
        self.sent = self.quotes = self.chunk_lines = 0  # bytes, quotes and newlines of the current chunk
        self.lines = 0  # newlines before the current chunk
        self.chunks = 0

    def next_chunk(self):
        """Start the next chunk; False at the end of the file."""
        self.pending = self.pending or self.read_file(COPY_READ)
        self.lines += self.chunk_lines
        self.full, self.sent, self.quotes, self.chunk_lines = False, 0, 0, 0
        self.chunks += 1
        return bool(self.pending)

    def read_file(self, size):
        try:
            return self.binary.read(size)
        except BaseException as exc:
            self.error = exc
            raise

    def read(self, size):
        if self.full:
            return b""
        data, self.pending = self.pending or self.read_file(size), b""
        if not data:
            self.full = True
        elif self.sent + len(data) > self.limit:
            end = self._row_end(data, max(0, self.limit - self.sent))
            if end is not None:
                data, self.pending, self.full = data[:end], data[end:], True
        self.sent += len(data)
        self.quotes += data.count(b'"')
        self.chunk_lines += data.count(b"\n")
        return data

    def _row_end(self, data, start):
        """The position after the first newline from start on that ends a row, or None."""
        quotes = self.quotes + data.count(b'"', 0, start)
        while (newline := data.find(b"\n", start)) >= 0:
            quotes += data.count(b'"', start, newline)
            if quotes % 2 == 0:
                return newline + 1
            start = newline + 1
        return None


def column(stock, position):
    """The values of one column of a file, row after row (error path)."""
    binary, _, closers = open_binary(stock.path)
    try:
        reader = csv.reader(text_of(binary))
        next(reader, None)
        yield from (row[position] if position < len(row) else "" for row in reader if row)
    finally:
        for closer in closers:
            closer.close()


def unreadable(chunk, error):
    """The French message of a COPY that could not parse a chunk of the file: its line (the file's,
    header included), and what was wrong."""
    name = chunk.name
    context = getattr(error.diag, "context", "") or ""
    found = re.search(r"line (\d+)", context)
    line = f", ligne {int(found.group(1)) + chunk.first_line - 1}" if found else ""
    primary = getattr(error.diag, "message_primary", "") or str(error)
    reason = next((french for english, french in COPY_PROBLEMS.items() if english in primary), "illisible")
    return f"{name}{line} : illisible ({reason})."
