"""Import of INSEE stock files (db/sirene/importer.py): streamed, by header name, [ND] as NULL,
atomic, upserts."""
import csv
import io
import zipfile

import pytest

from db.models import DirectoryEstablishment, DirectoryUnit
from db.sirene import SireneImportError, find_establishment, import_files
from db.sirene.importer import UPDATING
from tests.factories.database import SAMPLE_FILES

UNIT_HEADER = [
    "siren",
    "statutDiffusionUniteLegale",
    "denominationUniteLegale",
    "etatAdministratifUniteLegale",
    "nicSiegeUniteLegale",
    "nomUniteLegale",
    "prenom1UniteLegale",
    "categorieJuridiqueUniteLegale",
]
ESTAB_HEADER = ["siren", "nic", "siret", "etablissementSiege", "etatAdministratifEtablissement",
                "numeroVoieEtablissement", "typeVoieEtablissement", "libelleVoieEtablissement",
                "codePostalEtablissement", "libelleCommuneEtablissement", "enseigne1Etablissement"]


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


def test_bundled_sample_is_loaded_by_the_fixture(db_engine):
    assert DirectoryUnit.select().count() == 87
    assert DirectoryEstablishment.select().count() == 1871
    la_poste = DirectoryEstablishment.select().where(DirectoryEstablishment.siren == "356000000")
    assert la_poste.count() == 1762
    assert la_poste.where(DirectoryEstablishment.etat == "A").count() == 1282


def test_columns_are_found_by_name_whatever_their_order_and_nd_is_null(directory_restored, tmp_path):
    header = list(reversed(UNIT_HEADER)) + ["colonneAjouteeParInsee"]
    row = dict(
        zip(UNIT_HEADER, ["123456782", "P", "[ND]", "A", "00015", "[ND]", "[ND]", "1000"], strict=True)
    )
    path = write_csv(tmp_path / "StockUniteLegale_utf8.csv", header, [[row.get(h, "x") for h in header]])
    assert import_files([path]) == {"unites_legales": 1, "etablissements": 0}
    unit = DirectoryUnit.get_by_id("123456782")
    assert (unit.denomination, unit.nom, unit.prenom, unit.statut_diffusion, unit.nic_siege) == (
        None, None, None, "P", "00015")
    assert unit.name == "[Non diffusible]"


def test_an_empty_value_is_null_quoted_or_not(directory_restored, tmp_path):
    path = tmp_path / "StockUniteLegale_utf8.csv"
    path.write_text(",".join(UNIT_HEADER) + '\n123456782,"","SOCIETE"," A ","",,"",""\n', encoding="utf-8")
    assert import_files([str(path)]) == {"unites_legales": 1, "etablissements": 0}
    unit = DirectoryUnit.get_by_id("123456782")
    assert (unit.statut_diffusion, unit.denomination, unit.etat, unit.nic_siege, unit.nom, unit.prenom,
            unit.categorie_juridique) == (None, "SOCIETE", "A", None, None, None, None)


def test_padded_identifiers_and_states_among_plain_rows_are_all_imported(directory_restored, tmp_path):
    """On PostgreSQL a chunk's rows of digits without spaces and a known state are converted apart
    from the others (padded, an empty state), which follow them: every row is in, trimmed."""
    plain = [["123456782", f"{nic:05d}", f"123456782{nic:05d}", "false", "A", "", "", "", "", "", f"E{nic}"]
             for nic in range(10, 40)]
    padded = [[" 123456782", "00100 ", " 12345678200100 ", "true", " F ", "", "", "", "", "", "ESPACES"],
              ["123456782", "00200", "12345678200200", "false", "", "", "", "", "", "", "SANS ETAT"]]
    rows = [*plain[:10], padded[0], *plain[10:20], padded[1], *plain[20:]]
    counts = import_files([write_csv(tmp_path / "StockEtablissement_utf8.csv", ESTAB_HEADER, rows)])
    assert counts == {"unites_legales": 0, "etablissements": 32}
    company = DirectoryEstablishment.select().where(DirectoryEstablishment.siren == "123456782")
    found = {establishment.siret: establishment for establishment in company}
    assert sorted(found) == sorted([f"123456782{nic:05d}" for nic in range(10, 40)]
                                   + ["12345678200100", "12345678200200"])
    spaced, stateless, other = found["12345678200100"], found["12345678200200"], found["12345678200025"]
    assert (spaced.siren, spaced.nic, spaced.etat, spaced.is_siege, spaced.enseigne) == (
        "123456782", "00100", "F", True, "ESPACES")
    assert (stateless.nic, stateless.etat, stateless.enseigne) == ("00200", None, "SANS ETAT")
    assert (other.siren, other.nic, other.etat, other.is_siege, other.enseigne) == (
        "123456782", "00025", "A", False, "E25")


def test_the_head_office_flag_is_read_whatever_its_case_or_spaces(directory_restored, tmp_path):
    flags = {"00015": "true", "00023": " TRUE ", "00031": "True", "00049": "false", "00056": ""}
    rows = [["123456782", nic, f"123456782{nic}", flag, "A", "", "", "", "", "", ""]
            for nic, flag in flags.items()]
    import_files([write_csv(tmp_path / "StockEtablissement_utf8.csv", ESTAB_HEADER, rows)])
    heads = DirectoryEstablishment.select(DirectoryEstablishment.nic).where(
        (DirectoryEstablishment.siren == "123456782") & DirectoryEstablishment.is_siege)
    assert sorted(e.nic for e in heads) == ["00015", "00023", "00031"]


def test_zipped_stock_file(directory_restored, tmp_path):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([ESTAB_HEADER, ["123456782", "00015", "12345678200015", "true", "A", "86",
                                                 "RUE", "DE LA FEDERATION", "75015", "PARIS", ""]])
    path = tmp_path / "StockEtablissement_utf8.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("StockEtablissement_utf8.csv", buffer.getvalue())
    assert import_files([str(path)])["etablissements"] == 1
    assert find_establishment("12345678200015").address == "86 RUE DE LA FEDERATION 75015 PARIS"


def test_reimport_updates_rows_in_place(directory_restored, tmp_path):
    before = DirectoryUnit.select().count()
    row = ["552032534", "O", "DANONE NOUVEAU NOM", "C", "00703", "", "", "5599"]
    import_files([write_csv(tmp_path / "u.csv", UNIT_HEADER, [row])])
    assert DirectoryUnit.select().count() == before
    danone = DirectoryUnit.get_by_id("552032534")
    assert (danone.denomination, danone.etat, danone.is_active) == ("DANONE NOUVEAU NOM", "C", False)


def test_a_bad_line_names_itself_and_leaves_the_directory_as_it_was(directory_restored, tmp_path):
    rows = [["111111118", "O", "PREMIERE", "A", "00010", "", "", "5499"],
            ["55203253", "O", "SIREN TROP COURT", "A", "00010", "", "", "5499"]]
    good = write_csv(
        tmp_path / "good.csv",
        ESTAB_HEADER,
        [["356000000", "99999", "35600000099999", "false", "A", "", "", "", "", "", ""]],
    )
    bad = write_csv(tmp_path / "StockUniteLegale_utf8.csv", UNIT_HEADER, rows)
    with pytest.raises(SireneImportError) as refused:
        import_files([good, bad])
    assert (
        str(refused.value)
        == "StockUniteLegale_utf8.csv, ligne 3 : SIREN « 55203253 » invalide (9 chiffres attendus)."
    )
    # Neither file left anything behind: one transaction for the whole import.
    assert DirectoryUnit.get_or_none(DirectoryUnit.siren == "111111118") is None
    assert find_establishment("35600000099999") is None


def test_rows_a_conversion_loses_stop_the_import_and_keep_the_directory(directory_restored, tmp_path,
                                                                        monkeypatch):
    """A row that breaks no rule but does not reach the new table (a faulty conversion, here one made to
    leave out a SIREN) must not vanish from the directory at the switch: the import is refused."""
    from db.sirene.staging import Staging

    convert = Staging.insert_staged

    def losing_one_row(self, stock, target, where="", plain=False):
        sql = convert(self, stock, target, where, plain)
        return f"{sql} AND trim(staged.{self.source(stock, 'siren')}) <> '100000009'"

    monkeypatch.setattr(Staging, "insert_staged", losing_one_row)
    rows = [[f"{i:09d}", "O", f"SOCIETE {i}", "A", "00010", "", "", "5499"] for i in (100000009, 100000017)]
    path = write_csv(tmp_path / "StockUniteLegale_utf8.csv", UNIT_HEADER, rows)
    with pytest.raises(SireneImportError) as refused:
        import_files([path])
    assert str(refused.value) == ("StockUniteLegale_utf8.csv : 1 ligne(s) sur 2 n'ont pas pu être reprises ; "
                                  "import interrompu, le référentiel actuel est conservé.")
    assert DirectoryUnit.select().where(DirectoryUnit.denomination.startswith("SOCIETE ")).count() == 0
    assert DirectoryUnit.select().count() == 87


def test_interruption_rolls_everything_back(directory_restored, tmp_path):
    rows = [
        [f"{i:09d}", "O", f"SOCIETE {i}", "A", "00010", "", "", "5499"] for i in range(100000000, 100003000)
    ]
    path = write_csv(tmp_path / "big.csv", UNIT_HEADER, rows)
    seen = []

    def progress(name, amount, total):
        seen.append(amount)
        if len(seen) > 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_files([path], progress)
    assert DirectoryUnit.select().where(DirectoryUnit.denomination.startswith("SOCIETE ")).count() == 0
    assert DirectoryUnit.select().count() == 87


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "vide.csv : fichier vide."),
        ("foo,bar\n1,2\n", "vide.csv : en-tête non reconnu"),
        ("siret,siren\n12345678200015,123456782\n", "vide.csv : colonne(s) obligatoire(s) absente(s) : nic."),
        (
            "siren,nic,siret\n123456782,00015,12345678200016\n",
            "vide.csv, ligne 2 : SIRET « 12345678200016 » invalide",
        ),
        (
            "siren,etatAdministratifUniteLegale\n123456782,Z\n",
            "vide.csv, ligne 2 : état administratif « Z » inconnu",
        ),
    ],
)
def test_files_that_cannot_be_imported_say_why(directory_restored, tmp_path, content, message):
    path = tmp_path / "vide.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SireneImportError) as refused:
        import_files([str(path)])
    assert str(refused.value).startswith(message)


def test_progress_reports_the_whole_file(directory_restored):
    totals, read = {}, {}

    def progress(name, amount, total):
        if total is not None:
            totals[name] = total
        else:
            read[name] = read.get(name, 0) + amount

    import_files(SAMPLE_FILES, progress)
    # One bar per file (its bytes), then one for building and switching in the new directory.
    assert totals.keys() == read.keys() == {"StockUniteLegale_sample.csv", "StockEtablissement_sample.csv",
                                            UPDATING}
    assert all(read[name] == totals[name] for name in totals)
