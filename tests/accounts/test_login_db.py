"""Connexion in db/ (db/accounts/login.py) on SQLite and PostgreSQL: names without case or accents,
one message for every wrong triplet, unvalidated addresses, temporary passwords, the session epoch
(the throttling is in test_throttle_db.py)."""

import pytest

from db import clock
from db.accounts import login, throttle
from db.accounts.firms import new_user
from db.accounts.login import EmailNotValidated, authenticate
from db.accounts.passwords import change_password, check_secret, hash_secret
from db.demo import DEMO_PASSWORD, DEMO_SIRET
from db.errors import Invalid, NotFound
from db.models import LoginAttempt, User
from db.models.accounts import ROLE_DECLARANT
from tests.factories.accounts import NEW_PASSWORD, NOON, claire


def test_names_compare_without_case_or_accents(db_engine, demo_firm):
    assert authenticate(DEMO_SIRET, "moutin", "CLAIRE", DEMO_PASSWORD).nom == "MOUTIN"
    new_user(demo_firm, "Dupré", "Éloïse", "eloise@cabinet.fr", ROLE_DECLARANT, password=DEMO_PASSWORD,
             email_validated_at=clock.now())
    assert authenticate("977 850 965 00020", " DUPRE ", "eloise", DEMO_PASSWORD).prenom == "Éloïse"


def test_every_wrong_triplet_gets_the_same_message(db_engine, demo_firm):
    messages = set()
    for siret, nom, password in [(DEMO_SIRET, "MOUTIN", "mauvais"), (DEMO_SIRET, "INCONNU", DEMO_PASSWORD),
                                 ("55210055400013", "MOUTIN", DEMO_PASSWORD), ("", "", "")]:
        with pytest.raises(Invalid) as refused:
            authenticate(siret, nom, "Claire", password)
        messages.add(refused.value.errors["__all__"])
    assert messages == {"Identifiants incorrects. Vérifiez le SIRET, le nom, le prénom et le mot de passe."}


def test_inactive_accounts_and_firms_cannot_log_in(db_engine, demo_firm):
    User.update(is_active=False).where(User.nom_key == "durand").execute()
    with pytest.raises(Invalid):
        authenticate(DEMO_SIRET, "DURAND", "Paul", DEMO_PASSWORD)
    demo_firm.is_active = False
    demo_firm.save()
    with pytest.raises(Invalid):
        authenticate(DEMO_SIRET, "MOUTIN", "Claire", DEMO_PASSWORD)


def test_successes_do_not_count_and_old_attempts_are_forgotten(db_engine, demo_firm):
    clock.freeze(NOON)
    for _ in range(throttle.ADDRESS_FREE + 5):
        authenticate(DEMO_SIRET, "MOUTIN", "Claire", DEMO_PASSWORD, ip="203.0.113.8")
    with pytest.raises(Invalid):
        authenticate(DEMO_SIRET, "MOUTIN", "Claire", "mauvais", ip="203.0.113.8")
    clock.advance(days=31)
    authenticate(DEMO_SIRET, "MOUTIN", "Claire", DEMO_PASSWORD, ip="203.0.113.8")
    assert LoginAttempt.select().where(LoginAttempt.ip == "203.0.113.8").count() == 1


def test_unvalidated_address_is_refused_only_after_the_right_password(db_engine, demo_firm):
    User.update(email_validated_at=None).where(User.nom_key == "moutin").execute()
    with pytest.raises(Invalid) as refused:
        authenticate(DEMO_SIRET, "MOUTIN", "Claire", "mauvais")
    assert not isinstance(refused.value, EmailNotValidated)
    with pytest.raises(EmailNotValidated) as unvalidated:
        authenticate(DEMO_SIRET, "MOUTIN", "Claire", DEMO_PASSWORD)
    assert unvalidated.value.user.id == claire().id


def test_change_password_moves_the_session_epoch(db_engine, demo_firm):
    before = claire()
    with pytest.raises(Invalid) as refused:
        change_password(before, DEMO_PASSWORD, DEMO_PASSWORD)
    assert refused.value.errors == {"password": "Choisissez un mot de passe différent de l'actuel."}
    with pytest.raises(Invalid) as refused:
        change_password(before, "Claire-Moutin-2027", "autre")
    assert set(refused.value.errors) == {"password", "confirmation"}
    after = change_password(before, NEW_PASSWORD, NEW_PASSWORD)
    assert after.session_version == before.session_version + 1
    assert check_secret(NEW_PASSWORD, after.password_hash)


def test_temporary_password_must_be_renewed_with_a_new_question(db_engine, demo_firm):
    user = claire()
    assert login.pending_renewal(user.id, user.session_version) is None
    User.update(must_change_password=True, password_hash=hash_secret("Temporaire-XY-42")).where(
        User.id == user.id
    ).execute()
    assert login.pending_renewal(user.id, user.session_version).id == user.id
    assert login.pending_renewal(user.id, user.session_version + 1) is None
    with pytest.raises(Invalid) as refused:
        login.renew_password(user.id, user.session_version, NEW_PASSWORD, NEW_PASSWORD, "Court", "")
    assert set(refused.value.errors) == {"secret_question", "secret_answer"}
    renewed = login.renew_password(user.id, user.session_version, NEW_PASSWORD, NEW_PASSWORD,
                             "Ville de mon premier poste ?", "Laval sur Mayenne")
    assert not renewed.must_change_password and renewed.secret_question == "Ville de mon premier poste ?"
    with pytest.raises(NotFound):
        login.renew_password(user.id, renewed.session_version, NEW_PASSWORD, NEW_PASSWORD, "x", "y")
