"""Bulk files: export and template of a portfolio, import checked line by line with a preview,
the round trip, and every kind of bad file."""
import pytest

from db import habilitations
from db.errors import Conflict, Invalid, NotFound
from db.habilitations import csv_export as files
from db.habilitations import csv_import as imports
from db.habilitations import grid
from db.models import Habilitation
from tests.factories.habilitations import establishments, habilitation, key

HEADER = ("Siret;Établissement;Nom;Prénom;DSN - Déclarer;DSN - Payer;DPAE - Déclarer")


def exported(t, portfolio=None, blank=False):
    name, lines = files.export(t.admin, (portfolio or t.big).id, blank=blank)
    return name, "".join(lines).encode("utf-8")


def tick(t, *tokens):
    habilitations.validate(t.admin, {}, {"changes": " ".join(tokens), "version": str(grid.version())})


def test_export_layout(t):
    acme = establishments(t.acme)
    tick(t, f"{key(acme[0], 'DSN', t.paul)}-d-1", f"{key(acme[0], 'DSN', t.paul)}-p-1")
    name, data = exported(t)
    assert name.startswith("habilitations-grands-comptes-") and name.endswith(".csv")
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for spreadsheets
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == HEADER
    assert len([x for x in lines if x]) == 1 + (3 + 2) * 3  # establishment × déclarant
    assert lines[1] == "10000000100001;ETS 1;ADMIN;Alice;0;0;0"
    assert lines[2] == "10000000100001;ETS 1;DURAND;Paul;1;1;0"


def test_export_leaves_services_not_selected_for_an_establishment_empty(t):
    from db.models import EstablishmentDeclaration
    from tests.factories.declarations import declaration

    first = establishments(t.acme)[0]
    EstablishmentDeclaration.delete().where(
        (EstablishmentDeclaration.establishment == first.id)
        & (EstablishmentDeclaration.declaration == declaration("DPAE").id)
    ).execute()
    lines = exported(t)[1].decode("utf-8-sig").split("\r\n")
    assert lines[1] == "10000000100001;ETS 1;ADMIN;Alice;0;0;"


def test_template_has_the_same_layout_with_empty_values(t):
    name, data = exported(t, blank=True)
    lines = data.decode("utf-8-sig").split("\r\n")
    assert name.startswith("modele-habilitations-")
    assert lines[0] == HEADER and lines[1] == "10000000100001;ETS 1;ADMIN;Alice;;;"
    assert imports.check(t.admin, t.big.id, data).plan.changes == []


def test_export_then_import_changes_nothing(t):
    acme = establishments(t.acme)
    tick(t, f"{key(acme[0], 'DSN', t.paul)}-d-1", f"{key(acme[1], 'DPAE', t.sophie)}-d-1")
    report = imports.check(t.admin, t.big.id, exported(t)[1])
    assert (report.status, report.file_error, len(report.lines)) == ("OK", "", 15)
    assert report.plan.changes == [] and all(line.changes == 0 for line in report.lines)
    before = Habilitation.select().count()
    imports.apply(t.admin, t.big.id, exported(t)[1], report.version)
    assert Habilitation.select().count() == before


def test_import_preview_then_valider(t):
    data = exported(t)[1].decode("utf-8-sig").replace("10000000100002;ETS 2;LEROY;Sophie;0;0;0",
                                                      "10000000100002;ETS 2;LEROY;Sophie;1;0;1")
    report = imports.check(t.admin, t.big.id, data.encode("utf-8"))
    assert report.status == "OK" and report.plan.summary == "2 habilitations ajoutées"
    assert [line.changes for line in report.lines if line.changes] == [2]
    assert Habilitation.select().count() == 0  # a preview writes nothing
    applied = imports.apply(t.admin, t.big.id, data.encode("utf-8"), report.version)
    assert applied.plan.added == 2
    sophie = habilitation(establishments(t.acme)[1], "DSN", t.sophie)
    assert sophie.declare and not sophie.pay and sophie.active_from is not None


def test_spreadsheet_encoding_and_codes_in_headers_are_accepted(t):
    text = ("Siret;Nom;Prénom;DSN - Déclarer;DPAE - déclarer\r\n"
            "10000000100001;DURAND;Paul;1;\r\n100 000 001 00002;leroy;SOPHIE;;1\r\n")
    report = imports.check(t.admin, t.big.id, text.encode("cp1252"))
    assert report.status == "OK" and report.plan.added == 2


def _bad(t, text, portfolio=None):
    return imports.check(
        t.admin, (portfolio or t.big).id, text.encode("utf-8") if isinstance(text, str) else text
    )


@pytest.mark.parametrize("content, message", [
    (b"", "Le fichier est vide."),
    (b"\xef\xbb\xbf  \r\n", "Le fichier est vide."),
    ("Siret,Nom,Prénom,DSN - Déclarer\r\n10000000100001,DURAND,Paul,1\r\n",
     "Séparateur incorrect : les colonnes doivent être séparées par des points-virgules (;)"),
    ("Siret\tNom\tPrénom\r\n", "Séparateur incorrect"),
    ("bonjour\r\n", "En-tête non reconnu"),
    ("Siret;Nom;DSN - Déclarer\r\n", "En-tête incomplet : colonne(s) Prénom absente(s)"),
    ("Siret;Nom;Prénom;Congés - Déclarer\r\n", "Colonne non reconnue : « Congés - Déclarer »"),
    ("Siret;Nom;Prénom;DPAE - Payer\r\n", "« DPAE » ne comporte pas de droit Payer"),
    (HEADER + "\r\n", "Le fichier ne contient aucune ligne d'habilitation"),
])
def test_bad_files_are_refused_whole(t, content, message):
    report = _bad(t, content)
    assert report.status == "KO" and message in report.file_error and report.plan is None


def test_a_50_mb_file_is_refused_with_the_limit(t):
    line = b"10000000100001;ETS 1;DURAND;Paul;1;1;1\r\n"
    data = HEADER.encode() + b"\r\n" + line * (50 * 1024 * 1024 // len(line))
    assert len(data) >= 50 * 1024 * 1024 - len(line)
    report = _bad(t, data)
    assert report.status == "KO"
    assert (
        report.file_error
        == "Le fichier dépasse la taille maximale de 5 Mo : découpez-le en plusieurs fichiers."
    )


LINES = {
    "unknown": (
        "10000000999999;X;DURAND;Paul;1;0;0",
        "SIRET 10000000999999 inconnu dans le portefeuille « GRANDS COMPTES »",
    ),
    "other firm": (
        "90000000100001;X;DURAND;Paul;1;0;0",
        "SIRET 90000000100001 inconnu dans le portefeuille « GRANDS COMPTES »",
    ),
    "other portfolio": (
        "20000000100001;X;DURAND;Paul;1;0;0",
        "SIRET 20000000100001 inconnu dans le portefeuille",
    ),
    "short": ("1000000010;X;DURAND;Paul;1;0;0", "SIRET « 1000000010 » invalide : 14 chiffres attendus"),
    "text": ("10000000100001;X;DURAND;Paul;oui;0;0", "« oui » dans « DSN - Déclarer » : 0 ou 1 attendu"),
    "two": ("10000000100001;X;DURAND;Paul;1;2;0", "« 2 » dans « DSN - Payer » : 0 ou 1 attendu"),
    "person": ("10000000100001;X;DUPONT;Jean;1;0;0", "déclarant « DUPONT Jean » inconnu"),
    "other person": ("10000000100001;X;MARTIN;Luc;1;0;0", "déclarant « MARTIN Luc » inconnu"),
}


@pytest.mark.parametrize("case", sorted(LINES))
def test_bad_lines_are_reported_and_only_good_lines_apply_when_confirmed(t, case):
    bad, reason = LINES[case]
    text = f"{HEADER}\r\n10000000100003;ETS 3;LEROY;Sophie;1;1;0\r\n{bad}\r\n"
    report = _bad(t, text)
    assert report.status == "OK partiel"
    assert [(line.number, line.ok) for line in report.lines] == [(2, True), (3, False)]
    assert reason in " ; ".join(report.lines[1].reasons)
    assert report.plan.summary == "2 habilitations ajoutées"
    with pytest.raises(Invalid) as refused:
        imports.apply(t.admin, t.big.id, text.encode(), report.version)
    assert "Appliquer uniquement les lignes correctes" in refused.value.errors["accept_partial"]
    assert Habilitation.select().count() == 0
    imports.apply(t.admin, t.big.id, text.encode(), report.version, accept_partial=True)
    assert Habilitation.select().count() == 1 and habilitation(establishments(t.acme)[2], "DSN", t.sophie).pay


def test_line_level_rules_of_the_portfolio(t):
    from db.models import EstablishmentDeclaration
    from tests.factories.declarations import declaration

    first = establishments(t.acme)[0]
    EstablishmentDeclaration.delete().where(
        (EstablishmentDeclaration.establishment == first.id)
        & (EstablishmentDeclaration.declaration == declaration("DPAE").id)
    ).execute()
    text = (f"{HEADER}\r\n10000000100001;;DURAND;Paul;;;1\r\n10000000100001;;DURAND;Paul;;;0\r\n"
            "20000000100001;;DURAND;Paul;1;;\r\n10000000100002;;DURAND;Paul;;;0\r\n10000000100002;;DURAND;Paul;;;1\r\n")
    small = imports.check(t.admin, t.small.id, text.encode())
    assert [line.ok for line in small.lines] == [False, False, True, False, False]  # only GAMMA is in PETITS
    report = imports.check(t.admin, t.big.id, text.encode())
    assert [line.reasons for line in report.lines] == [
        ["« DPAE » n'est pas sélectionnée pour cet établissement"],
        ["ligne en double (même SIRET et même déclarant qu'en ligne 2)"],
        ["SIRET 20000000100001 inconnu dans le portefeuille « GRANDS COMPTES »"],
        [],
        ["ligne en double (même SIRET et même déclarant qu'en ligne 5)"],
    ]
    assert report.status == "OK partiel"


def test_a_person_of_the_firm_outside_the_portfolio(t):
    text = "Siret;Nom;Prénom;DSN - Déclarer\r\n20000000100001;LEROY;Sophie;1\r\n"
    report = imports.check(t.admin, t.small.id, text.encode())
    assert report.status == "KO"
    assert report.lines[0].reasons == ["LEROY Sophie n'est pas déclarant du portefeuille « PETITS »"]
    with pytest.raises(Invalid):
        imports.apply(t.admin, t.small.id, text.encode(), report.version, accept_partial=True)


def test_import_refused_when_the_cells_changed_since_the_preview(t):
    text = f"{HEADER}\r\n10000000100001;;DURAND;Paul;1;0;0\r\n"
    report = imports.check(t.admin, t.big.id, text.encode())
    tick(t, f"{key(establishments(t.acme)[0], 'DSN', t.paul)}-p-1")
    with pytest.raises(Conflict):
        imports.apply(t.admin, t.big.id, text.encode(), report.version)


def test_portfolios_of_another_firm_are_not_found(t):
    with pytest.raises(NotFound):
        files.export(t.admin, t.other_portfolio.id)
    with pytest.raises(NotFound):
        imports.check(t.admin, t.other_portfolio.id, b"x")
    with pytest.raises(NotFound):
        imports.check(t.admin, "1 or 1", b"x")
