"""The one CSV writer of every export (récapitulatif, journal, habilitations): `;` separated, UTF-8
with a BOM so that a spreadsheet opens it in French, and no cell that a spreadsheet would run.

A cell starting with = + - @, a tab or a line break is read as a formula by Excel and LibreOffice
(`=HYPERLINK(…)` in a portfolio name becomes a link that sends data away): such a cell gets a leading
apostrophe, which spreadsheets show as text and hide (OWASP, CSV injection)."""
import csv
import io

SEPARATOR = ";"
BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
ROWS_PER_CHUNK = 500


def safe_cell(value):
    """The text of a cell, neutralised when a spreadsheet would take it for a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def rows_text(rows, neutralised=False):
    """CSV text of rows (lists of values), every cell made safe, unless the caller already made
    safe the cells that hold free text (neutralised: a million cells of digits and codes)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=SEPARATOR, lineterminator="\r\n").writerows(
        rows if neutralised else ([safe_cell(value) for value in row] for row in rows))
    return buffer.getvalue()


def lines(rows):
    """The file as chunks of text, BOM first: rows may be a generator reading in batches."""
    yield BOM
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= ROWS_PER_CHUNK:
            yield rows_text(chunk)
            chunk = []
    if chunk:
        yield rows_text(chunk)
