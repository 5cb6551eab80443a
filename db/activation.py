"""Account activation by the link of the activation mail: choose a password and a secret question.

Used by people created by an administrator ("Nouveau déclarant", an accepted access request)
or named administrator by the support desk. The link is single-use and expires.
"""
from db import audit, clock, tokens
from db import person_fields as fields
from db.database import database
from db.errors import NotFound
from db.models import User
from db.password_policy import password_error
from db.passwords import hash_secret
from db.text import fold

MISMATCH = "Les deux mots de passe saisis ne sont pas identiques."


def answer_hash(answer):
    """Secret answers are compared without case, accents or extra spaces."""
    return hash_secret(fold(answer))


def account_for(token):
    """The active person a valid activation link names, or None (unknown, used, expired)."""
    row = tokens.peek(token, tokens.ACTIVATE_ACCOUNT)
    if row is None:
        return None
    user = User.get_or_none(User.id == row.user_id)
    return user if user is not None and user.is_active else None


def check_secrets(user, data):
    """Cleaned password, question and answer of a form, or Invalid with every message."""
    password = data.get("password") or ""
    checks = {
        "password": (password, password_error(password, user.nom, user.prenom, user.firm.siret if user.firm else "")),
        "confirmation": (None, MISMATCH if password != (data.get("confirmation") or "") else None),
    }
    question = fields.secret_question(data.get("secret_question"))
    checks["secret_question"] = question
    checks["secret_answer"] = fields.secret_answer(data.get("secret_answer"), question[0])
    return fields.checked(checks)


def activate(token, data):
    """Set the password and secret question; the link is consumed. NotFound when it is not valid."""
    user = account_for(token)
    if user is None:
        raise NotFound()
    values = check_secrets(user, data)
    password_hash, secret_hash = hash_secret(values["password"]), answer_hash(values["secret_answer"])
    with database.atomic():
        now = clock.now()
        # The UPDATE comes first so that SQLite takes its write lock before the token is read.
        User.update(
            password_hash=password_hash, secret_question=values["secret_question"],
            secret_answer_hash=secret_hash, email_validated_at=now, must_change_password=False,
            failed_attempts=0, locked_until=None, secret_failed_attempts=0, secret_locked_until=None,
            session_version=User.session_version + 1,
        ).where(User.id == user.id).execute()
        if tokens.consume(token, tokens.ACTIVATE_ACCOUNT) is None:
            raise NotFound()  # used at the same moment in another tab: nothing is kept
        audit.record(user, "account.activated", f"Activation du compte de {user.full_name}", obj=user)
    return User.get_by_id(user.id)

