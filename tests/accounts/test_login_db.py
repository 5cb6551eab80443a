"""Connexion in db/ (db/accounts/login.py) on SQLite and PostgreSQL: names without case or accents,
lockout after 5 failures for 15 minutes, throttling per address, unvalidated addresses, temporary
passwords, the session epoch."""
import datetime

import pytest

from db import clock
from db.accounts import login
from db.accounts.firms import new_user
from db.accounts.login import IP_MAX_FAILURES, AccountLocked, EmailNotValidated, Throttled, authenticate
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


def test_lockout_after_five_failures_for_fifteen_minutes(db_engine, demo_firm):
    clock.freeze(NOON)
    for _ in range(4):
        with pytest.raises(Invalid) as refused:
            authenticate(DEMO_SIRET, "MOUTIN", "Claire", "mauvais")
        assert not isinstance(refused.value, AccountLocked)
    with pytest.raises(AccountLocked) as locked:
        authenticate(DEMO_SIRET, "MOUTIN", "Claire", "mauvais")
    assert locked.value.until == NOON + datetime.timedelta(minutes=15)
    clock.advance(minutes=14, seconds=59)
    with pytest.raises(AccountLocked):  # even the right password waits
        authenticate(DEMO_SIRET, "MOUTIN", "Claire", DEMO_PASSWORD)
    clock.advance(seconds=1)
    assert authenticate(DEMO_SIRET, "MOUTIN", "Claire", DEMO_PASSWORD).id == claire().id
    assert (claire().failed_attempts, claire().locked_until) == (0, None)


def test_a_success_resets_the_failure_count(db_engine, demo_firm):
    for _ in range(4):
        with pytest.raises(Invalid):
            authenticate(DEMO_SIRET, "MOUTIN", "Claire", "mauvais")
    authenticate(DEMO_SIRET, "MOUTIN", "Claire", DEMO_PASSWORD)
    with pytest.raises(Invalid) as refused:
        authenticate(DEMO_SIRET, "MOUTIN", "Claire", "mauvais")
    assert not isinstance(refused.value, AccountLocked)


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


def test_attempts_are_throttled_per_address(db_engine, demo_firm):
    clock.freeze(NOON)
    for n in range(IP_MAX_FAILURES):
        with pytest.raises(Invalid):
            authenticate(DEMO_SIRET, f"INCONNU{'x' * n}", "Paul", "mauvais", ip="203.0.113.7")
    with pytest.raises(Throttled) as throttled:
        authenticate(DEMO_SIRET, "MOUTIN", "Claire", DEMO_PASSWORD, ip="203.0.113.7")
    assert throttled.value.until == NOON + datetime.timedelta(minutes=15)
    assert authenticate(DEMO_SIRET, "MOUTIN", "Claire", DEMO_PASSWORD, ip="198.51.100.1")  # another address
    clock.advance(minutes=15, seconds=1)
    assert authenticate(DEMO_SIRET, "MOUTIN", "Claire", DEMO_PASSWORD, ip="203.0.113.7")


def test_successes_do_not_count_and_old_attempts_are_forgotten(db_engine, demo_firm):
    clock.freeze(NOON)
    for _ in range(IP_MAX_FAILURES + 5):
        authenticate(DEMO_SIRET, "MOUTIN", "Claire", DEMO_PASSWORD, ip="203.0.113.8")
    clock.advance(days=1, minutes=1)
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
