"""SQLite stages a large plain file by two processes (db/sirene/staging_part.py), the second half in a
child: the import keeps every row as one process would, and a bad file is refused with the same French
message and line, whichever half holds it. Here every file is « large » (SPLIT_BYTES = 0) and its chunks
are a few rows. On PostgreSQL (COPY, no split) the same files give the same outcomes."""
import time

import pytest

from db.database import is_postgres
from db.models import DirectoryEstablishment, DirectoryUnit
from db.sirene import SireneImportError, find_unit, import_files, staging_part, staging_sqlite
from tests.sirene.test_importer_db import ESTAB_HEADER, UNIT_HEADER, write_csv

FIRST = 200000001


@pytest.fixture
def split(monkeypatch):
    monkeypatch.setattr(staging_sqlite, "SPLIT_BYTES", 0)
    monkeypatch.setattr(staging_sqlite, "LOAD_ROWS", 2)
    monkeypatch.setattr(staging_sqlite, "BATCH_ROWS", 3)
    staging_part.last_figures.clear()


def _rows(count=40):
    """Units, every fourth one's name on two lines, the second looking like a row of the file."""
    return [[f"{n:09d}", "O", f"SOCIETE {n}\n{n + 1000:09d},O,FAUX" if n % 4 == 0 else f"SOCIETE {n}",
             "A", "", "", "", ""] for n in range(FIRST, FIRST + count)]


def _units(tmp_path, rows):
    return write_csv(tmp_path / "StockUniteLegale_utf8.csv", UNIT_HEADER, rows)


def _refused(path, progress=None):
    with pytest.raises(SireneImportError) as refused:
        import_files([path], progress)
    assert find_unit(f"{FIRST}") is None and DirectoryUnit.select().count() == 87
    return str(refused.value).removeprefix("StockUniteLegale_utf8.csv, ")


def test_both_halves_are_imported_as_one_process_would(directory_restored, tmp_path, split):
    rows = _rows()
    assert import_files([_units(tmp_path, rows)])["unites_legales"] == 40
    assert DirectoryUnit.select().count() == 127
    assert not is_postgres() or not staging_part.last_figures
    assert is_postgres() or staging_part.last_figures["peak_rss_kb"] > 0  # the child staged its half
    for row in (rows[0], rows[19], rows[20], rows[21], rows[39]):  # around the cut
        assert find_unit(row[0]).denomination == row[2]
    establishments = [[f"{n:09d}", "00012", f"{n:09d}00012", "true", "A"]
                      for n in range(300000001, 300000041)]
    path = write_csv(tmp_path / "StockEtablissement_utf8.csv", ESTAB_HEADER,
                     [*establishments, [], ["123456782", "00015", "12345678200015", "true"]])  # empty, short
    if not is_postgres():  # COPY refuses a short row (test_staging_db)
        assert import_files([path])["etablissements"] == 41
        assert DirectoryEstablishment.get_by_id("12345678200015").etat is None
        assert DirectoryEstablishment.get_by_id("30000004000012").is_siege


def test_a_bad_file_is_named_by_its_first_bad_line_whichever_half_holds_it(directory_restored, tmp_path,
                                                                          split, monkeypatch):
    rows = _rows()
    bad = ["20000000X", "O", "", "A", "", "", "", ""]
    invalid = "SIREN « 20000000X » invalide (9 chiffres attendus)."
    cases = [([*rows[:35], bad, *rows[35:]], f"ligne 45 : {invalid}"),
             ([*rows[:5], bad, *rows[5:35], bad, *rows[35:]], f"ligne 8 : {invalid}"),
             ([*rows, rows[2]], "ligne 52 : SIREN « 200000003 » présent deux fois."),
             ([*rows[:30], rows[1], *rows[30:]], "ligne 39 : SIREN « 200000002 » présent deux fois.")]
    for content, message in cases:
        assert _refused(_units(tmp_path, content)) == message
    damaged = _units(tmp_path, rows)
    with open(damaged, "ab") as fh:
        fh.write(b"200000099,O,SOCI\xe9T\xe9,A,,,,\n")
    message = _refused(damaged)  # a byte that is not UTF-8 in the second half: as one process says it
    monkeypatch.setattr(staging_sqlite, "SPLIT_BYTES", 1 << 40)
    assert "illisible" in message and message == _refused(damaged)


def test_a_cut_inside_a_quoted_value_is_noticed(directory_restored, tmp_path, split):
    """The half is cut at a newline after an even count of quotes: a stray quote in an unquoted value
    (read as it is) makes that count lie, and the cut falls inside a name on two lines, whose second
    line reads as a valid row; the first half then ends inside a quoted value, and the file is
    staged again by one process."""
    rows = _rows()
    path = _units(tmp_path, rows[1:])
    with open(path, encoding="utf-8") as fh:
        header, *lines = fh.read().split("\n", 1)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(f'{header}\n{FIRST},O,SOCIETE "GUILLEMET,A,,,,\r\n{lines[0]}')
    if is_postgres():  # COPY opens a quoted value at any quote: the file reads as damaged
        with pytest.raises(SireneImportError, match="illisible"):
            import_files([path])
        return
    assert import_files([path])["unites_legales"] == 40
    assert find_unit(f"{FIRST}").denomination == 'SOCIETE "GUILLEMET'
    assert DirectoryUnit.select().count() == 127  # no row made of the second line of a name
    for row in rows[1:]:
        assert find_unit(row[0]).denomination == row[2]


def test_the_first_half_decides_even_when_the_second_is_converted_first(directory_restored, tmp_path, split,
                                                                         monkeypatch):
    """The importing thread is held up while it reads the first half (its second read of the file, the
    child already started), so the child's chunks, one of them bad, are converted before the first
    half's bad row: the first bad line of the file is still the one named."""
    rows = [[siren, etat, name + " " + "X" * 5000, *rest] for siren, etat, name, *rest in _rows()]
    bad = ["20000000X", "O", "", "A", "", "", "", ""]
    path = _units(tmp_path, [*rows[:15], bad, *rows[15:35], bad, *rows[35:]])
    reads = []

    def progress(name, amount, total):
        reads.append(total)
        if len(reads) == 3:  # 1: the file's size, 2: the header's read, 3: the next
            time.sleep(1)

    message = _refused(path, progress)
    monkeypatch.setattr(staging_sqlite, "SPLIT_BYTES", 1 << 40)
    assert message == _refused(path) == "ligne 20 : SIREN « 20000000X » invalide (9 chiffres attendus)."


def test_without_an_interpreter_to_start_the_file_is_staged_by_one_process(directory_restored, tmp_path,
                                                                            split, monkeypatch):
    monkeypatch.setattr(staging_part.sys, "executable", str(tmp_path / "no-python"))
    rows = _rows()
    assert import_files([_units(tmp_path, rows)])["unites_legales"] == 40
    assert not staging_part.last_figures and find_unit(rows[39][0]).denomination == rows[39][2]
