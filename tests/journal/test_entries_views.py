"""The journal's entries: one compact line per user action, its lines unfolded by htmx or opened on
their own page without JavaScript, exported as CSV, found by the person whose rights changed."""
import csv
import io
import re

import pytest

from db import habilitations
from db.database import database
from db.habilitations import grid
from db.journal import lines
from db.models import Company, Establishment, User
from tests.factories.declarations import declaration
from tests.factories.firms import PASSWORD
from tests.factories.pagination import pagination
from tests.factories.queries import page_queries


def text(response):
    return response.get_data(as_text=True).replace("&#39;", "'")


@pytest.fixture
def granted(world):
    """LEROY Sophie given DPAE Déclarer on every establishment of the default portfolio, in one Valider:
    (the journal event, how many lines)."""
    with database.connection_context():
        admin, dpae = User.get_by_id(world.admin), declaration("DPAE")
        places = Establishment.select().join(Company).where(Company.portfolio == world.portfolio)
        ticks = [f"{e.id}-{dpae.id}-{world.sophie}-d-1" for e in places]
        assert len(ticks) > 2
        plan = habilitations.validate(admin, {}, {"version": str(grid.version()), "changes": " ".join(ticks)})
        return plan.event, len(ticks)


def test_an_action_is_one_compact_line_whose_lines_unfold(client, auth, world, granted):
    event, count = granted
    auth.login()
    html = text(client.get("/gestion/journal"))
    assert html.count(event.summary) == 1 and "à LEROY Sophie sur" in event.summary
    link = re.search(rf'<a class="entry-toggle" href="/gestion/journal/{event.id}" ([^>]*)>([^<]*)</a>', html)
    assert link and link.group(2) == f"Voir les {count} lignes"
    assert f'hx-get="/gestion/journal/{event.id}" hx-target="#lignes-slot-{event.id}"' in link.group(1)
    assert f'<tr class="entry-lines-row" id="lignes-row-{event.id}" hidden><td colspan="4" ' in html
    fragment = text(client.get(f"/gestion/journal/{event.id}", headers={"HX-Request": "true"}))
    assert fragment.lstrip().startswith(f'<div id="lignes-{event.id}"') and "<h1>" not in fragment
    assert fragment.count('<td class="nowrap">LEROY Sophie</td>') == min(count, lines.PER_PAGE)
    assert f'href="/gestion/journal/{event.id}/lignes.csv"' in fragment


def test_the_lines_have_their_own_page_that_pages_without_javascript(client, auth, granted, monkeypatch):
    event, count = granted
    monkeypatch.setattr(lines, "PER_PAGE", 1)
    auth.login()
    html = text(client.get(f"/gestion/journal/{event.id}?page=2"))
    assert "<h1>Entrée du journal</h1>" in html and event.summary in html
    assert f"page 2 sur {count}" in html and pagination(html).startswith("Précédente 1 [2] 3 ")
    assert pagination(html).endswith(f" {count} Suivante")
    assert '<nav class="pagination" aria-label="Pages des lignes">' in html
    assert f'href="/gestion/journal/{event.id}?page=1"' in html and 'hx-push-url="false"' in html
    assert html.count('<td class="mono nowrap">') == 1
    few = page_queries(client, f"/gestion/journal/{event.id}?page=1")
    assert page_queries(client, f"/gestion/journal/{event.id}?page={count}") == few


def test_the_lines_export_is_csv_with_formulas_made_harmless(client, auth, world, granted):
    event, count = granted
    with database.connection_context():
        Establishment.update(name="=1+1").where(Establishment.id == world.establishment).execute()
    auth.login()
    response = client.get(f"/gestion/journal/{event.id}/lignes.csv")
    assert response.mimetype == "text/csv" and f"journal-{event.id}-lignes.csv" in response.headers[
        "Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == lines.CSV_HEADER and len(rows) == 1 + count
    assert ["'=1+1"] == [r[1] for r in rows if r[0] == world.siret]
    assert {r[3] for r in rows[1:]} == {"LEROY"} and {r[7] for r in rows[1:]} == {"Déclarer"}


def test_another_firms_entry_is_404_and_a_declarant_gets_403(client, auth, world, granted):
    event, _ = granted
    auth.login(siret="12345678200010", nom="ADMIN", prenom="Autre", password=PASSWORD)
    assert client.get(f"/gestion/journal/{event.id}").status_code == 404
    assert client.get(f"/gestion/journal/{event.id}/lignes.csv").status_code == 404
    auth.logout()
    auth.login_declarant()
    assert client.get(f"/gestion/journal/{event.id}").status_code == 403


def test_the_journal_filters_by_the_person_concerned(client, auth, world, granted):
    event, _ = granted
    auth.login()
    html = text(client.get(f"/gestion/journal?concerne={world.sophie}"))
    assert "Personne concernée" in html and f'<option value="{world.sophie}" selected>' in html
    assert "1 événement" in html and event.summary in html
    assert "0 événement" in text(client.get(f"/gestion/journal?concerne={world.paul}&personne={world.admin}"))
