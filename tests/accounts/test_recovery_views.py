"""Mot de passe oublié and J'ai oublié mon identifiant through the pages: the triplet first, known and
unknown triplets looking the same, each way to a new password, throttling per address."""

from db import clock
from db.accounts import recovery
from db.accounts.throttle import ADDRESS_FREE
from db.database import database
from db.demo import DEMO_PASSWORD, DEMO_SIRET
from db.models import OutgoingMail, PendingRequest
from tests.factories.accounts import ANSWER, CLAIRE, NEW_PASSWORD, NOBODY, NOON, QUESTION
from tests.factories.outbox import link_token
from webapp.typography import french


def page(response):
    return response.get_data(as_text=True).replace("&#39;", "'")


def start(client, triplet):
    return client.post("/mot-de-passe-oublie", data=triplet)


def test_the_triplet_comes_first(client):
    assert client.get("/mot-de-passe-oublie/choix").location == "/mot-de-passe-oublie"
    assert 'href="/mot-de-passe-oublie"' in page(client.get("/connexion"))
    response = start(client, {"siret": "12", "nom": "", "prenom": "Claire"})
    assert (
        response.status_code == 422
        and 'id="siret-error"' in page(response)
        and 'id="nom-error"' in page(response)
    )
    assert start(client, CLAIRE).location == "/mot-de-passe-oublie/choix"


def test_known_and_unknown_triplets_look_the_same(app, questioned):
    known, unknown = app.test_client(), app.test_client()
    start(known, CLAIRE)
    start(unknown, NOBODY)
    pages = [page(c.get("/mot-de-passe-oublie/choix")) for c in (known, unknown)]
    for text in pages:
        assert "Question secrète\u202f:" in text
        assert "Réinitialiser le mot de passe par courrier électronique" in text
        assert "Envoyer une demande de génération de mot de passe à votre administrateur" in text
    assert QUESTION in pages[0]
    for client, triplet in ((known, CLAIRE), (unknown, NOBODY)):
        with client.session_transaction() as session:  # the cookie holds what was typed, nothing else
            assert session["recovery"] == {**triplet, "siret": DEMO_SIRET}
            assert "recovery_verified" not in session
    link_pages = [page(c.post("/mot-de-passe-oublie/lien")) for c in (known, unknown)]
    assert link_pages[0] == link_pages[1].replace(unknown.csrf_token, known.csrf_token)
    admin_pages = [page(c.post("/mot-de-passe-oublie/administrateur")) for c in (known, unknown)]
    assert admin_pages[0] == admin_pages[1].replace(unknown.csrf_token, known.csrf_token)
    with database.connection_context():
        assert PendingRequest.select().count() == 1
        assert (
            OutgoingMail.select()
            .where(OutgoingMail.subject == "Réinitialisation de votre mot de passe")
            .count()
            == 1
        )


def test_way_one_through_the_pages(app, client, questioned):
    other = app.test_client()
    other.post(
        "/connexion",
        data={"siret": DEMO_SIRET, "nom": "MOUTIN", "prenom": "Claire", "password": DEMO_PASSWORD},
    )
    assert other.get("/menu").status_code == 200
    start(client, CLAIRE)
    client.get("/mot-de-passe-oublie/choix")
    response = client.post("/mot-de-passe-oublie/question", data={"secret_answer": "Rex le chien"})
    assert response.status_code == 422 and french(recovery.WRONG_ANSWER) in page(response)
    assert client.get("/mot-de-passe-oublie/nouveau-mot-de-passe").location == "/mot-de-passe-oublie"
    assert client.post("/mot-de-passe-oublie/question", data={"secret_answer": ANSWER}).location == \
        "/mot-de-passe-oublie/nouveau-mot-de-passe"
    assert "Qualité de votre mot de passe" in page(client.get("/mot-de-passe-oublie/nouveau-mot-de-passe"))
    response = client.post(
        "/mot-de-passe-oublie/nouveau-mot-de-passe", data={"password": "x", "confirmation": "x"}
    )
    assert response.status_code == 422
    response = client.post("/mot-de-passe-oublie/nouveau-mot-de-passe",
                           data={"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD})
    assert response.location == "/"
    assert "Votre nouveau mot de passe est enregistré" in page(client.get("/menu"))
    assert other.get("/menu").location.startswith("/connexion")  # the other session is over


def test_the_page_says_until_when_the_question_waits(client, questioned):
    clock.freeze(NOON)
    start(client, CLAIRE)
    client.get("/mot-de-passe-oublie/choix")
    for _ in range(5):
        response = client.post("/mot-de-passe-oublie/question", data={"secret_answer": "Rex le chien"})
    assert response.status_code == 422
    text = page(response)
    assert "la question secrète est bloquée jusqu’au 23/11/2026 à 13\u202fh\u202f00" in text
    assert 'name="secret_answer"' not in text and "par courrier électronique" in text


def test_way_two_through_the_pages(client):
    start(client, CLAIRE)
    client.get("/mot-de-passe-oublie/choix")
    assert "un courriel contenant un lien" in page(client.post("/mot-de-passe-oublie/lien"))
    with database.connection_context():
        token = link_token(OutgoingMail.get().body)
    path = f"/mot-de-passe-oublie/lien/{token}"
    assert "Choisissez votre nouveau mot de passe" in page(client.get(path))
    assert client.post(path, data={"password": NEW_PASSWORD, "confirmation": "autre"}).status_code == 422
    assert client.post(path, data={"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD}).location == "/"
    assert client.get(path).status_code == 410
    assert client.get("/mot-de-passe-oublie/lien/pas-un-jeton").status_code == 410


def test_forgotten_login_page_answers_the_same_for_any_address(app):
    answers = []
    for address in ("paul.durand@cabinet-demo.test", "personne@cabinet.fr"):
        client = app.test_client()
        client.get("/identifiant-oublie")
        answers.append(
            page(client.post("/identifiant-oublie", data={"email": address})).replace(client.csrf_token, "")
        )
    assert answers[0] == answers[1] and "Si cette adresse électronique est celle d’un compte" in answers[0]
    client = app.test_client()
    response = client.post("/identifiant-oublie", data={"email": "<script>@x.fr"})
    assert response.status_code == 422 and 'id="email-error"' in page(response)
    with database.connection_context():
        assert [m.to for m in OutgoingMail.select()] == ["paul.durand@cabinet-demo.test"]


def test_recovery_look_ups_are_throttled_per_address(client):
    clock.freeze(NOON)
    for n in range(ADDRESS_FREE):
        start(client, {**NOBODY, "nom": "Personne" + "x" * n})
    response = start(client, CLAIRE)
    assert response.status_code == 429
    assert "réessayez après le 23/11/2026 à 12\u202fh\u202f01" in page(response)
