"""Mot de passe oublié in db/ (db/accounts/recovery.py) on SQLite and PostgreSQL: the secret question
with its 60 minutes' wait, the link by e-mail, the request to the administrators, J'ai oublié mon
identifiant; no answer says whether an account exists."""
import datetime

import pytest

from db import clock, fields
from db.accounts import decoys, profile, recovery
from db.accounts.passwords import check_secret
from db.demo import DEMO_PASSWORD, DEMO_SIRET
from db.errors import Invalid, NotFound
from db.models import AccountToken, OutgoingMail, PendingRequest, User
from tests.factories.accounts import ANSWER, CLAIRE, NEW_PASSWORD, NOBODY, NOON, QUESTION, claire
from tests.factories.outbox import link_token

SECRET = "test-secret"


def url(token):
    return f"https://portail.example/mot-de-passe-oublie/lien/{token}"


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
    assert decoy["question"] in decoys.all_questions() and decoy["locked_until"] is None
    # Typed another way, as a real account would be found: the same question.
    for typed in ({**NOBODY, "nom": "PERSONNE"}, {**NOBODY, "prenom": "Inconnüe"},
                  {**NOBODY, "siret": "977 850 965 00020"}):
        assert recovery.options(typed, SECRET) == decoy


def test_decoys_are_spread_over_hundreds_of_questions_as_people_type_them(db_engine):
    shown = {recovery.options({**NOBODY, "nom": f"Personne{chr(97 + n % 26)}{chr(97 + n // 26)}"},
                              SECRET)["question"] for n in range(600)}
    assert len(decoys.all_questions()) > 300 and len(shown) > 150
    assert all(fields.secret_question(q) == (q, None) for q in shown)  # what a real account could store
    assert any(q.endswith(" ?") for q in shown) and any(q.endswith("é?") or q.endswith("e?") for q in shown)
    assert any(q[0].islower() for q in shown)


def test_right_answer_without_case_or_accents(db_engine, with_question):
    assert recovery.answer_question(CLAIRE, "medor LE grand", SECRET).id == claire().id


def five_wrong_answers(triplet):
    """At NOON, four wrong answers are refused as wrong; the fifth locks the question for 60 minutes."""
    clock.freeze(NOON)
    for _ in range(4):
        with pytest.raises(Invalid) as refused:
            recovery.answer_question(triplet, "Rex le chien", SECRET)
        assert refused.value.errors == {"secret_answer": recovery.WRONG_ANSWER}
    with pytest.raises(recovery.SecretLocked) as locked:
        recovery.answer_question(triplet, "Rex le chien", SECRET)
    assert locked.value.until == NOON + datetime.timedelta(minutes=60)
    assert recovery.options(triplet, SECRET)["locked_until"] == NOON + datetime.timedelta(minutes=60)


def test_five_wrong_answers_wait_sixty_minutes(db_engine, with_question):
    five_wrong_answers(CLAIRE)
    clock.advance(minutes=59, seconds=59)
    with pytest.raises(recovery.SecretLocked):  # even the right answer waits
        recovery.answer_question(CLAIRE, ANSWER, SECRET)
    clock.advance(seconds=1)
    assert recovery.options(CLAIRE, SECRET)["locked_until"] is None
    assert recovery.answer_question(CLAIRE, ANSWER, SECRET).secret_failed_attempts == 0


def test_a_decoy_counts_and_locks_like_a_real_account(db_engine, with_question):
    five_wrong_answers(NOBODY)
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
    assert (
        check_secret(NEW_PASSWORD, after.password_hash) and after.session_version == user.session_version + 1
    )
    mail = OutgoingMail.get(OutgoingMail.to == user.email)
    assert mail.subject == "Votre mot de passe a été modifié" and "question secrète" in mail.body
    with pytest.raises(NotFound):  # the verified epoch is gone: no second use
        recovery.reset_after_answer(user.id, user.session_version, NEW_PASSWORD, NEW_PASSWORD, "u")


def test_way_two_mails_a_single_use_link(db_engine, demo_firm):
    User.update(email_validated_at=None).where(User.nom_key == "moutin").execute()
    assert recovery.send_reset_link(CLAIRE, url).id == claire().id
    mail = OutgoingMail.get()
    assert (mail.to, mail.subject) == (
        "claire.moutin@cabinet-demo.test",
        "Réinitialisation de votre mot de passe",
    )
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


@pytest.mark.parametrize("change", ["profile", "secret question", "temporary password"])
def test_a_link_mailed_before_a_password_change_stops_working_after_it(db_engine, demo_firm, change):
    recovery.send_reset_link(CLAIRE, url)
    token = link_token(OutgoingMail.get().body)
    if change == "profile":
        profile.change_password(claire(), {"current_password": DEMO_PASSWORD, "password": NEW_PASSWORD,
                                           "confirmation": NEW_PASSWORD})
    elif change == "secret question":
        recovery.reset_after_answer(claire().id, claire().session_version, NEW_PASSWORD, NEW_PASSWORD, "u")
    else:
        User.update(session_version=User.session_version + 1).where(User.id == claire().id).execute()
    assert recovery.reset_pending(token) is None
    with pytest.raises(NotFound):
        recovery.reset_with_token(token, "Encore-Un-Autre-2028", "Encore-Un-Autre-2028")
    assert not check_secret("Encore-Un-Autre-2028", claire().password_hash)


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
    assert (
        AccountToken.select().where(AccountToken.used_at.is_null()).count() == 1
    )  # the older link stops working


def test_way_three_asks_the_administrators(db_engine, demo_firm):
    paul = {"siret": DEMO_SIRET, "nom": "Durand", "prenom": "Paul"}
    request = recovery.ask_administrators(paul, "https://p.example/demandes")
    assert (request.kind, request.status, request.requester.nom, request.firm_id) == (
        "password",
        "pending",
        "DURAND",
        demo_firm.id,
    )
    assert (
        recovery.ask_administrators(paul, "https://p.example/demandes") is None
    )  # one pending request is enough
    assert recovery.ask_administrators(NOBODY, "https://p.example/demandes") is None
    assert PendingRequest.select().count() == 1
    to = {m.to: m.subject for m in OutgoingMail.select()}
    assert to == {"paul.durand@cabinet-demo.test": "Récupération de votre mot de passe",
                  "claire.moutin@cabinet-demo.test":
                      "Une demande vous attend dans «\u202fDemande en attente\u202f»"}


def test_forgotten_login_mails_the_triplets(db_engine, demo_firm):
    clock.freeze(NOON)
    assert (
        recovery.send_login_reminder("Paul.Durand@CABINET-demo.test", "https://p.example/connexion")
        is not None
    )
    mail = OutgoingMail.get()
    assert (
        mail.to == "paul.durand@cabinet-demo.test"
        and mail.subject == "Rappel de vos identifiants de connexion"
    )
    assert f"SIRET {DEMO_SIRET}" in mail.body and "nom DURAND, prénom Paul" in mail.body
    assert DEMO_PASSWORD not in mail.body
    assert recovery.send_login_reminder("paul.durand@cabinet-demo.test", "u") is None  # not twice a minute
    assert recovery.send_login_reminder("personne@cabinet.fr", "u") is None
    assert OutgoingMail.select().count() == 1
    with pytest.raises(Invalid) as refused:
        recovery.send_login_reminder("pas une adresse", "u")
    assert set(refused.value.errors) == {"email"}

