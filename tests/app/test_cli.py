"""The `flask --app webapp` commands of the README."""
from db.models import Declaration, DirectoryUnit, Firm, User


def test_setup_is_idempotent(runner):
    result = runner.invoke(args=["setup"])
    assert result.exit_code == 0
    assert "aucune (schéma à jour)" in result.output
    assert "0 créée(s), 0 mise(s) à jour" in result.output
    assert Declaration.select().count() > 20


def test_sirene_import_refuses_a_bad_file_and_changes_nothing(runner, tmp_path):
    bad = tmp_path / "StockUniteLegale_utf8.csv"
    bad.write_text("siren,denominationUniteLegale\n12345,TROP COURT\n", encoding="utf-8")
    result = runner.invoke(args=["sirene", "import", str(bad)])
    assert result.exit_code != 0
    assert "ligne 2 : SIREN « 12345 » invalide" in result.output
    assert "Aucune donnée n'a été modifiée." in result.output
    assert DirectoryUnit.select().count() == 87


def test_sirene_import_of_a_good_file(runner, tmp_path):
    good = tmp_path / "StockUniteLegale_utf8.csv"
    good.write_text(
        "siren,denominationUniteLegale,etatAdministratifUniteLegale\n123456782,NOUVELLE,A\n", encoding="utf-8"
    )
    result = runner.invoke(args=["sirene", "import", str(good)])
    assert result.exit_code == 0, result.output
    assert "1 unité(s) légale(s), 0 établissement(s) importé(s)" in result.output
    assert DirectoryUnit.get_by_id("123456782").denomination == "NOUVELLE"


def test_sirene_import_without_files_imports_those_of_sirene_stock_dir(app, runner, tmp_path):
    assert runner.invoke(args=["sirene", "import"]).exit_code == 2  # no file, no SIRENE_STOCK_DIR
    app.config["SIRENE_STOCK_DIR"] = str(tmp_path)
    assert "aucun fichier StockUniteLegale_…" in runner.invoke(args=["sirene", "import"]).output
    (tmp_path / "StockEtablissement_utf8.csv").write_text(
        "siren,nic,siret,etatAdministratifEtablissement\n123456782,00015,12345678200015,A\n",
        encoding="utf-8")
    (tmp_path / "StockUniteLegale_utf8.csv").write_text(
        "siren,denominationUniteLegale\n123456782,DU DOSSIER\n", encoding="utf-8")
    (tmp_path / "StockUniteLegaleHistorique_utf8.csv").write_text("pas un stock\n", encoding="utf-8")
    result = runner.invoke(args=["sirene", "import"])
    assert result.exit_code == 0, result.output
    assert "1 unité(s) légale(s), 1 établissement(s) importé(s)" in result.output
    assert DirectoryUnit.get_by_id("123456782").denomination == "DU DOSSIER"


def test_demo_is_idempotent_and_prints_the_logins(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0
    assert "Le cabinet de démonstration existe déjà." in result.output
    assert "97785096500020 / MOUTIN / Claire / Demo-Portail-2026" in result.output
    assert Firm.select().count() == 1
    assert User.select().count() == 3
