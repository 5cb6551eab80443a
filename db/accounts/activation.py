"""Account activation by the link of the activation mail: choose a password and a secret question.

Used by people created by an administrator ("Nouveau déclarant", an accepted access request)
or named administrator by the support desk. The link is single-use and expires.
"""
from db import audit, clock
from db.accounts import tokens
from db.accounts.passwords import check_new_password, check_secret_pair, hash_answer, hash_secret
from db.database import database
from db.errors import Invalid, NotFound
from db.models import User


def account_for(token):
    """The active person a valid activation link names, or None (unknown, used, expired)."""
    row = tokens.peek(token, tokens.ACTIVATE_ACCOUNT)
    if row is None:
        return None
    user = User.get_or_none(User.id == row.user_id)
    return user if user is not None and user.is_active else None


def check_secrets(user, data):
    """(password, question, answer) of the form, or Invalid with every message (the inscription's rules)."""
    password = data.get("password") or ""
    errors = check_new_password(password, data.get("confirmation") or "", user.nom, user.prenom,
                                user.firm.siret if user.firm_id else "")
    question, answer, pair_errors = check_secret_pair(data.get("secret_question"), data.get("secret_answer"))
    errors.update(pair_errors)
    if errors:
        raise Invalid(errors)
    return password, question, answer


def activate(token, data):
    """Set the password and secret question; the link is consumed. NotFound when it is not valid."""
    user = account_for(token)
    if user is None:
        raise NotFound()
    password, question, answer = check_secrets(user, data)
    password_hash, secret_hash = hash_secret(password), hash_answer(answer)
    with database.atomic():
        now = clock.now()
        # The UPDATE comes first so that SQLite takes its write lock before the token is read.
        User.update(
            password_hash=password_hash, secret_question=question,
            secret_answer_hash=secret_hash, email_validated_at=now, must_change_password=False,
            failed_attempts=0, locked_until=None, secret_failed_attempts=0, secret_locked_until=None,
            session_version=User.session_version + 1,
        ).where(User.id == user.id).execute()
        if tokens.consume(token, tokens.ACTIVATE_ACCOUNT) is None:
            raise NotFound()  # used at the same moment in another tab: nothing is kept
        audit.record(user, "account.activated", f"Activation du compte de {user.full_name}", obj=user)
    return User.get_by_id(user.id)

