"""The Sirene import on SQLite: the loop that writes parsed rows into a staging file, and a second process
that runs it over the second half of a large plain file (see db/sirene/staging_sqlite.py).

Parsing 54 csv columns and binding the kept values are Python work under one GIL: the importing thread's
pace was the import's. A child process parses and stages the rows from a line boundary near the middle
of the file into a staging file of its own (no lock shared with the parent's), while the parent does the
first half; the converter thread converts the chunks of both. The child reports each batch it committed
on its standard output (« rows bytes »), its end with « end » and its own figures.

Run as a script by path (`python …/staging_part.py`), it imports the standard library only: it starts
in a few tens of milliseconds and never opens the portal's database.
"""
import csv
import io
import itertools
import operator
import os
import resource
import select
import sqlite3
import subprocess
import sys
import zipfile

BLOCK = 1 << 20
last_figures = {}  # the last child's own figures (peak RSS, CPU, bytes written), for the benchmark


def open_staging(path):
    """A staging file's connection: WAL (the converter reads the committed batches while the next ones are
    written), without sync (the file is thrown away)."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = OFF")
    return connection


def copy_rows(reader, indexes, connection, insert, load_rows, committed):
    """Write the rows of reader (their columns at indexes, short rows padded, empty lines skipped) by
    load_rows a transaction; committed(count, finished) after each. Returns the count and the last row
    parsed (None when there was none)."""
    fast = operator.itemgetter(*indexes) if len(indexes) > 1 else (lambda row: (row[indexes[0]],))

    def padded(row):
        return tuple(row[i] if i < len(row) else "" for i in indexes)

    count, last = 0, None
    while True:
        rows = list(itertools.islice(reader, load_rows))  # parsed rows of 54 strings: few at once
        try:  # every row complete (the stock's case): no Python call per row
            batch = list(map(fast, rows))
        except IndexError:  # a short row, or an empty line (skipped)
            batch = [padded(row) for row in rows if row]
        if batch:
            connection.execute("BEGIN")
            connection.executemany(insert, batch)
            connection.execute("COMMIT")
            count += len(batch)
        committed(count, not rows)
        if not rows:
            return count, last
        last = rows[-1]


class Limited(io.RawIOBase):
    """The next size bytes of a binary stream, counted as they are read."""

    def __init__(self, raw, size):
        self._raw, self.left, self.read_bytes = raw, size, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self._raw.read(min(len(buffer), self.left))
        buffer[: len(data)] = data
        self.left -= len(data)
        self.read_bytes += len(data)
        return len(data)


class PartFailed(Exception):
    """Staging a file by two processes failed: the file is staged again by one."""


def halves(path, min_bytes):
    """(where the rows start, where the second half starts) of a plain file of min_bytes or more, or
    None."""
    if os.path.getsize(path) < min_bytes or zipfile.is_zipfile(path):
        return None
    with open(path, "rb") as fh:
        fh.readline()
        start = fh.tell()
    middle = split_offset(path, start, 0.5)
    return None if middle is None else (start, middle)


def split_offset(path, start, fraction):
    """The offset of the end of a row (a newline after an even count of quotes since start, itself a row's
    start) near start + fraction of the rest of the plain file at path; None when there is none."""
    size = os.path.getsize(path)
    target = start + int((size - start) * fraction)
    quotes = 0
    with open(path, "rb") as fh:
        fh.seek(start)
        while fh.tell() < target and (block := fh.read(min(BLOCK, target - fh.tell()))):
            quotes += block.count(b'"')
        offset = fh.tell()
        while block := fh.read(BLOCK):
            position = 0
            while (newline := block.find(b"\n", position)) >= 0:
                quotes += block.count(b'"', position, newline)
                if quotes % 2 == 0:
                    end = offset + newline + 1
                    return end if end < size else None
                position = newline + 1
            quotes += block.count(b'"', position)
            offset += len(block)
    return None


class Part:
    """The child process staging the rows of path from offset on into table (new) of the staging file,
    positions being field → column index in the file."""

    def __init__(self, path, offset, staging_file, table, positions, load_rows):
        staging = open_staging(staging_file)
        columns = ", ".join(f'"{field}"' for field in positions)
        staging.execute(f'CREATE TABLE "{table}" ({columns})')
        staging.close()
        try:  # an interpreter embedded in a server may have no sys.executable to start
            self.process = subprocess.Popen(
                [sys.executable, os.path.abspath(__file__), path, str(offset), staging_file, table,
                 str(load_rows), *map(str, positions.values())],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        except OSError:
            raise PartFailed from None
        self.out = self.process.stdout.fileno()
        os.set_blocking(self.out, False)
        self.unread = b""
        self.rows = 0  # committed by the child so far
        self.bytes = 0  # of the file read by the child so far
        self.ended = False  # the child staged its whole part
        self.submitted = 0  # of its rows, handed to the converter
        self.reported = 0  # of its bytes, shown by the progress bar
        self.closed = False  # its output is at its end

    def poll(self, timeout=0.0):
        """Read what the child reported (waiting up to timeout seconds for something); False when it
        stopped without staging its whole part."""
        if not self.closed and (timeout == 0 or select.select([self.out], [], [], timeout)[0]):
            try:
                data = os.read(self.out, 1 << 16)
            except BlockingIOError:
                data = None
            if data == b"":
                self.closed = True
            elif data:
                *lines, self.unread = (self.unread + data).split(b"\n")
                for line in lines:
                    self._report(line.split())
        if self.closed and self.process.wait() != 0:
            return False
        return not self.closed or self.ended

    def _report(self, words):
        if words[0] == b"end":
            self.ended = True
            names = ("peak_rss_kb", "cpu_seconds", "write_bytes")
            last_figures.update(zip(names, map(float, words[1:]), strict=True))
        else:
            self.rows, self.bytes = int(words[0]), int(words[1])

    def take(self, timeout, batch_rows, submit, progress):
        """poll(timeout); then submit(first row, rows) the child's committed rows by batch_rows (the rest
        once it ended), progress(bytes) what it read since. False when it stopped without staging its
        part."""
        if not self.poll(timeout):
            return False
        if self.bytes > self.reported:
            progress(self.bytes - self.reported)
            self.reported = self.bytes
        while self.rows - self.submitted >= batch_rows or (self.ended and self.rows > self.submitted):
            rows = min(batch_rows, self.rows - self.submitted)
            submit(self.submitted, rows)
            self.submitted += rows
        return True

    def stop(self):
        """End the child if it still runs (the import failed or was interrupted) and wait for it."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.process.stdout.close()


def _proc(name, field):
    """A figure of /proc/self/<name> (Linux; 0 elsewhere)."""
    try:
        with open(f"/proc/self/{name}") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith(field))
    except OSError:
        return 0


def main(path, offset, staging_file, table, load_rows, *indexes):
    indexes = [int(i) for i in indexes]
    connection = open_staging(staging_file)
    insert = f'INSERT INTO "{table}" VALUES ({", ".join("?" * len(indexes))})'
    with open(path, "rb", buffering=0) as raw:
        raw.seek(int(offset))
        part = Limited(raw, os.path.getsize(path) - int(offset))
        reader = csv.reader(io.TextIOWrapper(io.BufferedReader(part, 1 << 16), encoding="utf-8", newline=""))

        def committed(count, finished):
            print(count, part.read_bytes, flush=True)

        try:
            copy_rows(reader, indexes, connection, insert, int(load_rows), committed)
        except (UnicodeDecodeError, csv.Error):
            return 1  # the parent imports the file again in one process: it names the line
    connection.close()
    usage = resource.getrusage(resource.RUSAGE_SELF)  # its ru_maxrss may be the parent's at the fork
    print("end", _proc("status", "VmHWM:"), usage.ru_utime + usage.ru_stime, _proc("io", "write_bytes:"),
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
