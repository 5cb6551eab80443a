"""Who may open which page: administrators, déclarants, support agents, anonymous visitors,
and the people of another firm."""
import pytest

from db.database import database
from db.models import PendingRequest
from tests.conftest import AuthActions
from tests.factories.firms import PASSWORD
from tests.factories.people import AGENT_EMAIL, AGENT_PASSWORD, make_agent

ADMIN_PAGES = [
    ("get", "/gestion/declarants/"),
    ("get", "/gestion/declarants/nouveau"),
    ("post", "/gestion/declarants/nouveau"),
    ("get", "/gestion/declarants/{paul}"),
    ("post", "/gestion/declarants/{paul}/desactiver"),
    ("post", "/gestion/declarants/{paul}/reactiver"),
    ("post", "/gestion/declarants/{paul}/nommer-administrateur"),
    ("post", "/gestion/declarants/{paul}/retirer-administrateur"),
    ("post", "/gestion/declarants/{paul}/renvoyer-activation"),
    ("get", "/gestion/demandes/"),
    ("post", "/gestion/demandes/{request}/accord-administrateur"),
    ("post", "/gestion/demandes/{request}/mot-de-passe-provisoire"),
    ("get", "/gestion/demandes/{request}/creer-le-compte"),
    ("post", "/gestion/demandes/{request}/refus"),
]
FIRM_PAGES = [("get", "/compte/"), ("post", "/compte/coordonnees"), ("post", "/compte/mot-de-passe"),
              ("post", "/compte/question-secrete"), ("post", "/compte/cooptation")]
SUPPORT_PAGES = [
    ("get", "/support/"),
    ("get", "/support/demandes/1"),
    ("post", "/support/demandes/1/reponse"),
    ("post", "/support/demandes/1/cloture"),
    ("post", "/support/demandes/1/administration"),
]


@pytest.fixture
def ids(demo_users):
    with database.connection_context():
        request = PendingRequest.create(firm=demo_users["LEROY"].firm_id, kind="cooptation",
                                        requester=demo_users["LEROY"].id, requester_name="LEROY Sophie")
    return {"paul": demo_users["DURAND"].id, "request": request.id}


def _open(client, method, url, ids):
    return getattr(client, method)(url.format(**ids))


@pytest.mark.parametrize("method, url", ADMIN_PAGES)
def test_a_declarant_gets_403_with_the_reason(client, auth, ids, method, url):
    auth.login_declarant()
    response = _open(client, method, url, ids)
    assert response.status_code == 403
    assert "réservée aux administrateurs" in response.get_data(as_text=True)


@pytest.mark.parametrize("method, url", ADMIN_PAGES + FIRM_PAGES)
def test_anonymous_visitors_are_sent_to_the_connexion_page(client, ids, method, url):
    response = _open(client, method, url, ids)
    assert response.status_code == 302 and response.location.startswith("/connexion")


@pytest.mark.parametrize("method, url", [p for p in ADMIN_PAGES if "{" in p[1]])
def test_another_firms_administrator_gets_404(client, other_firm, ids, method, url):
    AuthActions(client).login(siret="44306184100047", nom="BERNARD", prenom="Alice", password=PASSWORD)
    assert _open(client, method, url, ids).status_code == 404


@pytest.fixture
def agent_client(app, client):
    with database.connection_context():
        make_agent()
    response = client.post("/support/connexion", data={"email": AGENT_EMAIL, "password": AGENT_PASSWORD},
                           follow_redirects=True)  # the new session's CSRF token is on the landing page
    assert response.request.path == "/support/"
    return client


@pytest.mark.parametrize("method, url", ADMIN_PAGES + FIRM_PAGES + [("get", "/menu")])
def test_support_agents_are_refused_firm_pages(agent_client, ids, method, url):
    response = _open(agent_client, method, url, ids)
    assert response.status_code == 403
    assert "support du portail utilise son propre espace" in response.get_data(as_text=True)


def test_support_agents_land_in_their_space(agent_client):
    assert agent_client.get("/").location == "/support/"
    assert agent_client.get("/connexion").location == "/support/"
    assert agent_client.get("/besoin-d-aide/").status_code == 200


@pytest.mark.parametrize("method, url", SUPPORT_PAGES)
def test_firm_people_are_refused_support_pages(client, auth, method, url):
    auth.login()
    response = getattr(client, method)(url)
    assert response.status_code == 403
    assert "réservée au support du portail" in response.get_data(as_text=True)


@pytest.mark.parametrize("method, url", SUPPORT_PAGES)
def test_anonymous_visitors_are_sent_to_the_support_login(client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302 and response.location.startswith("/support/connexion")


def test_the_menu_shows_the_entries_by_role(client, auth):
    page = auth.login().get_data(as_text=True)
    assert "Gérer les déclarants" in page and "Vos informations personnelles" in page
    auth.logout()
    page = auth.login_declarant().get_data(as_text=True)
    assert "Gérer les déclarants" not in page and "Demande en attente" not in page
    assert "Vos informations personnelles" in page
