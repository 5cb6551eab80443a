"""Bulk files through the pages: export, template, import checked then validated, bad files."""
import html
import io
import re

import pytest

from db.database import database
from db.models import Habilitation, Portfolio, User
from tests.factories.clients import make_company, make_portfolio
from tests.habilitations.conftest import other_firm

PAGE = "/gestion/habilitations"


@pytest.fixture(autouse=True)
def import_folder(app, tmp_path):
    """Checked files wait in the test's own folder, not in instance/."""
    app.config["HABILITATION_IMPORT_DIR"] = str(tmp_path / "imports")
    return tmp_path / "imports"


@pytest.fixture
def portfolio(app):
    with database.connection_context():
        return Portfolio.get(Portfolio.is_default).id


def text(response):
    return html.unescape(response.get_data(as_text=True))


def upload(client, portfolio, content, name="habilitations.csv"):
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    return client.post(f"{PAGE}/import", data={"portfolio": str(portfolio), "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def confirm(client, page, accept_partial=False):
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    data = {"token": token, "version": version}
    if accept_partial:
        data["accept_partial"] = "1"
    return client.post(f"{PAGE}/import/valider", data=data)


def test_export_and_template(client, auth, portfolio):
    auth.login()
    response = client.get(f"{PAGE}/export?portfolio={portfolio}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="habilitations-portefeuille-par-defaut-'
    )
    lines = response.data.decode("utf-8").split("\r\n")
    assert lines[0] == "\ufeffSiret;Établissement;Nom;Prénom;DSN - Déclarer;DSN - Payer;DPAE - Déclarer"
    assert any(re.fullmatch(r"\d{14};[^;]*;DURAND;Paul;1;1;0", line) for line in lines)
    template = client.get(f"{PAGE}/modele?portfolio={portfolio}")
    assert "modele-habilitations" in template.headers["Content-Disposition"]
    assert all(line.endswith(";;;") for line in template.data.decode("utf-8-sig").split("\r\n")[1:] if line)


def test_round_trip_through_the_pages_changes_nothing(client, auth, portfolio):
    auth.login()
    exported = client.get(f"{PAGE}/export?portfolio={portfolio}").data
    response = upload(client, portfolio, exported)
    page = text(response)
    assert response.status_code == 200
    assert "Résultat du contrôle :" in page and ">OK</span>" in page
    assert (
        "Aucune modification : le fichier correspond déjà aux habilitations enregistrées." in page
        and "inchangée" in page
    )
    assert ">Valider</button>" not in page  # nothing to apply


def test_import_preview_then_valider(client, auth, portfolio, import_folder):
    auth.login()
    exported = client.get(f"{PAGE}/export?portfolio={portfolio}").data.decode("utf-8")
    changed = re.sub(r"(\d{14};[^;]*;LEROY;Sophie;)0;0;0", r"\g<1>1;0;1", exported, count=1)
    page = text(upload(client, portfolio, changed))
    assert "Si vous validez : 2 habilitations ajoutées." in page and "2 modification(s)" in page
    response = confirm(client, page)
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "Import OK : 2 habilitations ajoutées (" in page
    assert list(import_folder.iterdir()) == []  # the checked file is gone once applied
    with database.connection_context():
        sophie = User.get(User.nom == "LEROY")
        assert Habilitation.select().where(Habilitation.user == sophie.id).count() == 2


def test_partial_file_applies_the_good_lines_only_when_confirmed(client, auth, portfolio):
    auth.login()
    exported = client.get(f"{PAGE}/export?portfolio={portfolio}").data.decode("utf-8")
    header, first = exported.split("\r\n")[:2]
    good = re.sub(r"^(\d{14};[^;]*;)[^;]+;[^;]+;", r"\1LEROY;Sophie;", first)
    good = good.rsplit(";", 3)[0] + ";1;1;1"
    content = "\r\n".join([header, good, "12345678901234;X;LEROY;Sophie;1;1;1", ""])
    page = text(upload(client, portfolio, content))
    assert "OK partiel" in page and "KO" in page
    assert "SIRET 12345678901234 inconnu dans le portefeuille « Portefeuille par défaut »" in page
    assert "Appliquer uniquement les lignes correctes (1 sur 2)" in page
    response = confirm(client, page)
    assert response.status_code == 422 and "cochez « Appliquer uniquement les lignes correctes »" in text(
        response
    )
    response = confirm(client, text(response), accept_partial=True)
    assert response.status_code == 302
    assert "Import OK partiel : 3 habilitations ajoutées (1 ligne(s) appliquée(s), 1 en erreur)." in text(
        client.get(response.headers["Location"]))


BAD_FILES = {
    "wrong separator": (
        "Siret,Nom,Prénom,DSN - Déclarer\r\n55203253400703,DURAND,Paul,1\r\n",
        "Séparateur incorrect : les colonnes doivent être séparées par des points-virgules (;)",
    ),
    "empty": ("", "Le fichier est vide."),
    "text in a 0/1 column": (
        "Siret;Nom;Prénom;DSN - Déclarer\r\n{siret};LEROY;Sophie;oui\r\n",
        "« oui » dans « DSN - Déclarer » : 0 ou 1 attendu",
    ),
    "unknown SIRET": (
        "Siret;Nom;Prénom;DSN - Déclarer\r\n12345678901234;LEROY;Sophie;1\r\n",
        "SIRET 12345678901234 inconnu dans le portefeuille",
    ),
    "another firm's SIRET": (
        "Siret;Nom;Prénom;DSN - Déclarer\r\n90000000100001;LEROY;Sophie;1\r\n",
        "SIRET 90000000100001 inconnu dans le portefeuille",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files(client, auth, portfolio, case):
    auth.login()
    with database.connection_context():
        other = other_firm()
        make_company(
            other.firm, make_portfolio(other.firm, "AILLEURS", ["DSN"], other.people), "900000001", 1
        )
    exported = client.get(f"{PAGE}/export?portfolio={portfolio}").data.decode("utf-8-sig")
    siret = exported.split("\r\n")[1][:14]
    content, message = BAD_FILES[case]
    response = upload(client, portfolio, content.format(siret=siret))
    page = text(response)
    assert response.status_code == 422 and ">KO</span>" in page and message in page
    assert ">Valider</button>" not in page and "Importer un autre fichier" in page


def test_an_oversized_file_is_refused_with_a_clear_message(client, auth, portfolio):
    auth.login()
    line = b"55203253400703;ETS;DURAND;Paul;1;1;1\r\n"
    header = b"Siret;Etablissement;Nom;Prenom;DSN - Declarer;DSN - Payer;DPAE - Declarer\r\n"
    response = upload(client, portfolio, header + line * (6 * 1024 * 1024 // len(line)))
    assert response.status_code == 422
    assert "Le fichier dépasse la taille maximale de 5 Mo : découpez-le en plusieurs fichiers." in text(
        response
    )
    # Past the configured body limit, nothing is even read: the portal's 413 page.
    response = upload(client, portfolio, header + line * (50 * 1024 * 1024 // len(line)))
    assert response.status_code == 413
    assert "dépassent la taille autorisée\u202f: rien n’a été enregistré." in text(response)


def test_valider_needs_the_file_checked_in_this_session(client, auth, portfolio):
    auth.login()
    response = client.post(
        f"{PAGE}/import/valider", data={"token": "abc", "version": "0"}, follow_redirects=True
    )
    assert "Ce fichier n'est plus disponible : importez-le de nouveau." in text(response)


def test_import_form_and_rights(client, auth, portfolio):
    auth.login()
    page = text(client.get(f"{PAGE}/import?portfolio={portfolio}"))
    assert "Importer un fichier d'habilitations" in page and 'enctype="multipart/form-data"' in page
    assert f'<option value="{portfolio}" selected>' in page
    auth.logout()
    auth.login_declarant()
    for url in (
        f"{PAGE}/import",
        f"{PAGE}/export?portfolio={portfolio}",
        f"{PAGE}/modele?portfolio={portfolio}",
    ):
        assert client.get(url).status_code == 403
    assert upload(client, portfolio, "x").status_code == 403


def test_another_firms_portfolio_is_404(client, auth):
    auth.login()
    with database.connection_context():
        other = other_firm(declarants=())
        foreign = make_portfolio(other.firm, "AILLEURS", ["DSN"])
    assert client.get(f"{PAGE}/export?portfolio={foreign.id}").status_code == 404
    assert client.get(f"{PAGE}/modele?portfolio=x").status_code == 404
    assert upload(client, foreign.id, "Siret;Nom;Prénom\r\n").status_code == 404
