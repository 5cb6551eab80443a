"""The list pages run the same number of queries whatever the number of rows they show."""
from db.database import database
from db.models import AssistanceRequest, PendingRequest, User
from db.models.accounts import ROLE_DECLARANT
from tests.factories.queries import count_queries


def _queries(client, url):
    with count_queries() as count:
        assert client.get(url).status_code == 200
    assert count() > 0  # the counter sees the app's queries
    return count()


def _add_people(firm_id, start, number):
    with database.connection_context():
        User.insert_many([
            {"firm": firm_id, "role": ROLE_DECLARANT, "nom": f"NOM{i:03}", "prenom": "P", "nom_key": f"nom{i:03}",
             "prenom_key": "p", "email": f"p{i}@x.fr"} for i in range(start, start + number)]).execute()


def test_gerer_les_declarants(client, auth, demo_users):
    auth.login()
    few = _queries(client, "/gestion/declarants/")
    _add_people(demo_users["MOUTIN"].firm_id, 0, 45)
    assert _queries(client, "/gestion/declarants/") == few


def test_demande_en_attente(client, auth, demo_users):
    firm_id = demo_users["MOUTIN"].firm_id
    _add_people(firm_id, 0, 30)
    auth.login()

    def add_requests(start, number):
        with database.connection_context():
            people = User.select().where(User.nom_key.startswith("nom")).order_by(User.id)[start:start + number]
            PendingRequest.insert_many([
                {"firm": firm_id, "kind": kind, "requester": p.id, "requester_name": p.full_name,
                 "requester_email": p.email} for p in people for kind in ("cooptation", "password")]).execute()

    add_requests(0, 1)
    few = _queries(client, "/gestion/demandes/")
    add_requests(1, 20)
    assert _queries(client, "/gestion/demandes/") == few


def test_support_list(client, runner):
    runner.invoke(args=["support", "create", "--email", "a@portail.fr", "--nom", "Lambert", "--prenom", "Paul",
                        "--password", "Bureau-Aide-2026"])
    client.post("/support/connexion", data={"email": "a@portail.fr", "password": "Bureau-Aide-2026"},
                follow_redirects=True)

    def add(start, number):
        with database.connection_context():
            AssistanceRequest.insert_many([
                {"reference": f"DA-T{i:07}", "motif": "Autre", "nom": "N", "prenom": "P", "email": "n@x.fr",
                 "message": "Bonjour le support"} for i in range(start, start + number)]).execute()

    add(0, 1)
    few = _queries(client, "/support/")
    add(1, 40)
    assert _queries(client, "/support/") == few
