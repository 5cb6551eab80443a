"""Journal pages: rights, filters, French before → after, CSV export."""
import csv
import io

from db.database import database
from tests.factories.declarations import declaration
from tests.factories.firms import PASSWORD


def text(response):
    return response.get_data(as_text=True).replace("&#39;", "'")


def change_declarations(client, world):
    with database.connection_context():
        wanted = [str(declaration(c).id) for c in ("DPAE", "SOLTEA_EMPLOYEURS")]
    client.post(
        f"/gestion/portefeuilles/{world.portfolio}/declarations",
        data={"declarations": wanted, "confirm": "1"},
    )


def test_the_journal_shows_declaration_and_habilitation_changes(client, auth, world):
    auth.login()
    change_declarations(client, world)
    html = text(client.get("/gestion/journal"))
    assert "<h1>Journal</h1>" in html
    assert html.index(">Effacer les critères</a>") < html.index(">Rechercher</button>")  # main action last
    assert (
        "« SOLTéA – Employeurs » ajoutée aux déclarations du portefeuille « Portefeuille par défaut »" in html
    )
    assert "Déclaration retirée" in html and "Habilitation supprimée" in html
    assert "Sélectionnée : Non" in html and "Oui" in html
    assert "MOUTIN Claire" in html


def test_filters_live_in_the_url_and_htmx_gets_the_results_only(client, auth, world):
    auth.login()
    change_declarations(client, world)
    response = client.get("/gestion/journal?service=SOLTEA_EMPLOYEURS", headers={"HX-Request": "true"})
    html = text(response)
    assert html.lstrip().startswith('<div id="journal-resultats"') and "1 événement" in html
    assert "HX-Request" in response.headers["Vary"]
    full = text(client.get(f"/gestion/journal?siret={world.siret}&personne={world.admin}"))
    assert "Habilitation supprimée" in full and "Déclaration ajoutée" not in full
    assert f'<option value="{world.admin}" selected>' in full


def test_bad_criteria_are_422_with_the_message_next_to_the_field(client, auth, world):
    auth.login()
    response = client.get("/gestion/journal?du=32/01/2026&siret=123")
    html = text(response)
    assert response.status_code == 422
    assert 'id="du-error">Date invalide' in html and 'id="siret-error">' in html


def test_a_person_of_another_firm_is_404(client, auth, world):
    auth.login()
    with database.connection_context():
        from db.models import User
        stranger = User.select().where(User.firm != User.get_by_id(world.admin).firm_id).first()
    assert client.get(f"/gestion/journal?personne={stranger.id}").status_code == 404


def test_another_firm_never_sees_our_events(client, auth, world):
    auth.login()
    change_declarations(client, world)
    auth.logout()
    auth.login(siret="12345678200010", nom="ADMIN", prenom="Autre", password=PASSWORD)
    page = text(client.get("/gestion/journal"))
    assert "1 événement" in page and "Connexion de ADMIN Autre" in page  # its own login, nothing of ours
    rows = list(
        csv.reader(io.StringIO(text(client.get("/gestion/journal.csv")).lstrip("\ufeff")), delimiter=";")
    )
    assert len(rows) == 2 and "Connexion de ADMIN Autre depuis l’adresse 127.0.0.1" in rows[1]


def test_csv_export_is_semicolon_utf8_with_bom(client, auth, world):
    auth.login()
    change_declarations(client, world)
    response = client.get("/gestion/journal.csv?service=SOLTEA_EMPLOYEURS")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Date", "Auteur", "Action", "SIRET", "Service", "Détail", "Avant", "Après"]
    assert len(rows) == 2
    assert rows[1][1:5] == ["MOUTIN Claire", "Déclaration ajoutée", "", "SOLTEA_EMPLOYEURS"]
    assert (rows[1][6], rows[1][7]) == ("Sélectionnée : Non", "Sélectionnée : Oui")


def test_a_declarant_gets_403(client, auth, world):
    auth.login_declarant()
    assert client.get("/gestion/journal").status_code == 403
    assert client.get("/gestion/journal.csv").status_code == 403


def test_the_menu_offers_the_journal_to_administrators_only(client, auth, world):
    assert 'href="/gestion/journal"' in text(auth.login())
    auth.logout()
    assert 'href="/gestion/journal"' not in text(auth.login_declarant())


def test_an_odd_page_number_shows_the_first_page(client, auth, world):
    auth.login()
    for page in ("²", "-3", "0", "9" * 40, "1e3"):
        response = client.get("/gestion/journal", query_string={"page": page})
        assert response.status_code == 200, page
        assert "<h1>Journal</h1>" in text(response)
