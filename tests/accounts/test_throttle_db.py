"""Throttling of logins (db/accounts/throttle.py) on SQLite and PostgreSQL: per (address, account) and
per address with growing delays, so that guessing stays impossible while an attacker elsewhere cannot
lock a known person out; the same delays and messages for a real and an unknown triplet; the journal."""
import datetime

import pytest

from db import clock
from db.accounts.login import authenticate, complete_login
from db.accounts.throttle import Throttled
from db.demo import DEMO_PASSWORD, DEMO_SIRET
from db.errors import Invalid
from db.models import AuditEvent
from tests.factories.accounts import NOON, claire

ATTACKER, OFFICE = "203.0.113.66", "198.51.100.10"


def attempt(nom, password, ip, prenom="Claire"):
    """What a login attempt answers: "ok", "refused", or ("wait", scope, minutes from now)."""
    try:
        authenticate(DEMO_SIRET, nom, prenom, password, ip=ip)
    except Throttled as exc:
        return "wait", exc.scope, (exc.until - clock.now()) / datetime.timedelta(minutes=1)
    except Invalid:
        return "refused"
    return "ok"


def guesses(nom, ip, count, prenom="Claire"):
    return [attempt(nom, "mauvais", ip, prenom) for _ in range(count)]


def test_five_wrong_passwords_from_one_address_wait_there_only_with_growing_delays(db_engine, demo_firm):
    clock.freeze(NOON)
    assert guesses("MOUTIN", ATTACKER, 5) == ["refused"] * 4 + [("wait", "account", 1)]
    assert attempt("MOUTIN", DEMO_PASSWORD, ATTACKER) == ("wait", "account", 1)  # even the right password
    assert attempt("MOUTIN", DEMO_PASSWORD, OFFICE) == "ok"  # Claire, at her office, is not locked out
    delays = []
    for _ in range(8):
        clock.advance(minutes=61)
        delays.append(guesses("MOUTIN", ATTACKER, 1)[0][2])
    assert delays == [2, 4, 8, 16, 32, 60, 60, 60]
    clock.advance(minutes=60)
    assert attempt("MOUTIN", DEMO_PASSWORD, ATTACKER) == "ok"  # a success starts again
    assert guesses("MOUTIN", ATTACKER, 5)[-1] == ("wait", "account", 1)


def test_an_unknown_triplet_waits_exactly_like_a_real_one(db_engine, demo_firm):
    clock.freeze(NOON)
    real = guesses("MOUTIN", ATTACKER, 7)
    clock.freeze(NOON)
    unknown = guesses("PERSONNE", OFFICE, 7, prenom="Inconnue")
    assert real == unknown == ["refused"] * 4 + [("wait", "account", 1)] * 3


def test_an_address_guessing_many_accounts_waits_for_all_of_them(db_engine, demo_firm):
    clock.freeze(NOON)
    for n in range(20):
        assert attempt(f"INCONNU{'x' * n}", "mauvais", ATTACKER) in ("refused", ("wait", "account", 1))
    assert attempt("MOUTIN", DEMO_PASSWORD, ATTACKER) == ("wait", "address", 1)
    assert attempt("MOUTIN", DEMO_PASSWORD, OFFICE) == "ok"
    clock.advance(minutes=1)
    assert attempt("AUTRE", "mauvais", ATTACKER) == "refused"  # one more guess, then twice as long
    assert attempt("MOUTIN", DEMO_PASSWORD, ATTACKER) == ("wait", "address", 2)


def test_many_addresses_guessing_one_account_wait_but_its_usual_address_does_not(db_engine, demo_firm):
    clock.freeze(NOON)
    assert attempt("MOUTIN", DEMO_PASSWORD, OFFICE) == "ok"  # Claire's usual address
    for n in range(49):
        assert attempt("MOUTIN", "mauvais", f"192.0.2.{n}") == "refused"
    assert attempt("MOUTIN", "mauvais", "192.0.2.49") == ("wait", "account", 1)  # the 50th in the hour
    assert attempt("MOUTIN", DEMO_PASSWORD, "192.0.2.200") == ("wait", "account", 1)
    assert attempt("MOUTIN", DEMO_PASSWORD, OFFICE) == "ok"


def test_failures_lockouts_and_logins_are_journaled_for_the_firm(db_engine, demo_firm):
    clock.freeze(NOON)
    guesses("MOUTIN", ATTACKER, 5)
    complete_login(claire(), OFFICE)
    events = [(e.action, e.summary) for e in AuditEvent.select().where(
        (AuditEvent.firm == demo_firm.id) & AuditEvent.action.startswith("login.")).order_by(AuditEvent.id)]
    assert events[0] == ("login.failed", f"Échec de connexion de MOUTIN Claire (mot de passe erroné) depuis "
                                         f"l’adresse {ATTACKER}")
    assert [a for a, _ in events] == ["login.failed"] * 5 + ["login.locked", "login.succeeded"]
    assert events[5][1] == ("Connexion de MOUTIN Claire suspendue jusqu’au 23/11/2026 à 12\u202fh\u202f01 "
                            "après "
                            f"plusieurs échecs depuis l’adresse {ATTACKER}")
    assert events[6][1] == f"Connexion de MOUTIN Claire depuis l’adresse {OFFICE}"
    assert claire().last_login_at == NOON


@pytest.mark.parametrize("typed", [("977 850 965 00020", "moutin", "CLAIRE"),
                                   (DEMO_SIRET, " Moutin ", "claire")])
def test_the_same_login_typed_differently_counts_as_one(db_engine, demo_firm, typed):
    clock.freeze(NOON)
    guesses("MOUTIN", ATTACKER, 4)
    siret, nom, prenom = typed
    with pytest.raises(Throttled):
        authenticate(siret, nom, prenom, "mauvais", ip=ATTACKER)
