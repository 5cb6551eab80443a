"""Vos déclarations: the tiles page and the establishments behind a tile."""
import datetime
import re

from db import clock
from db.clients.search import refresh_search_text
from db.database import database
from db.models import Company, Declaration, Establishment, Habilitation, User
from tests.factories.habilitations import grant
from tests.factories.queries import count_queries
from webapp.templating import datetime_fr

NOW = datetime.datetime(2026, 11, 22, 13, 5)  # 14:05 in Paris


def text(response):
    return response.get_data(as_text=True).replace("&#39;", "'")


def plain(response):
    """The page's text as read: tags removed, spaces (narrow no-break ones included) collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).replace("\u202f", " ").split())


def give(user_id, code, portfolio_id, at=None, pay=False):
    with database.connection_context():
        establishments = list(Establishment.select().join(Company).where(Company.portfolio == portfolio_id))
        grant(User.get_by_id(user_id), establishments, code, at=at, pay=pay)
        return len(establishments)


def test_login_leads_to_vos_declarations(client, auth, world):
    response = auth.login_declarant()
    assert response.request.path == "/declarations"
    assert "<h1>Vos déclarations</h1>" in text(response)


def test_a_declarant_sees_his_accessible_tile(client, auth, world):
    html = text(auth.login_declarant())
    assert "DSN</a></h2>" in html and "Déclaration sociale nominative" in html
    assert '<span class="badge badge-ok">Accessible</span>' in html
    assert "/declarations/DSN" in html


def test_a_right_granted_now_says_when_it_opens(client, auth, world):
    clock.freeze(NOW)
    give(world.sophie, "SOLTEA_EMPLOYEURS", world.portfolio)
    html = text(auth.login(nom="LEROY", prenom="Sophie"))
    assert "SOLTéA – Employeurs</a></h2>" in html
    assert "Répartir le solde de la taxe d’apprentissage" in html
    assert "Accessible sous 24 heures" in html
    assert "à partir du lundi 23 novembre à 14\u202fh\u202f05" in html
    assert "DSN</a></h2>" not in html  # Paul's rights are not hers


def test_someone_without_rights_is_told_how_to_get_some(client, auth, world):
    html = text(auth.login(nom="LEROY", prenom="Sophie"))
    assert "Vous n’avez encore aucune habilitation" in html


def test_an_administrator_sees_only_his_own_rights_here(client, auth, world):
    clock.freeze(NOW)
    give(world.admin, "TESE", world.portfolio, at=NOW - datetime.timedelta(days=2))
    auth.login()  # an administrator lands on the Menu personnalisé; « Vos déclarations » is one click away
    html = text(client.get("/declarations"))
    assert "TESE</a></h2>" in html and "DSN</a></h2>" not in html


def test_tile_lists_the_establishments_with_since_when(client, auth, world):
    with database.connection_context():
        since = Habilitation.get(Habilitation.user == world.paul).active_from
    auth.login_declarant()
    html = text(client.get("/declarations/DSN"))
    assert "<h1>DSN</h1>" in html
    assert "DANONE" in html and '<th scope="col">Payer</th>' in html
    assert f"depuis le {datetime_fr(since)}" in html
    assert world.siret[:3] + "\u202f" in html


def test_tile_search_and_paging_with_htmx(client, auth, world):
    auth.login_declarant()
    response = client.get(f"/declarations/DSN?q={world.siret}", headers={"HX-Request": "true"})
    html = text(response)
    assert html.lstrip().startswith('<div id="etablissements"') and "1 établissement pour" in html
    assert "HX-Request" in response.headers["Vary"]
    assert "Aucun établissement ne correspond" in text(client.get("/declarations/DSN?q=zzzz"))
    assert '<nav class="pagination"' not in text(client.get("/declarations/DSN?page=2"))  # the demo: one page


def test_a_tile_not_held_is_404(client, auth, world):
    auth.login(nom="LEROY", prenom="Sophie")
    assert client.get("/declarations/DSN").status_code == 404
    assert client.get("/declarations/INCONNU").status_code == 404


def test_anonymous_people_log_in_first(client, world):
    response = client.get("/declarations")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]


def test_the_tiles_page_query_count_does_not_grow_with_tiles_and_rights(client, auth, world):
    auth.login(nom="LEROY", prenom="Sophie")
    give(world.sophie, "DSN", world.portfolio)
    with count_queries() as one:
        client.get("/declarations")
    for code in ("TESE", "SOLTEA_EMPLOYEURS", "DPAE"):
        give(world.sophie, code, world.portfolio, pay=True)
    with count_queries() as four:
        html = text(client.get("/declarations"))
    assert html.count('class="tile-link"') == 4
    assert one() == four() == 1  # the tally is read in the session's own statement


def test_a_withdrawn_declaration_leaves_the_tiles_and_the_menu(client, auth, world):
    auth.login(nom="LEROY", prenom="Sophie")
    give(world.sophie, "DSN", world.portfolio)
    give(world.sophie, "TESE", world.portfolio)
    assert text(client.get("/declarations")).count('class="tile-link"') == 2
    with database.connection_context():
        Declaration.update(is_active=False).where(Declaration.code == "TESE").execute()
    for path in ("/declarations", "/menu"):
        html = text(client.get(path))
        assert html.count('class="tile-link"') == 1
        assert 'href="/declarations/DSN"' in html and 'href="/declarations/TESE"' not in html


TWO_PM = "14 h 05"  # as plain() reads it: its narrow no-break spaces folded


def test_a_tile_counts_what_is_accessible_now_and_from_when(client, auth, world):
    """« 2 établissements accessibles · 3 à partir du lundi 23 novembre à 14 h 05 », and behind the tile
    the accessible ones first, each with its enseigne and address, filtered and searched."""
    clock.freeze(NOW)
    with database.connection_context():
        paul = User.get_by_id(world.sophie)
        places = list(Establishment.select().join(Company).where(Company.portfolio == world.portfolio)
                      .order_by(Establishment.siret))
        Establishment.update(name="BUREAU DE PLÉRIN", street="1 RUE DU PORT", postcode="22190",
                             town="PLERIN").where(Establishment.id == places[-1].id).execute()
        refresh_search_text(Establishment.id == places[-1].id)
        grant(paul, places[-2:], "DSN", at=NOW - datetime.timedelta(days=2))
        grant(paul, places[:-2], "DSN")
    later = len(places) - 2
    tiles_page = plain(auth.login(nom="LEROY", prenom="Sophie"))
    assert f"2 établissements accessibles · {later} à partir du lundi 23 novembre à {TWO_PM}" in tiles_page
    listed = plain(client.get("/declarations/DSN"))
    assert listed.index("BUREAU DE PLÉRIN") < listed.index(f"À partir du lundi 23 novembre à {TWO_PM}")
    assert "1 RUE DU PORT 22190 PLERIN" in listed
    assert "Accessibles maintenant (2)" in listed and f"À venir ({later})" in listed
    upcoming = text(client.get("/declarations/DSN?quand=a-venir"))
    assert "BUREAU DE PLÉRIN" not in upcoming and f"{later} établissement" in upcoming
    found = text(client.get("/declarations/DSN?q=plérin"))
    assert "BUREAU DE PLÉRIN" in found and "1 établissement" in found
    none = text(client.get("/declarations/DSN?q=ZZZ"))
    assert "Aucun établissement ne correspond à «\u202fZZZ\u202f»" in none
