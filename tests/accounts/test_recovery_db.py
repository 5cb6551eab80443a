"""Mot de passe oublié (secret question with its 60 minutes' wait, link by e-mail, request to the
administrators) and J'ai oublié mon identifiant; no answer says whether an account exists."""
import datetime

import pytest

from db import clock
from db.accounts import recovery
from db.accounts.login import IP_MAX_FAILURES
from db.accounts.passwords import check_secret, hash_answer
from db.database import database
from db.demo import DEMO_PASSWORD, DEMO_SIRET
from db.errors import Invalid, NotFound
from db.models import AccountToken, OutgoingMail, PendingRequest, User
from tests.accounts.conftest import link_token

NOON = datetime.datetime(2026, 11, 23, 11, 0)  # 12:00 in Paris
CLAIRE = {"siret": DEMO_SIRET, "nom": "moutin", "prenom": "CLAIRE"}
NOBODY = {"siret": DEMO_SIRET, "nom": "Personne", "prenom": "Inconnue"}
QUESTION = "Quel est le nom de mon premier chien ?"
ANSWER = "Médor le Grand"
NEW_PASSWORD = "Nouveau-Secret-2027"
SECRET = "test-secret"


def give_claire_a_question():
    User.update(secret_question=QUESTION, secret_answer_hash=hash_answer(ANSWER)).where(User.nom_key == "moutin").execute()


def claire():
    return User.get(User.nom_key == "moutin")


def url(token):
    return f"https://portail.example/mot-de-passe-oublie/lien/{token}"


@pytest.fixture
def with_question(demo_firm):
    give_claire_a_question()
    return demo_firm


def test_the_triplet_is_checked_for_format_only(db_engine):
    assert recovery.check_triplet({"siret": "977 850 965 00020", "nom": " Moutin ", "prenom": "Claire"}) == {
        "siret": DEMO_SIRET, "nom": "Moutin", "prenom": "Claire"}
    assert recovery.check_triplet(NOBODY) == {**NOBODY}
    with pytest.raises(Invalid) as refused:
        recovery.check_triplet({"siret": "123", "nom": "<b>", "prenom": ""})
    assert set(refused.value.errors) == {"siret", "nom", "prenom"}


def test_an_unknown_triplet_gets_a_decoy_question_always_the_same(db_engine, with_question):
    assert recovery.options(CLAIRE, SECRET) == {"question": QUESTION, "locked_until": None}
    decoy = recovery.options(NOBODY, SECRET)
    assert decoy["question"] in recovery.DECOY_QUESTIONS and decoy["locked_until"] is None
    assert recovery.options({**NOBODY, "nom": "PERSONNE"}, SECRET) == decoy


def test_right_answer_without_case_or_accents(db_engine, with_question):
    assert recovery.answer_question(CLAIRE, "medor LE grand", SECRET).id == claire().id


def test_five_wrong_answers_wait_sixty_minutes(db_engine, with_question):
    clock.freeze(NOON)
    for _ in range(4):
        with pytest.raises(Invalid) as refused:
            recovery.answer_question(CLAIRE, "Rex le chien", SECRET)
        assert refused.value.errors == {"secret_answer": recovery.WRONG_ANSWER}
    with pytest.raises(recovery.SecretLocked) as locked:
        recovery.answer_question(CLAIRE, "Rex le chien", SECRET)
    assert locked.value.until == NOON + datetime.timedelta(minutes=60)
    assert recovery.options(CLAIRE, SECRET)["locked_until"] == NOON + datetime.timedelta(minutes=60)
    clock.advance(minutes=59, seconds=59)
    with pytest.raises(recovery.SecretLocked):  # even the right answer waits
        recovery.answer_question(CLAIRE, ANSWER, SECRET)
    clock.advance(seconds=1)
    assert recovery.options(CLAIRE, SECRET)["locked_until"] is None
    assert recovery.answer_question(CLAIRE, ANSWER, SECRET).secret_failed_attempts == 0


def test_a_decoy_counts_and_locks_like_a_real_account(db_engine, with_question):
    clock.freeze(NOON)
    for _ in range(4):
        with pytest.raises(Invalid) as refused:
            recovery.answer_question(NOBODY, "Rex le chien", SECRET)
        assert refused.value.errors == {"secret_answer": recovery.WRONG_ANSWER}
    with pytest.raises(recovery.SecretLocked) as locked:
        recovery.answer_question(NOBODY, "Rex le chien", SECRET)
    assert locked.value.until == NOON + datetime.timedelta(minutes=60)
    assert recovery.options(NOBODY, SECRET)["locked_until"] == NOON + datetime.timedelta(minutes=60)
    clock.advance(minutes=60)
    assert recovery.options(NOBODY, SECRET)["locked_until"] is None
    with pytest.raises(Invalid) as refused:
        recovery.answer_question(NOBODY, "Rex le chien", SECRET)
    assert refused.value.errors == {"secret_answer": recovery.WRONG_ANSWER}


def test_way_one_sets_the_new_password_and_tells_the_mailbox(db_engine, with_question):
    user = recovery.answer_question(CLAIRE, ANSWER, SECRET)
    with pytest.raises(Invalid):
        recovery.reset_after_answer(user.id, user.session_version, "court", "court", "https://p.example/connexion")
    after = recovery.reset_after_answer(user.id, user.session_version, NEW_PASSWORD, NEW_PASSWORD,
                                        "https://p.example/connexion")
    assert check_secret(NEW_PASSWORD, after.password_hash) and after.session_version == user.session_version + 1
    mail = OutgoingMail.get(OutgoingMail.to == user.email)
    assert mail.subject == "Votre mot de passe a été modifié" and "question secrète" in mail.body
    with pytest.raises(NotFound):  # the verified epoch is gone: no second use
        recovery.reset_after_answer(user.id, user.session_version, NEW_PASSWORD, NEW_PASSWORD, "u")


def test_way_two_mails_a_single_use_link(db_engine, demo_firm):
    User.update(email_validated_at=None).where(User.nom_key == "moutin").execute()
    assert recovery.send_reset_link(CLAIRE, url).id == claire().id
    mail = OutgoingMail.get()
    assert (mail.to, mail.subject) == ("claire.moutin@cabinet-demo.test", "Réinitialisation de votre mot de passe")
    assert "valable 60 minutes" in mail.body
    token = link_token(mail.body)
    with pytest.raises(Invalid):
        recovery.reset_with_token(token, NEW_PASSWORD, "autre")
    assert recovery.reset_pending(token) is not None  # a refused password does not use the link up
    user = recovery.reset_with_token(token, NEW_PASSWORD, NEW_PASSWORD)
    assert check_secret(NEW_PASSWORD, user.password_hash)
    assert user.email_validated_at is not None  # following the link proves the mailbox
    with pytest.raises(NotFound):
        recovery.reset_with_token(token, "Encore-Un-Autre-2028", "Encore-Un-Autre-2028")


def test_way_two_link_expires_after_60_minutes(db_engine, demo_firm):
    clock.freeze(NOON)
    recovery.send_reset_link(CLAIRE, url)
    token = link_token(OutgoingMail.get().body)
    clock.advance(minutes=60)
    assert recovery.reset_pending(token) is None
    with pytest.raises(NotFound):
        recovery.reset_with_token(token, NEW_PASSWORD, NEW_PASSWORD)
    assert check_secret(DEMO_PASSWORD, claire().password_hash)


def test_way_two_is_silent_for_unknown_triplets_and_sends_at_most_one_link_a_minute(db_engine, demo_firm):
    clock.freeze(NOON)
    assert recovery.send_reset_link(NOBODY, url) is None
    recovery.send_reset_link(CLAIRE, url)
    assert recovery.send_reset_link(CLAIRE, url) is None
    assert OutgoingMail.select().count() == 1
    clock.advance(minutes=1, seconds=1)
    recovery.send_reset_link(CLAIRE, url)
    assert OutgoingMail.select().count() == 2
    assert AccountToken.select().where(AccountToken.used_at.is_null()).count() == 1  # the older link stops working


def test_way_three_asks_the_administrators(db_engine, demo_firm):
    paul = {"siret": DEMO_SIRET, "nom": "Durand", "prenom": "Paul"}
    request = recovery.ask_administrators(paul, "https://p.example/demandes")
    assert (request.kind, request.status, request.requester.nom, request.firm_id) == ("password", "pending", "DURAND",
                                                                                      demo_firm.id)
    assert recovery.ask_administrators(paul, "https://p.example/demandes") is None  # one pending request is enough
    assert recovery.ask_administrators(NOBODY, "https://p.example/demandes") is None
    assert PendingRequest.select().count() == 1
    to = {m.to: m.subject for m in OutgoingMail.select()}
    assert to == {"paul.durand@cabinet-demo.test": "Récupération de votre mot de passe",
                  "claire.moutin@cabinet-demo.test": "Une demande vous attend dans « Demande en attente »"}


def test_forgotten_login_mails_the_triplets(db_engine, demo_firm):
    clock.freeze(NOON)
    assert recovery.send_login_reminder("Paul.Durand@CABINET-demo.test", "https://p.example/connexion") is not None
    mail = OutgoingMail.get()
    assert mail.to == "paul.durand@cabinet-demo.test" and mail.subject == "Rappel de vos identifiants de connexion"
    assert f"SIRET {DEMO_SIRET}" in mail.body and "nom DURAND, prénom Paul" in mail.body
    assert DEMO_PASSWORD not in mail.body
    assert recovery.send_login_reminder("paul.durand@cabinet-demo.test", "u") is None  # not twice a minute
    assert recovery.send_login_reminder("personne@cabinet.fr", "u") is None
    assert OutgoingMail.select().count() == 1
    with pytest.raises(Invalid) as refused:
        recovery.send_login_reminder("pas une adresse", "u")
    assert set(refused.value.errors) == {"email"}


# ---- pages ---------------------------------------------------------------------------------------------

def page(response):
    return response.get_data(as_text=True).replace("&#39;", "'")


def start(client, triplet):
    return client.post("/mot-de-passe-oublie", data=triplet)


@pytest.fixture
def questioned(app):
    with database.connection_context():
        give_claire_a_question()
    return app


def test_the_triplet_comes_first(client):
    assert client.get("/mot-de-passe-oublie/choix").location == "/mot-de-passe-oublie"
    assert 'href="/mot-de-passe-oublie"' in page(client.get("/connexion"))
    response = start(client, {"siret": "12", "nom": "", "prenom": "Claire"})
    assert response.status_code == 422 and 'id="siret-error"' in page(response) and 'id="nom-error"' in page(response)
    assert start(client, CLAIRE).location == "/mot-de-passe-oublie/choix"


def test_known_and_unknown_triplets_look_the_same(app, questioned):
    known, unknown = app.test_client(), app.test_client()
    start(known, CLAIRE)
    start(unknown, NOBODY)
    pages = [page(c.get("/mot-de-passe-oublie/choix")) for c in (known, unknown)]
    for text in pages:
        assert "Question secrète :" in text
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
        assert OutgoingMail.select().where(OutgoingMail.subject == "Réinitialisation de votre mot de passe").count() == 1


def test_way_one_through_the_pages(app, client, questioned):
    other = app.test_client()
    other.post("/connexion", data={"siret": DEMO_SIRET, "nom": "MOUTIN", "prenom": "Claire", "password": DEMO_PASSWORD})
    assert other.get("/menu").status_code == 200
    start(client, CLAIRE)
    client.get("/mot-de-passe-oublie/choix")
    response = client.post("/mot-de-passe-oublie/question", data={"secret_answer": "Rex le chien"})
    assert response.status_code == 422 and recovery.WRONG_ANSWER in page(response)
    assert client.get("/mot-de-passe-oublie/nouveau-mot-de-passe").location == "/mot-de-passe-oublie"
    assert client.post("/mot-de-passe-oublie/question", data={"secret_answer": ANSWER}).location == \
        "/mot-de-passe-oublie/nouveau-mot-de-passe"
    assert "Qualité de votre mot de passe" in page(client.get("/mot-de-passe-oublie/nouveau-mot-de-passe"))
    response = client.post("/mot-de-passe-oublie/nouveau-mot-de-passe", data={"password": "x", "confirmation": "x"})
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
    assert "la question secrète est bloquée jusqu'au 23/11/2026 à 13:00" in text
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
        answers.append(page(client.post("/identifiant-oublie", data={"email": address})).replace(client.csrf_token, ""))
    assert answers[0] == answers[1] and "Si cette adresse électronique est celle d'un compte" in answers[0]
    client = app.test_client()
    response = client.post("/identifiant-oublie", data={"email": "<script>@x.fr"})
    assert response.status_code == 422 and 'id="email-error"' in page(response)
    with database.connection_context():
        assert [m.to for m in OutgoingMail.select()] == ["paul.durand@cabinet-demo.test"]


def test_recovery_look_ups_are_throttled_per_address(client):
    clock.freeze(NOON)
    for n in range(IP_MAX_FAILURES):
        start(client, {**NOBODY, "nom": "Personne" + "x" * n})
    response = start(client, CLAIRE)
    assert response.status_code == 429
    assert "réessayez après le 23/11/2026 à 12:15" in page(response)
