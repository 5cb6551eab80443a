"""The Sirene import through staging tables (db/sirene/staging*.py): while it runs the directory is
the old one and other connections log in and write; a key given twice is refused; an interrupted
import leaves nothing behind; the switched-in tables keep the schema."""
import os
import threading
import time
import tracemalloc

import pytest

from db import clock, schema
from db.accounts.login import authenticate
from db.database import database, init_database, is_postgres
from db.demo import DEMO_PASSWORD, DEMO_SIRET
from db.models import DirectoryEstablishment, DirectoryUnit
from db.sirene import SireneImportError, find_unit, import_files, staging_sqlite
from db.sirene.importer import UPDATING
from tests.factories.database import SAMPLE_FILES
from tests.sirene.test_importer_db import ESTAB_HEADER, UNIT_HEADER, write_csv

NEW = "123456782"


def _units(tmp_path, rows, name="StockUniteLegale_utf8.csv"):
    return write_csv(tmp_path / name, UNIT_HEADER, rows)


def _in_another_connection(check):
    """Run check in a thread of its own (its own connection), as another request would; returns
    what it raised, or None."""
    errors = []

    def run():
        database.connect(reuse_if_open=True)
        try:
            if not is_postgres():
                database.execute_sql("PRAGMA busy_timeout = 1000")  # a login waits 1 s at most here
            check()
        except Exception as exc:  # noqa: BLE001 - reported to the test
            errors.append(exc)
        finally:
            database.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    return errors[0] if errors else None


def test_while_it_runs_people_log_in_and_read_the_old_directory(demo_firm, directory_restored, tmp_path):
    rows = [[f"{n:09d}", "O", f"SOCIETE {n}", "A", "00010", "", "", "5499"]
            for n in range(200000000, 200002000)]
    rows.append(["552032534", "O", "DANONE RENOMMÉE", "A", "00703", "", "", "5599"])
    path = _units(tmp_path, rows)
    checked = []

    def login_and_read():
        user = authenticate(DEMO_SIRET, "MOUTIN", "Claire", DEMO_PASSWORD, ip="192.0.2.7")
        assert user.nom == "MOUTIN"
        assert find_unit("200000000") is None and find_unit("552032534").denomination == "DANONE"

    def progress(name, amount, total):
        if total is None and name not in checked:  # the first step of loading, then of the switch
            checked.append(name)
            assert _in_another_connection(login_and_read) is None

    import_files([path], progress)
    assert checked == ["StockUniteLegale_utf8.csv", UPDATING]
    assert find_unit("200000000").denomination == "SOCIETE 200000000"
    assert find_unit("552032534").denomination == "DANONE RENOMMÉE"


def test_a_key_given_twice_is_refused_with_its_second_line(directory_restored, tmp_path):
    path = _units(tmp_path, [[NEW, "O", "PREMIER", "A", "", "", "", ""],
                             ["111111118", "O", "X", "A", "", "", "", ""],
                             [NEW, "O", "SECOND", "A", "", "", "", ""]])
    with pytest.raises(SireneImportError) as refused:
        import_files([path])
    assert str(refused.value) == f"StockUniteLegale_utf8.csv, ligne 4 : SIREN « {NEW} » présent deux fois."
    assert find_unit(NEW) is None and DirectoryUnit.select().count() == 87


def test_an_interrupted_switch_leaves_the_directory_and_no_table_behind(directory_restored, tmp_path):
    path = _units(tmp_path, [[NEW, "O", "NOUVELLE", "A", "", "", "", ""]])

    def progress(name, amount, total):
        if name == UPDATING and total is None:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_files([path], progress)
    assert find_unit(NEW) is None and DirectoryUnit.select().count() == 87
    assert not [t for t in database.get_tables() if "__" in t or t.startswith("sirene_stock")]
    if not is_postgres():
        assert not os.path.exists(f"{database.obj.database}-sirene-staging")


def test_a_bad_line_is_named_whichever_batch_it_falls_in(directory_restored, tmp_path, monkeypatch):
    """On SQLite rows are staged by batches (here of 2): the line is named whichever batch holds it,
    be it a rule broken or a key given twice across batches."""
    monkeypatch.setattr(staging_sqlite, "LOAD_ROWS", 2)
    rows = [[f"{n:09d}", "O", f"SOCIETE {n}", "A", "", "", "", ""] for n in range(200000001, 200000006)]
    cases = [(rows + [rows[1]], "ligne 7 : SIREN « 200000002 » présent deux fois."),
             (rows[:3] + [["20000000X", "O", "", "A", "", "", "", ""]] + rows[3:],
              "ligne 5 : SIREN « 20000000X » invalide (9 chiffres attendus).")]
    for content, message in cases:
        with pytest.raises(SireneImportError) as refused:
            import_files([_units(tmp_path, content)])
        assert str(refused.value) == f"StockUniteLegale_utf8.csv, {message}"
        assert find_unit("200000001") is None and DirectoryUnit.select().count() == 87


def test_switched_tables_keep_the_schema_the_rows_and_what_a_file_lacks(directory_restored, tmp_path):
    DirectoryUnit.update(sigle="DN").where(DirectoryUnit.siren == "552032534").execute()
    for _ in range(2):  # twice: on SQLite the indexes' names alternate
        units = _units(tmp_path, [["552032534", "O", "DANONE", "A", "00703", "", "", "5599"],
                                  [NEW, "O", "NOUVELLE", "A", "", "", "", ""]])
        import_files([SAMPLE_FILES[1], units])
    assert not schema.drift()
    assert DirectoryUnit.get_by_id("552032534").sigle == "DN"  # not a column of the second file
    assert DirectoryUnit.get_by_id(NEW).sigle is None and DirectoryUnit.select().count() == 88
    assert DirectoryEstablishment.select().where(DirectoryEstablishment.siren == "356000000").count() == 1762


def test_a_short_row_is_completed_and_an_establishment_needs_its_siren(directory_restored, tmp_path):
    path = write_csv(tmp_path / "StockEtablissement_utf8.csv", ESTAB_HEADER,
                     [["123456782", "00015", "12345678200015", "true", "A"]])
    if is_postgres():  # COPY refuses a row with missing columns, as a damaged file
        with pytest.raises(SireneImportError, match=r"ligne 2 : illisible \(colonnes manquantes\)"):
            import_files([path])
        return
    assert import_files([path])["etablissements"] == 1
    assert DirectoryEstablishment.get_by_id("12345678200015").is_siege


def _establishments(tmp_path, count):
    rows = [[f"{n:09d}", "00012", f"{n:09d}00012", "true", "A", "12", "RUE", "DE LA PAIX", "75002", "PARIS",
             f"ENSEIGNE {n}"] for n in range(300000000, 300000000 + count)]
    return write_csv(tmp_path / f"StockEtablissement_{count}.csv", ESTAB_HEADER, rows)


def _peak_allocations(path):
    """Peak of the Python allocations (bytes) made while importing path."""
    tracemalloc.start()
    try:
        import_files([path])
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_file(directory_restored, tmp_path, monkeypatch):
    """Rows are streamed in batches of a fixed size (COPY on PostgreSQL): a file four times larger
    takes no more memory, where keeping its rows in Python would take several times its size."""
    monkeypatch.setattr(staging_sqlite, "LOAD_ROWS", 500)
    small, large = _establishments(tmp_path, 2_000), _establishments(tmp_path, 8_000)
    _peak_allocations(small)  # first import: caches and compiled statements
    peaks = [_peak_allocations(path) for path in (small, large)]
    growth = os.path.getsize(large) - os.path.getsize(small)
    assert peaks[1] - peaks[0] < growth / 10, (peaks, growth)
    imported = DirectoryEstablishment.siren.between("300000000", "300007999")
    assert DirectoryEstablishment.select().where(imported).count() == 8_000


def test_a_file_in_many_chunks_keeps_its_rows_and_names_its_lines(directory_restored, tmp_path, monkeypatch):
    """Staging and converting overlap by chunks (a few rows each here): a quoted name spanning two
    lines is never cut, and a bad line, a key given twice or a damaged row is named by its line in
    the file whichever chunk holds it. Identifiers and states padded with spaces are trimmed."""
    from db.sirene import staging_postgres

    monkeypatch.setattr(staging_postgres, "CHUNK_BYTES", 64)
    monkeypatch.setattr(staging_sqlite, "LOAD_ROWS", 1)
    monkeypatch.setattr(staging_sqlite, "BATCH_ROWS", 3)
    rows = [[f"{n:09d}", "O", f"SOCIETE {n}\nSUR DEUX LIGNES, « {n} »" if n % 4 == 0 else f"SOCIETE {n}",
             "A", "", "", "", ""] for n in range(200000001, 200000031)]  # 7 of them on two lines
    bad = [*rows[:24], ["20000000X", "O", "", "A", "", "", "", ""], *rows[24:]]
    cases = [(bad, "ligne 32 : SIREN « 20000000X » invalide (9 chiffres attendus)."),
             ([*rows, rows[2]], "ligne 39 : SIREN « 200000003 » présent deux fois.")]
    if is_postgres():
        cases.append(([*rows, ["200000099", "O"]], "ligne 39 : illisible (colonnes manquantes)."))
    for content, message in cases:
        with pytest.raises(SireneImportError) as refused:
            import_files([_units(tmp_path, content)])
        assert str(refused.value) == f"StockUniteLegale_utf8.csv, {message}"
        assert find_unit("200000001") is None and DirectoryUnit.select().count() == 87
    padded = [" 200000031 ", "O", "AUX IDENTIFIANTS ENTOURÉS D'ESPACES", " C ", "", "", "", ""]
    assert import_files([_units(tmp_path, [*rows, padded])])["unites_legales"] == 31
    assert DirectoryUnit.select().count() == 118
    assert (find_unit("200000031").siren, find_unit("200000031").etat) == ("200000031", "C")
    assert find_unit("200000004").denomination == "SOCIETE 200000004\nSUR DEUX LIGNES, « 200000004 »"
    assert find_unit("200000030").denomination == "SOCIETE 200000030"


def test_the_next_rows_are_staged_while_a_chunk_converts(sqlite_url, tmp_path):
    """SQLite: a chunk's conversion (its own connection, the staging file attached) reads the staged
    rows and writes the new table without locking the staging file, so the loader keeps writing the
    next rows there at the same time instead of waiting for the conversion to end."""
    init_database(sqlite_url)
    database.connect()
    area = staging_sqlite.SqliteStaging(clock.now())
    try:
        stock = area.load(_units(tmp_path, [[NEW, "O", "NOUVELLE", "A", "", "", "", ""]]), None)
        area.converter.collect(wait=True)
        area.loader.execute("PRAGMA busy_timeout = 0")  # a lock held would fail at once, not wait
        with area.converting(), area.chunk_transaction():
            staged = f"{staging_sqlite.ALIAS}.{stock.staged}"
            database.execute_sql(f"UPDATE {DirectoryUnit._meta.table_name}__next SET sigle = "
                                 f"(SELECT denomination FROM {staged} WHERE rowid = 1)")  # reads, writes
            area.loader.execute("BEGIN")
            area.loader.execute(f"INSERT INTO {stock.staged} (siren) VALUES ('200000001')")
            area.loader.execute("COMMIT")
        assert area.loader.execute(f"SELECT COUNT(*) FROM {stock.staged}").fetchone()[0] == 2
    finally:
        database.connect(reuse_if_open=True)
        area.drop()
        database.close()


@pytest.mark.parametrize("early", [False, True])
def test_the_new_directory_has_the_statistics_queries_need_and_is_not_left_to_autovacuum(
        directory_restored, monkeypatch, early):
    """PostgreSQL: the switched-in table is analyzed on the columns that decide a plan (not those only
    displayed or searched within a company: migration 0960), and its count of changed rows is reset,
    so that autovacuum does not analyze it again in the minute after the import (a re-import then
    waited for it): whether the ANALYZE waits for the switch (a small file) or runs while the
    converter, slowed here on purpose, converts the last of many chunks."""
    if not is_postgres():
        import_files([SAMPLE_FILES[1]])
        assert DirectoryEstablishment.select().count() == 1871
        return
    from db.sirene import staging_postgres

    analyzed_early = []
    if early:
        monkeypatch.setattr(staging_postgres, "CHUNK_BYTES", 8 << 10)
        monkeypatch.setattr(staging_postgres, "FIRST_CHUNK_BYTES", 8 << 10)
        area = staging_postgres.PostgresStaging
        convert, analyze_early = area.convert, area._analyze_early

        def slow_convert(area, chunk):  # the last two chunks (~100 rows), as a million rows' last 48,000
            time.sleep(0.5 if chunk.first_row >= 1871 - 100 else 0)
            return convert(area, chunk)

        def kept_analyze_early(area, kinds, progress):
            analyzed_early.extend(analyze_early(area, kinds, progress))
            return analyzed_early

        monkeypatch.setattr(area, "convert", slow_convert)
        monkeypatch.setattr(area, "_analyze_early", kept_analyze_early)
    import_files([SAMPLE_FILES[1]])  # every row known: nothing to add after the ANALYZE
    assert len(analyzed_early) == early
    analyzed = {name for (name,) in database.execute_sql(
        "SELECT attname FROM pg_stats WHERE tablename = 'sirene_etablissement' "
        "AND schemaname = current_schema()")}
    assert analyzed == {"siret", "siren", "etat", "is_siege"}
    changed, inserted, tuples = database.execute_sql(
        "SELECT n_mod_since_analyze, n_tup_ins, reltuples FROM pg_stat_user_tables "
        "JOIN pg_class ON pg_class.oid = relid WHERE relid = 'sirene_etablissement'::regclass").fetchone()
    assert tuples == 1871 and changed < 50 + 0.1 * tuples  # autovacuum_analyze_threshold, _scale_factor
    assert inserted == 1871  # each chunk's rows counted as it committed: none counted after the ANALYZE
