"""Vos déclarations: the tiles page and the establishments behind a tile."""
import datetime

from db import clock
from db.database import database
from db.models import Company, Establishment, Habilitation, User
from tests.factories.habilitations import grant
from tests.factories.queries import count_queries
from webapp.templating import datetime_fr

NOW = datetime.datetime(2026, 11, 22, 13, 5)  # 14:05 in Paris


def text(response):
    return response.get_data(as_text=True).replace("&#39;", "'")


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
    assert "Répartir le solde de la taxe d'apprentissage" in html
    assert "Accessible sous 24 heures" in html
    assert "accessible le 23/11/2026 à 14\u202fh\u202f05" in html
    assert "DSN</a></h2>" not in html  # Paul's rights are not hers


def test_someone_without_rights_is_told_how_to_get_some(client, auth, world):
    html = text(auth.login(nom="LEROY", prenom="Sophie"))
    assert "Vous n'avez encore aucune habilitation" in html


def test_an_administrator_sees_only_his_own_rights_here(client, auth, world):
    clock.freeze(NOW)
    give(world.admin, "TESE", world.portfolio, at=NOW - datetime.timedelta(days=2))
    html = text(auth.login())
    assert "TESE</a></h2>" in html and "DSN</a></h2>" not in html


def test_tile_lists_the_establishments_with_since_when(client, auth, world):
    with database.connection_context():
        since = Habilitation.get(Habilitation.user == world.paul).active_from
    auth.login_declarant()
    html = text(client.get("/declarations/DSN"))
    assert "<h1>DSN</h1>" in html
    assert "DANONE" in html and '<th scope="col">Payer</th>' in html
    assert f"depuis le {datetime_fr(since)}" in html
    assert world.siret[:3] + " " in html


def test_tile_search_and_paging_with_htmx(client, auth, world):
    auth.login_declarant()
    response = client.get(f"/declarations/DSN?q={world.siret}", headers={"HX-Request": "true"})
    html = text(response)
    assert html.lstrip().startswith('<div id="etablissements"') and "1 établissement pour" in html
    assert "HX-Request" in response.headers["Vary"]
    assert "Aucun établissement ne correspond" in text(client.get("/declarations/DSN?q=zzzz"))
    assert "Page 2 sur" not in text(client.get("/declarations/DSN?page=2"))  # the demo fits in one page


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
    assert 0 < one() == four()
