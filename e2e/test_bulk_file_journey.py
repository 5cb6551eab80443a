"""The bulk file in Chromium, as the demo firm's administrator: a file that adds a company, removes an
establishment, selects a declaration and grants a habilitation, with one bad line; previewed line by
line as "OK partiel", applied on Valider, its compte rendu downloaded, then found again in the
Historique des imports."""
import re

from playwright.sync_api import expect

FILE = "\r\n".join([
    "Type;Action;Portefeuille;SIREN;SIRET;Déclaration;Nom;Prénom;Déclarer;Payer;Libellé",
    "Entreprise;Ajouter;CLIENTS PME;775695901;;;;;;;AUBADE PARIS",
    "Établissement;Retirer;;;41497192900040;;;;;;",
    "Déclaration;Ajouter;CLIENTS PME;;;DUCS;;;;;",
    "Habilitation;Modifier;;;77569590100063;DSN;LEROY;Sophie;1;1;",
    "Entreprise;Ajouter;CLIENTS PME;732829320;;;;;;;une entreprise inconnue",
    "",
]).encode("utf-8")


def test_a_bulk_file_previewed_applied_and_kept_in_the_historique(page, live_server, login):
    login()
    menu = page.get_by_role("navigation", name="Menu personnalisé")
    menu.get_by_role("link", name="Importer un fichier").click()
    expect(page.get_by_role("heading", name="Importer un fichier de gestion")).to_be_visible()
    with page.expect_download() as template:
        page.get_by_role("link", name="Télécharger le modèle vierge").click()
    with open(template.value.path(), encoding="utf-8-sig") as blank:
        assert blank.read().startswith("Type;Action;Portefeuille;SIREN;SIRET;Déclaration;Nom;Prénom")

    page.get_by_label("Fichier CSV").set_input_files(
        files=[{"name": "lot-mars.csv", "mimeType": "text/csv", "buffer": FILE}])
    page.get_by_role("button", name="Contrôler le fichier").click()
    expect(page.get_by_role("heading", name="Contrôle du fichier")).to_be_visible()
    expect(page.locator(".import-status")).to_contain_text("OK partiel")
    expect(page.locator(".import-status")).to_contain_text("5 lignes : 4 OK, 0 OK partiel, 1 KO")
    report = page.get_by_role("table", name=re.compile("Contrôle ligne par ligne"))
    expect(report.get_by_role("row", name=re.compile("732829320"))).to_contain_text(
        "le SIREN 732829320 est inconnu du référentiel Sirene")
    expect(report.get_by_role("row", name=re.compile("LEROY Sophie"))).to_contain_text("Déclarer accordé")

    page.get_by_role("button", name="Valider").click()
    expect(page.locator("#messages")).to_contain_text("Fichier appliqué : OK partiel.")
    expect(page.get_by_role("heading", name="Compte rendu de l’import")).to_be_visible()
    expect(page.locator(".facts")).to_contain_text("Entreprises ajoutées : 1")
    with page.expect_download() as compte_rendu:
        page.get_by_role("link", name="Télécharger le compte rendu").click()
    assert compte_rendu.value.suggested_filename == "compte-rendu-lot-mars.csv"
    with open(compte_rendu.value.path(), encoding="utf-8-sig") as downloaded:
        lines = downloaded.read().splitlines()
    assert lines[0].endswith(";Résultat;Détail") and len(lines) == 6
    assert lines[5].startswith("6;Entreprise;Ajouter;CLIENTS PME;732829320;") and ";KO;" in lines[5]

    menu.get_by_role("link", name="Historique des imports").click()
    row = page.get_by_role("row", name=re.compile("lot-mars.csv"))
    expect(row).to_contain_text("MOUTIN Claire")
    expect(row).to_contain_text("OK partiel")
    row.get_by_role("link", name="lot-mars.csv", exact=True).click()
    expect(page.get_by_role("heading", name="Compte rendu de l’import")).to_be_visible()

    menu.get_by_role("link", name="Gérer vos portefeuilles").click()
    page.get_by_role("row", name=re.compile("CLIENTS PME")).get_by_role(
        "link", name=re.compile("Composer le portefeuille")).click()
    expect(page.get_by_role("row", name=re.compile("AUBADE PARIS"))).to_be_visible()
