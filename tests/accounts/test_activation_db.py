"""db.accounts.activation on SQLite and PostgreSQL: the activation link chooses a password and a secret
question."""
import pytest

from db import clock
from db.accounts import activation
from db.accounts.passwords import check_secret
from db.errors import Invalid, NotFound
from db.models import AuditEvent
from db.models.accounts import ROLE_DECLARANT
from db.people import declarants
from tests.factories.outbox import activation_token
from tests.factories.people import LINKS, reload

GOOD = {"password": "Clé-Solide-2026!", "confirmation": "Clé-Solide-2026!",
        "secret_question": "Nom de mon premier chat ?", "secret_answer": "Félix le chat"}


@pytest.fixture
def invited(firm):
    _, admin, _ = firm
    person = declarants.create_person(admin, {"nom": "Martin", "prenom": "Léa", "email": "lea@x.fr",
                                          "role": ROLE_DECLARANT}, LINKS)
    return person, activation_token("lea@x.fr")


def test_activation_sets_password_and_secret_once(invited):
    person, token = invited
    active = activation.activate(token, GOOD)
    assert check_secret("Clé-Solide-2026!", active.password_hash)
    assert check_secret("felix le chat", active.secret_answer_hash)  # case and accents do not matter
    assert active.secret_question == "Nom de mon premier chat ?" and active.email_validated_at is not None
    assert active.session_version == person.session_version + 1
    assert AuditEvent.select().where(AuditEvent.action == "account.activated").count() == 1
    with pytest.raises(NotFound):
        activation.activate(token, GOOD)  # single use


def test_the_link_expires_after_72_hours(invited):
    person, token = invited
    clock.freeze(clock.now())
    clock.advance(hours=71, minutes=59)
    assert activation.account_for(token).id == person.id
    clock.advance(minutes=2)
    assert activation.account_for(token) is None
    with pytest.raises(NotFound):
        activation.activate(token, GOOD)


@pytest.mark.parametrize("field, value, message", [
    ("password", "court", "au moins 12 caractères"),
    ("password", "alllowercaseletters", "3 types"),
    ("password", "Martin-2026-abcdef", "ni votre nom"),
    ("confirmation", "autre-chose", "ne correspond pas"),
    ("secret_question", "Court ?", "au moins"),
    ("secret_question", "Nom de mon \u202echat ?", "caractères de contrôle ou invisibles"),
    ("secret_answer", "abc", "au moins"),
])
def test_bad_secrets_are_refused_and_the_link_stays_valid(invited, field, value, message):
    person, token = invited
    with pytest.raises(Invalid) as refused:
        activation.activate(token, {**GOOD, field: value})
    assert message in refused.value.errors[field]
    assert reload(person).password_hash is None and activation.account_for(token) is not None


def test_a_deactivated_account_cannot_be_activated(firm, invited):
    person, token = invited
    declarants.set_active(firm[1], person.id, False, LINKS)
    assert activation.account_for(token) is None


def test_an_unknown_or_oversized_token_is_not_found(db_engine):
    assert activation.account_for("nope") is None
    assert activation.account_for("x" * 5000) is None


def test_the_person_logs_in_with_the_triplet_once_activated(invited):
    from db.accounts.login import authenticate

    person, token = invited
    activation.activate(token, GOOD)
    assert authenticate("443 061 841 00047", "MARTIN", "lea", "Clé-Solide-2026!").id == person.id
