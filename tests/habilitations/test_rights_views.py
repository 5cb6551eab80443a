"""Issue 13 through the pages: « Jusqu'au » at Valider and both dates on the grid and the tile, the
Revue des habilitations (Confirmer, detail, report), the Couverture, the Menu personnalisé's status."""
import datetime
import html
import re

import pytest

from db import clock
from db.database import database
from db.models import AuditEvent, Company, Declaration, Establishment, Habilitation, User

NOW = datetime.datetime(2026, 11, 27, 9, 0)  # a Friday, 10:00 in Paris
GRID = "/gestion/habilitations"


def text(response):
    page = html.unescape(response.get_data(as_text=True)).replace("\u202f", " ")
    return " ".join(re.sub(r"</?(strong|span)[^>]*>", "", page).split())


@pytest.fixture
def demo(app):
    clock.freeze(NOW)
    with database.connection_context():
        company = Company.get(Company.siren == "552032534")
        establishment = Establishment.get(Establishment.company == company.id)
        people = {u.nom: u.id for u in User.select().where(User.firm == company.firm_id)}
        dsn = Declaration.get(Declaration.code == "DSN").id
    yield company.id, establishment, people, dsn
    clock.freeze(None)


def grant_until(client, demo, until):
    """Déclarer DSN for LEROY Sophie on the company's establishment, until that date."""
    company, establishment, people, dsn = demo
    page = text(client.get(f"{GRID}?search=1&company={company}&declarant={people['LEROY']}"))
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    key = f"{establishment.id}-{dsn}-{people['LEROY']}"
    return client.post(f"{GRID}/valider", data={
        "company": company, "declarant": people["LEROY"], "version": version, "changes": f"{key}-d-1",
        "until": until})


def test_jusqu_au_at_valider_then_on_the_grid_and_the_tile(client, auth, demo):
    auth.login()
    company, establishment, people, dsn = demo
    page = text(client.get(f"{GRID}?search=1&company={company}&declarant={people['LEROY']}"))
    assert "Jusqu’au (facultatif)" in page and "jj/mm/aaaa" in page
    refused = grant_until(client, demo, "31/02/2026")
    assert refused.status_code == 422 and "s’écrit jj/mm/aaaa" in text(refused)
    response = grant_until(client, demo, "04/12/2026")
    assert response.status_code == 302
    grid = text(client.get(response.headers["Location"]))
    with database.connection_context():
        assert Habilitation.get((Habilitation.user == people["LEROY"])
                                & (Habilitation.establishment == establishment.id)
                                & (Habilitation.declaration == dsn)).active_until == (
            datetime.datetime(2026, 12, 4, 23, 0))
    assert "jusqu’au 04/12/2026" in grid
    auth.logout()
    auth.login(nom="LEROY", prenom="Sophie")
    tiles = text(client.get("/declarations"))
    assert "1 jusqu’au vendredi 4 décembre 2026" in tiles


def test_the_review_page_confirm_detail_and_report(client, auth, demo):
    _, _, people, _ = demo
    auth.login()
    page = text(client.get("/gestion/revue"))
    assert "<h1>Revue des habilitations</h1>" in page and "DURAND Paul" in page and "Revue due" in page
    assert f'href="{GRID}?search=1&declarant={people["DURAND"]}"' in page  # Retirer… opens his grid
    detail = text(client.get(f"/gestion/revue/{people['DURAND']}", headers={"HX-Request": "true"}))
    assert "<h1>" not in detail and "Portefeuille" in detail
    response = client.post(f"/gestion/revue/{people['DURAND']}/confirmer")
    assert response.status_code == 302
    assert "Habilitations de DURAND Paul confirmées" in text(client.get("/gestion/revue"))
    report = client.get("/gestion/revue.csv")
    assert report.mimetype == "text/csv"
    lines = report.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == "Date;Revu par;Revue" and "DURAND Paul revues et confirmées" in lines[1]
    with database.connection_context():
        assert AuditEvent.select().where(AuditEvent.action == "habilitation.review").count() == 1
    assert "DURAND Paul revues et confirmées" in text(client.get("/gestion/journal"))
    assert client.get("/gestion/revue/999999").status_code == 404


def test_the_coverage_page_and_its_links_to_the_grid(client, auth, demo):
    auth.login()
    page = text(client.get("/gestion/couverture"))
    assert "<h1>Couverture des déclarations</h1>" in page and "cases sans personne" in page
    assert "Habiliter" in page and "/gestion/habilitations?search=1&amp;company=" in (
        client.get("/gestion/couverture").get_data(as_text=True))
    fragment = text(client.get("/gestion/couverture?droit=payer&qui=aucun", headers={"HX-Request": "true"}))
    assert "<h1>" not in fragment and "« Payer »" in fragment
    assert client.get("/gestion/couverture?droit=tout").status_code == 404


def test_the_menu_shows_the_review_status_and_declarants_cannot_open_the_pages(client, auth, demo):
    auth.login()
    menu = text(client.get("/menu"))
    assert "Revue des habilitations : " in menu and "à revoir" in menu
    assert "Couverture des déclarations" in menu
    auth.logout()
    auth.login_declarant()
    assert client.get("/gestion/revue").status_code == 403
    assert client.get("/gestion/couverture").status_code == 403


def test_modifier_la_date_de_fin_of_rights_held_count_confirmation_and_journal(client, auth, demo):
    auth.login()
    company, establishment, people, dsn = demo
    grant_until(client, demo, "")
    search = f"company={company}&declarant={people['LEROY']}"
    listing = text(client.get(f"{GRID}/liste?search=1&{search}"))
    assert "Modifier la date de fin…" in listing
    page = text(client.get(f"{GRID}/date-de-fin?{search}"))
    assert "1 habilitation concernée" in page and "Modifier la date de fin de 1 habilitation" in page
    form = {"company": company, "declarant": people["LEROY"], "held": "2", "until": "04/12/2026"}
    stale = client.post(f"{GRID}/date-de-fin", data=form)
    assert stale.status_code == 422 and "ont changé depuis l’affichage du nombre" in text(stale)
    done = client.post(f"{GRID}/date-de-fin", data={**form, "held": "1"})
    assert done.status_code == 302
    back = text(client.get(done.headers["Location"]))
    assert "Date de fin modifiée pour 1 habilitation de LEROY Sophie." in back
    with database.connection_context():
        right = Habilitation.get((Habilitation.user == people["LEROY"]) & (Habilitation.declaration == dsn)
                                 & (Habilitation.establishment == establishment.id))
        assert right.active_until == datetime.datetime(2026, 12, 4, 23, 0)
        assert AuditEvent.select().where(AuditEvent.summary.contains("jusqu’au 04/12/2026")).count() == 1
    nobody = client.get(f"{GRID}/date-de-fin?company={company}")
    assert nobody.status_code == 302
    assert "Choisissez un déclarant" in text(client.get(nobody.headers["Location"]))
    unnamed = client.post(f"{GRID}/date-de-fin", data={"company": company, "held": "1", "until": ""})
    assert unnamed.status_code == 302
