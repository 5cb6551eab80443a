"""bcrypt hashing for passwords and secret answers, and the checks and change of a password.

bcrypt reads at most 72 bytes, and a 128-character password with accents is longer than
that: the secret is first reduced with SHA-256 (as passlib's bcrypt_sha256 does), so every
character counts.
"""
import base64
import hashlib

import bcrypt

from db import clock, fields
from db.accounts.password_policy import MAX_LENGTH as MAX_PASSWORD_LENGTH
from db.accounts.password_policy import password_error
from db.errors import Invalid
from db.models import User
from db.text import fold

ROUNDS = 12


def _prepare(secret):
    return base64.b64encode(hashlib.sha256(secret.encode("utf-8")).digest())


def hash_secret(secret, rounds=None):
    return bcrypt.hashpw(_prepare(secret), bcrypt.gensalt(rounds or ROUNDS)).decode("ascii")


def check_secret(secret, hashed):
    if not hashed or secret is None:
        return False
    try:
        return bcrypt.checkpw(_prepare(secret), hashed.encode("ascii"))
    except ValueError:
        return False


def set_rounds(rounds):
    """Tests lower the cost factor (4) so that hashing does not dominate their run time."""
    global ROUNDS
    ROUNDS = rounds


# A hash to compare against when the account does not exist, so that a wrong SIRET or name
# takes as long as a wrong password and timing reveals nothing.
_DUMMY = None


def dummy_check(secret):
    global _DUMMY
    if _DUMMY is None:
        _DUMMY = hash_secret("dummy-password-for-timing")
    check_secret(secret, _DUMMY)


SAME_PASSWORD = "Choisissez un mot de passe différent de l'actuel."
CONFIRMATION_MISMATCH = "La confirmation ne correspond pas au mot de passe saisi."


def hash_answer(answer):
    """Secret answers are compared without case, accents or extra spaces: "Médor" = "medor"."""
    return hash_secret(fold(answer))


def answer_matches(answer, hashed):
    return bool(answer) and check_secret(fold(answer), hashed)


def check_new_password(password, confirmation, nom, prenom, siret, current_hash=None):
    """{field: message} for a new password and its confirmation (empty: acceptable)."""
    errors = {}
    if not password:
        errors["password"] = fields.REQUIRED
    elif len(password) > 4 * MAX_PASSWORD_LENGTH:  # oversized: refused before any other work
        errors["password"] = f"Saisissez au plus {MAX_PASSWORD_LENGTH} caractères."
    elif fields.has_control_characters(password):
        errors["password"] = (
            "Le mot de passe ne doit contenir ni caractère de contrôle ni caractère invisible."
        )
    else:
        error = password_error(password, nom, prenom, siret)
        if error:
            errors["password"] = error
        elif current_hash and check_secret(password, current_hash):
            errors["password"] = SAME_PASSWORD
    if not confirmation:
        errors["confirmation"] = fields.REQUIRED
    elif password and confirmation != password:
        errors["confirmation"] = CONFIRMATION_MISMATCH
    return errors


def check_secret_pair(question, answer):
    """(question, answer, {field: message}) for a secret question and its answer."""
    values, errors = fields.collect({
        "secret_question": fields.secret_question(question),
        "secret_answer": fields.secret_answer(answer, question or ""),
    })
    return values["secret_question"], values["secret_answer"], errors


def change_password(user, password, confirmation, question=None, answer=None, validate_email=False):
    """Set a new password (and, when given, a new secret question and answer).

    Validates everything first, then writes once: the password epoch (session_version) moves on,
    so every other session of the account is logged out; a temporary password's obligation,
    failures and lock are cleared. Returns the user as now stored (its new session id).
    """
    current_hash = User.select(User.password_hash).where(User.id == user.id).scalar()  # never in a session
    errors = check_new_password(password, confirmation, user.nom, user.prenom,
                                user.firm.siret if user.firm_id else "", current_hash)
    changes = {}
    if question is not None or answer is not None:
        question, answer, pair_errors = check_secret_pair(question, answer)
        errors.update(pair_errors)
        changes.update(
            secret_question=question, secret_answer_hash=hash_answer(answer) if not pair_errors else None
        )
    if errors:
        raise Invalid(errors)
    changes.update(
        password_hash=hash_secret(password), must_change_password=False, failed_attempts=0, locked_until=None,
        secret_failed_attempts=0, secret_locked_until=None, session_version=User.session_version + 1,
    )
    if validate_email and user.email_validated_at is None:
        changes["email_validated_at"] = clock.now()
    User.update(**changes).where(User.id == user.id).execute()
    return User.get_by_id(user.id)
