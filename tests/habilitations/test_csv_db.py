"""The bulk file in db/ (db/habilitations/csv_*.py), on SQLite and PostgreSQL: the template and the export
in the one layout, every line checked against the firm and the file's earlier lines (OK, OK partiel, KO
with the reason), the preview that writes nothing, Valider in one transaction through the pages'
operations, the round trip that changes nothing, and the Historique des imports."""
import datetime
import json

import pytest

from db.errors import Invalid, NotFound
from db.habilitations import csv_export, csv_import, grid, import_history, writes
from db.models import (
    AuditEvent,
    BulkImport,
    Company,
    CompanyDeclaration,
    Establishment,
    Habilitation,
    Notification,
    PortfolioDeclaration,
)
from tests.factories.declarations import declaration
from tests.factories.directory import AUBADE
from tests.factories.habilitations import establishments, grant, habilitation

# Older files: no « Jusqu’au », and « Siren », « Siret » as the layout first spelled them (still read).
HEADER = "Type;Action;Portefeuille;Siren;Siret;Déclaration;Nom;Prénom;Déclarer;Payer;Libellé"
LAYOUT = "Type;Action;Portefeuille;SIREN;SIRET;Déclaration;Nom;Prénom;Déclarer;Payer;Jusqu’au;Libellé"


def csv(*lines):
    return ("\r\n".join([HEADER, *lines]) + "\r\n").encode("utf-8")


def exported(t, portfolio=None):
    _, lines = csv_export.export(t.admin, portfolio.id if portfolio else None)
    return "".join(lines).encode("utf-8")


def outcome(report):
    return [(line.number, line.status, " ; ".join(line.messages)) for line in report.lines]


def valider(t, data, name="lot.csv"):
    preview = csv_import.preview(t.admin, data, name)
    return csv_import.apply(t.admin, preview.upload.id)


def test_the_template_is_the_header_of_the_layout(db_engine):
    name, lines = csv_export.template()
    assert name == "modele-fichier-de-gestion.csv"
    assert "".join(lines) == "\ufeff" + LAYOUT + "\r\n"


def test_the_export_lists_the_state_in_the_layout(t):
    acme = establishments(t.acme)
    grant(t.paul, acme[:1], "DSN", pay=True)
    lines = exported(t, t.big).decode("utf-8-sig").split("\r\n")
    assert lines[0] == LAYOUT
    assert lines[1:3] == [
        "Déclaration;Ajouter;GRANDS COMPTES;;;DSN;;;;;;DSN",
        "Déclaration;Ajouter;GRANDS COMPTES;;;DPAE;;;;;;DPAE",
    ]
    assert lines[3] == "Entreprise;Ajouter;GRANDS COMPTES;100000001;;;;;;;;ACME"
    assert (
        "Établissement;Ajouter;GRANDS COMPTES;100000001;10000000100001;;;;;;;"
        "ETS 1 – 1 RUE DU TEST 75015 PARIS" in lines
    )
    assert "Habilitation;Modifier;GRANDS COMPTES;100000001;10000000100001;DSN;DURAND;Paul;1;1;;" in lines
    assert not any("PETITS" in line for line in lines)  # one portfolio asked
    everything = exported(t).decode("utf-8-sig")
    assert "Entreprise;Ajouter;PETITS;200000001;;;;;;;;GAMMA" in everything and "900000001" not in everything


def test_export_then_import_changes_nothing(t):
    grant(t.paul, establishments(t.acme), "DSN", pay=True)
    grant(t.sophie, establishments(t.beta)[:1], "DPAE")
    data = exported(t)
    report = csv_import.check(t.admin, data)
    assert report.status == "OK" and all(line.apply is None for line in report.lines)
    assert all("rien à modifier" in line.messages[0] for line in report.lines if line.type != "")
    rows, events = Habilitation.select().count(), AuditEvent.select().count()
    applied = valider(t, data)
    assert set(applied.counts.values()) == {0}
    assert Habilitation.select().count() == rows
    assert AuditEvent.select().where(AuditEvent.action != "bulk_file.applied").count() == events


def test_a_file_adds_a_company_removes_an_establishment_selects_a_declaration_and_grants(
    t, directory_restored
):
    aubade = sorted(
        s
        for (s,) in Establishment.select(Establishment.siret)
        .where(Establishment.siret.startswith(AUBADE))
        .tuples()
    )  # none yet: AUBADE is not a client
    assert aubade == []
    data = csv(
        f"Entreprise;Ajouter;PETITS;{AUBADE};;;;;;;",
        "Établissement;Retirer;;;10000000100003;;;;;;",
        "Déclaration;Ajouter;;100000002;;DPAE;;;;;",  # already there: the portfolio gave it
        "Déclaration;Ajouter;PETITS;;;DPAE;;;;;",
        "Habilitation;Modifier;;;77569590100063;DSN;DURAND;Paul;1;1;",
        "Habilitation;Modifier;;;10000000100001;DPAE;LEROY;Sophie;1;1;",
        "Entreprise;Ajouter;PETITS;732829320;;;;;;;",
    )
    report = csv_import.check(t.admin, data)
    assert [(n, s) for n, s, _ in outcome(report)] == [
        (2, "OK"),
        (3, "OK"),
        (4, "OK"),
        (5, "OK"),
        (6, "OK"),
        (7, "OK partiel"),
        (8, "KO"),
    ]
    assert report.status == "OK partiel"
    assert "Payer ignoré : « DPAE » ne comporte pas de droit Payer" in outcome(report)[5][2]
    assert "le SIREN 732829320 est inconnu du référentiel Sirene" in outcome(report)[6][2]
    assert not Company.select().where(Company.siren == AUBADE).exists()  # the check writes nothing
    applied = valider(t, data)
    assert applied.counts == {
        "companies_added": 1,
        "companies_removed": 0,
        "establishments_added": 0,
        "establishments_removed": 1,
        "declarations_added": 1,
        "declarations_removed": 0,
        "rights_added": 3,
        "rights_removed": 0,
    }
    company = Company.get(Company.siren == AUBADE)
    assert company.portfolio_id == t.small.id
    codes = {
        d.declaration.code for d in CompanyDeclaration.select().where(CompanyDeclaration.company == company)
    }
    assert codes == {"DSN", "DPAE"}
    assert not Establishment.select().where(Establishment.siret == "10000000100003").exists()
    right = habilitation(Establishment.get(Establishment.siret == "77569590100063"), "DSN", t.paul)
    assert right.declare and right.pay and right.active_from is not None
    sophie = habilitation(establishments(t.acme)[0], "DPAE", t.sophie)
    assert sophie.declare and not sophie.pay


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Client;Ajouter;GRANDS COMPTES;100000001;;;;;;;", "Type « Client » inconnu"),
        (
            "Entreprise;Modifier;GRANDS COMPTES;100000001;;;;;;;",
            "Action « Modifier » impossible pour une ligne Entreprise",
        ),
        ("Entreprise;Ajouter;;356000000;;;;;;;", "indiquez le portefeuille"),
        (
            "Entreprise;Ajouter;INCONNU;356000000;;;;;;;",
            "portefeuille « INCONNU » inconnu dans votre cabinet",
        ),
        (
            "Entreprise;Ajouter;GRANDS COMPTES;35600000A;;;;;;;",
            "Le SIREN ne doit comporter que des chiffres.",
        ),
        ("Entreprise;Ajouter;PETITS;100000001;;;;;;;", "est déjà dans le portefeuille « GRANDS COMPTES »"),
        ("Entreprise;Ajouter;PETITS;839517323;;;;;;;", "est cessée ou n'a aucun établissement actif"),
        (
            "Entreprise;Retirer;;900000001;;;;;;;",
            "l'entreprise 900000001 n'est dans aucun de vos portefeuilles",
        ),
        ("Établissement;Retirer;;;20000000100001;;;;;;", "c'est le dernier établissement inscrit"),
        ("Établissement;Ajouter;;;35600000000048;;;;;;", "l'entreprise 356000000 n'est dans aucun"),
        (
            "Établissement;Retirer;PETITS;;10000000100001;;;;;;",
            "est dans le portefeuille « GRANDS COMPTES », pas",
        ),
        ("Déclaration;Ajouter;GRANDS COMPTES;;;XYZ;;;;;", "déclaration « XYZ » inconnue du catalogue"),
        (
            "Déclaration;Ajouter;;200000001;;DPAE;;;;;",
            "« DPAE » n'est pas sélectionnée pour le portefeuille « PETITS »",
        ),
        ("Déclaration;Ajouter;;;;DSN;;;;;", "indiquez le portefeuille"),
        ("Habilitation;Modifier;;;10000000100001;DSN;INCONNU;Jean;1;;", "déclarant « INCONNU Jean » inconnu"),
        (
            "Habilitation;Modifier;;;20000000100001;DSN;LEROY;Sophie;1;;",
            "LEROY Sophie n'est pas déclarant du portefeuille « PETITS »",
        ),
        ("Habilitation;Modifier;;;20000000100001;DPAE;DURAND;Paul;1;;", "« DPAE » n'est pas sélectionnée"),
        (
            "Habilitation;Modifier;;;10000000100001;DSN;DURAND;Paul;oui;;",
            "« oui » dans Déclarer : 1 (accorder)",
        ),
        ("Habilitation;Modifier;;;10000000100001;DSN;DURAND;Paul;;;", "rien à modifier : indiquez 1 ou 0"),
        (
            "Habilitation;Modifier;;;10000000100001;DPAE;DURAND;Paul;;1;",
            "« DPAE » ne comporte pas de droit Payer",
        ),
        (
            "Habilitation;Modifier;;;90000000100001;DSN;MARTIN;Luc;1;;",
            "Numéro SIRET invalide",
        ),
    ],
)
def test_each_bad_line_says_why(t, line, reason):
    [checked] = csv_import.check(t.admin, csv(line)).lines
    assert checked.status == "KO" and reason in " ; ".join(checked.messages)


def test_lines_apply_in_a_fixed_order_whatever_their_place(t):
    report = csv_import.check(
        t.admin,
        csv(
            "Habilitation;Modifier;;;20000000100001;DPAE;DURAND;Paul;1;;",  # after the declaration below
            "Déclaration;Ajouter;PETITS;;;DPAE;;;;;",
            "Habilitation;Modifier;;;10000000100002;DPAE;DURAND;Paul;1;;",  # after the removal below: KO
            "Déclaration;Retirer;;100000001;;DPAE;;;;;",
            "Déclaration;Retirer;;100000001;;DPAE;;;;;",  # one line per object
        ),
    )
    assert [line.status for line in report.lines] == ["OK", "OK", "KO", "OK", "KO"]
    assert "déjà traitée ligne 5" in report.lines[4].messages[0]


def test_the_firm_itself_may_take_any_declaration_of_the_catalogue(t):
    own = Company.create(firm=t.firm, portfolio=t.small, siren=t.firm.siret[:9], name="CABINET TEST")
    Establishment.create(firm=t.firm, company=own, siret=t.firm.siret, name="", address="")
    valider(t, csv(f"Déclaration;Ajouter;;{own.siren};;SOLTEA_EMPLOYEURS;;;;;"))
    soltea = declaration("SOLTEA_EMPLOYEURS").id
    assert (
        CompanyDeclaration.select()
        .where((CompanyDeclaration.company == own.id) & (CompanyDeclaration.declaration == soltea))
        .exists()
    )
    assert (
        PortfolioDeclaration.select()
        .where((PortfolioDeclaration.portfolio == t.small.id) & (PortfolioDeclaration.declaration == soltea))
        .exists()
    )


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", "Le fichier est vide."),
        (b"SIRET,Nom\r\n1,2\r\n", "Séparateur incorrect"),
        (b"Type;Action;Couleur\r\n", "Colonne non reconnue : « Couleur »"),
        (b"Portefeuille;SIREN\r\nA;1\r\n", "En-tête incomplet : colonne(s) Type, Action absente(s)"),
        (HEADER.encode() + b"\r\n", "aucune ligne (seulement l'en-tête)"),
        (b"x" * (6 * 1024 * 1024), "taille maximale de 5 Mo"),
    ],
)
def test_bad_files_say_why(t, data, error):
    report = csv_import.check(t.admin, data)
    assert report.status == "KO" and error in report.file_error


def test_a_spreadsheets_windows_csv_and_neutralised_formulas_are_read(t):
    data = (HEADER + "\r\nDéclaration;Ajouter;GRANDS COMPTES;;;'=DSN;;;;;\r\n").encode("cp1252")
    [line] = csv_import.check(t.admin, data).lines
    assert line.get("declaration") == "=DSN" and "inconnue du catalogue" in line.messages[0]


def test_valider_is_one_transaction(t, monkeypatch):
    data = csv(
        "Établissement;Retirer;;;10000000100003;;;;;;",
        "Habilitation;Modifier;;;10000000100001;DSN;DURAND;Paul;1;;",
    )
    preview = csv_import.preview(t.admin, data, "lot.csv")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(writes, "apply", broken)
    with pytest.raises(RuntimeError):
        csv_import.apply(t.admin, preview.upload.id)
    assert Establishment.select().where(Establishment.siret == "10000000100003").exists()
    assert BulkImport.get_by_id(preview.upload.id).applied_at is None


def test_valider_checks_again_and_shows_what_changed_meanwhile(t):
    data = csv("Habilitation;Modifier;;;10000000100001;DSN;DURAND;Paul;1;;")
    preview = csv_import.preview(t.admin, data, "lot.csv")
    grant(t.paul, establishments(t.acme)[:1], "DSN")  # another administrator, meanwhile
    report = csv_import.apply(t.admin, preview.upload.id)
    assert report.stale and "rien à modifier" in report.lines[0].messages[0]
    assert BulkImport.get_by_id(preview.upload.id).applied_at is None
    assert csv_import.apply(t.admin, preview.upload.id).stale is False  # the new preview is accepted


def test_a_ko_file_cannot_be_validated(t):
    preview = csv_import.preview(t.admin, csv("Client;Ajouter;;;;;;;;;"), "lot.csv")
    with pytest.raises(NotFound):
        csv_import.apply(t.admin, preview.upload.id)  # its content is not kept


def test_another_person_cannot_validate_a_file_checked_by_someone_else(t):
    preview = csv_import.preview(
        t.admin, csv("Habilitation;Modifier;;;10000000100001;DSN;DURAND;Paul;1;;"), "a.csv"
    )
    with pytest.raises(NotFound):
        csv_import.apply(t.other.admin, preview.upload.id)
    with pytest.raises(NotFound):
        import_history.get_import(t.other.admin, preview.upload.id)


def test_the_historique_keeps_who_when_which_file_counts_and_report(t):
    valider(
        t,
        csv(
            "Habilitation;Modifier;;;10000000100001;DSN;DURAND;Paul;1;1;",
            "Habilitation;Modifier;;;10000000100001;DSN;LEROY;Inconnue;1;;",
        ),
        "juin.csv",
    )
    rows, total, _, _ = import_history.history(t.admin)
    assert total == 1
    [row] = rows
    assert (row.filename, row.actor_name, row.status, row.lines, row.lines_ok, row.lines_ko) == (
        "juin.csv",
        "ADMIN Alice",
        "OK partiel",
        2,
        1,
        1,
    )
    assert import_history.counts(row) == [("Habilitations accordées", 2)]
    name, text = import_history.report_file(t.admin, row.id)
    assert name == "compte-rendu-juin.csv"
    assert (
        text.splitlines()[0] == "\ufeffLigne;Type;Action;Portefeuille;SIREN;SIRET;Déclaration;Nom;Prénom;"
        "Déclarer;Payer;Jusqu’au;Résultat;Détail"
    )
    assert ";KO;déclarant « LEROY Inconnue » inconnu ou désactivé" in text
    assert row.content is None  # the file itself is not kept
    assert (
        json.loads(AuditEvent.get(AuditEvent.action == "bulk_file.applied").after)["statut"] == "OK partiel"
    )
    assert import_history.history(t.other.admin)[1] == 0


def test_the_import_is_notified_to_the_administrators_and_the_rights_to_their_holder(t):
    valider(t, csv("Habilitation;Modifier;;;10000000100001;DSN;DURAND;Paul;1;1;"))
    done = Notification.get(Notification.kind == "import_done")
    assert done.user_id == t.admin.id and done.link.startswith("habilitation_files.report?import_id=")
    granted = Notification.get(Notification.kind == "habilitations_granted")
    assert granted.user_id == t.paul.id and "2 habilitations (DSN) sur 1 établissement" in granted.text


def test_only_administrators_import(t):
    with pytest.raises(Exception) as refused:
        csv_import.check(t.paul, csv("Client;;;;;;;;;;"))
    assert "administrateurs" in str(refused.value)
    with pytest.raises(NotFound):
        csv_export.export(t.admin, t.other_portfolio.id)


def test_a_preview_writes_nothing_but_the_checked_file(t):
    grid_version = grid.version()
    csv_import.preview(t.admin, csv("Établissement;Retirer;;;10000000100003;;;;;;"), "a.csv")
    assert (
        grid.version() == grid_version
        and Establishment.select().where(Establishment.siret == "10000000100003").exists()
    )
    with pytest.raises(Invalid):
        csv_import.apply(t.admin, BulkImport.create(firm=t.firm, actor=t.admin, content=b"x").id)


def with_ends(*lines):
    return ("\r\n".join([LAYOUT, *lines]) + "\r\n").encode("utf-8")


def test_jusqu_au_in_the_file_ends_the_rights_it_grants_and_the_export_writes_it(t):
    report = valider(t, with_ends(
        "Habilitation;Modifier;;;10000000100001;DSN;DURAND;Paul;1;;04/12/2026;",
        "Habilitation;Modifier;;;10000000100002;DSN;DURAND;Paul;1;;;",
    ))
    assert [line.status for line in report.lines] == ["OK", "OK"]
    acme = establishments(t.acme)
    assert habilitation(acme[0], "DSN", t.paul).active_until == datetime.datetime(2026, 12, 4, 23, 0)
    assert habilitation(acme[1], "DSN", t.paul).active_until is None
    lines = exported(t, t.big).decode("utf-8-sig").split("\r\n")
    assert ("Habilitation;Modifier;GRANDS COMPTES;100000001;10000000100001;DSN;DURAND;Paul;1;0;"
            "04/12/2026;") in lines
    again = csv_import.check(t.admin, exported(t, t.big))
    assert not [line for line in again.lines if line.apply is not None]  # re-imported: nothing changes


def test_a_wrong_jusqu_au_refuses_the_line(t):
    report = csv_import.check(
        t.admin, with_ends("Habilitation;Modifier;;;10000000100001;DSN;DURAND;Paul;1;;2026-12-04;"))
    assert report.lines[0].status == "KO" and "jj/mm/aaaa" in " ".join(report.lines[0].messages)
