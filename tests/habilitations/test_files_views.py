"""The bulk file through the pages: the layout documented with its template and export, the preview line
by line, Valider, the compte rendu downloaded and found again in the Historique des imports."""

import html
import io
import re

import pytest

from db.database import database
from db.declarations import selections
from db.models import BulkImport, Company, Habilitation, Portfolio, User
from tests.factories.clients import make_portfolio
from tests.factories.declarations import declaration
from tests.factories.directory import AUBADE
from tests.factories.people import demo_user
from tests.habilitations.conftest import other_firm

PAGE = "/gestion/habilitations"
# Older files: no « Jusqu’au », and « Siren », « Siret » as the layout first spelled them (still read).
HEADER = "Type;Action;Portefeuille;Siren;Siret;Déclaration;Nom;Prénom;Déclarer;Payer;Libellé"
LAYOUT = "Type;Action;Portefeuille;SIREN;SIRET;Déclaration;Nom;Prénom;Déclarer;Payer;Jusqu’au;Libellé"


def text(response):
    """The page as read: entities decoded, runs of white space as one space."""
    return " ".join(html.unescape(response.get_data(as_text=True)).split())


def upload(client, content, name="lot.csv"):
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    return client.post(
        f"{PAGE}/import", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def valider_url(page):
    return re.search(r'action="(/gestion/habilitations/import/\d+/valider)"', page).group(1)


def test_the_import_page_documents_the_layout(client, auth):
    auth.login()
    page = text(client.get(f"{PAGE}/import"))
    assert "<h1>Importer un fichier de gestion</h1>" in page and 'enctype="multipart/form-data"' in page
    assert LAYOUT.rsplit(";", 1)[0] in page
    for line_type in ("Entreprise", "Établissement", "Déclaration", "Habilitation"):
        assert f"<td>{line_type}</td>" in page
    assert 'href="/gestion/habilitations/modele" download>Télécharger le modèle vierge</a>' in page
    assert '<option value="">Tout le cabinet</option>' in page and "Historique des imports" in page


def test_template_and_export(client, auth):
    auth.login()
    template = client.get(f"{PAGE}/modele")
    assert template.mimetype == "text/csv" and template.data.decode("utf-8") == "\ufeff" + LAYOUT + "\r\n"
    assert template.headers["Cache-Control"] == "no-store"
    response = client.get(f"{PAGE}/export")
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="fichier-de-gestion-cabinet-'
    )
    lines = response.data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == LAYOUT
    assert "Entreprise;Ajouter;CLIENTS PME;487444697;;;;;;;;ESSOR ENERGIES" in lines
    assert any(
        re.fullmatch(r"Habilitation;Modifier;Portefeuille par défaut;\d{9};\d{14};DSN;DURAND;Paul;1;1;;", x)
        for x in lines
    )


def test_round_trip_through_the_pages_changes_nothing(client, auth):
    auth.login()
    response = upload(client, client.get(f"{PAGE}/export").data)
    page = text(response)
    assert response.status_code == 200 and "Résultat du contrôle : OK" in re.sub(r"<[^>]+>", "", page)
    assert "rien à modifier" in page
    with database.connection_context():
        before = Habilitation.select().count()
    assert client.post(valider_url(page)).status_code == 302
    with database.connection_context():
        assert Habilitation.select().count() == before


def test_preview_valider_report_and_historique(client, auth):
    """The journey of the issue: a company added, an establishment removed, a declaration selected, a
    habilitation granted, one bad line; previewed as OK partiel, applied, its report downloaded."""
    auth.login()
    content = "\r\n".join(
        [
            HEADER,
            f"Entreprise;Ajouter;CLIENTS PME;{AUBADE};;;;;;;",
            "Établissement;Retirer;;;41497192900040;;;;;;",
            "Déclaration;Ajouter;CLIENTS PME;;;DUCS;;;;;",
            "Habilitation;Modifier;;;77569590100063;DSN;LEROY;Sophie;1;1;",
            "Entreprise;Ajouter;CLIENTS PME;732829320;;;;;;;",
            "",
        ]
    )
    response = upload(client, content, "mars.csv")
    page = text(response)
    assert response.status_code == 200 and "OK partiel" in page
    assert "5 lignes : 4 OK, 0 OK partiel, 1 KO" in page
    assert "le SIREN 732829320 est inconnu du référentiel Sirene" in page
    assert "Télécharger le compte rendu" in page and ">Valider</button>" in page
    with database.connection_context():
        assert not Company.select().where(Company.siren == AUBADE).exists()  # nothing before Valider
    response = client.post(valider_url(page))
    report_page = response.location
    page = text(client.get(report_page))
    assert "Fichier appliqué : OK partiel." in page and "<h1>Compte rendu de l’import</h1>" in page
    assert "Entreprises ajoutées : 1 · Établissements désinscrits : 1 · Déclarations ajoutées : 1" in page
    with database.connection_context():
        assert Company.select().where(Company.siren == AUBADE).exists()
        sophie = User.get(User.nom == "LEROY")
        assert Habilitation.select().where(Habilitation.user == sophie.id).count() == 1
        upload_id = BulkImport.get(BulkImport.filename == "mars.csv").id
    csv = client.get(f"{PAGE}/import/{upload_id}/compte-rendu")
    assert csv.headers["Content-Disposition"] == 'attachment; filename="compte-rendu-mars.csv"'
    assert ";KO;le SIREN 732829320 est inconnu du référentiel Sirene" in csv.data.decode("utf-8-sig")
    history = text(client.get(f"{PAGE}/imports"))
    assert "mars.csv" in history and "MOUTIN Claire" in history and "OK partiel" in history
    assert client.post(valider_url(text(upload(client, content, "encore.csv")))).status_code == 302


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "Le fichier est vide."),
        ("SIRET,Nom\r\n1,2\r\n", "Séparateur incorrect"),
        (f"{HEADER}\r\nClient;Ajouter;;;;;;;;;\r\n", "Type « Client » inconnu"),
    ],
)
def test_bad_files_are_ko_and_cannot_be_validated(client, auth, content, message):
    auth.login()
    response = upload(client, content)
    page = text(response)
    assert response.status_code == 422 and message in page
    assert ">Valider</button>" not in page and "Importer un autre fichier" in page


def test_a_file_over_5_mb_is_refused_with_a_clear_message(client, auth):
    auth.login()
    response = upload(client, HEADER.encode() + b"\r\n" + b"x" * (6 * 1024 * 1024))
    assert response.status_code == 422
    assert "Le fichier dépasse la taille maximale de 5 Mo : découpez-le en plusieurs fichiers." in text(
        response
    )
    # Past the configured body limit, nothing is even read: the portal's 413 page.
    response = upload(client, HEADER.encode() + b"\r\n" + b"x" * (50 * 1024 * 1024))
    assert response.status_code == 413
    assert "dépassent la taille autorisée : rien n’a été enregistré." in text(response)  # spaces folded


def test_valider_when_the_firm_changed_shows_the_new_preview(client, auth):
    auth.login()
    page = text(upload(client, f"{HEADER}\r\nDéclaration;Ajouter;CLIENTS PME;;;DUCS;;;;;\r\n"))
    with database.connection_context():  # another administrator selects it meanwhile
        portfolio = Portfolio.get(Portfolio.name == "CLIENTS PME")
        selections.apply_lines(demo_user("MOUTIN"), "portfolio", portfolio.id, [declaration("DUCS").id])
    response = client.post(valider_url(page))
    page = text(response)
    assert response.status_code == 409 and "Vos portefeuilles ont changé depuis le contrôle" in page
    assert "rien à modifier" in page


def test_only_administrators_and_only_their_firm(client, auth):
    auth.login()
    with database.connection_context():
        other = other_firm(declarants=())
        foreign = make_portfolio(other.firm, "AILLEURS", ["DSN"])
    assert client.get(f"{PAGE}/export?portfolio={foreign.id}").status_code == 404
    assert client.get(f"{PAGE}/export?portfolio=x").status_code == 404
    assert client.get(f"{PAGE}/imports/999999").status_code == 404
    assert client.post(f"{PAGE}/import/999999/valider").status_code == 404
    auth.logout()
    auth.login_declarant()
    for url in (f"{PAGE}/import", f"{PAGE}/export", f"{PAGE}/modele", f"{PAGE}/imports"):
        assert client.get(url).status_code == 403
    assert upload(client, "x").status_code == 403
