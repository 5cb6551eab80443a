"""Single-use, expiring tokens for links sent by e-mail (validation, reset, activation).

The link carries a random token; only its SHA-256 is stored, so a leaked database does not
leak usable links. A token is consumed once: the second use is refused.
"""
import datetime
import hashlib
import secrets

from db import clock
from db.models import AccountToken, User

VALIDATE_EMAIL = "validate_email"
RESET_PASSWORD = "reset_password"
ACTIVATE_ACCOUNT = "activate_account"
# Links that stop working once the password changes after they were mailed (any change: the
# profile, the secret question's way, a temporary password from the administrators).
EPOCH_BOUND = {RESET_PASSWORD}


def _digest(token):
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def issue(user, purpose, minutes=60):
    """Create a token for user and purpose; returns the clear token to put in the link.
    Earlier unused tokens of the same purpose stop working."""
    now = clock.now()
    AccountToken.update(used_at=now).where(
        (AccountToken.user == user.id) & (AccountToken.purpose == purpose) & AccountToken.used_at.is_null()
    ).execute()
    token = secrets.token_urlsafe(32)
    AccountToken.create(user=user.id, purpose=purpose, token_hash=_digest(token), created_at=now,
                        expires_at=now + datetime.timedelta(minutes=minutes),
                        session_version=user.session_version)
    return token


def peek(token, purpose):
    """The valid AccountToken for a clear token (not used, not expired), or None. Does not consume."""
    if not token or len(token) > 200:
        return None
    row = (AccountToken.select(AccountToken, User).join(User)
           .where((AccountToken.token_hash == _digest(token)) & (AccountToken.purpose == purpose)).first())
    if row is None or row.used_at is not None or row.expires_at <= clock.now():
        return None
    if purpose in EPOCH_BOUND and row.session_version not in (None, row.user.session_version):
        return None  # the password changed since the link was mailed: the link no longer works
    return row


def consume(token, purpose):
    """Use the token once: returns its user, or None when unknown, expired or already used.
    The conditional UPDATE makes two concurrent uses impossible."""
    row = peek(token, purpose)
    if row is None:
        return None
    used = AccountToken.update(used_at=clock.now()).where(
        (AccountToken.id == row.id) & AccountToken.used_at.is_null()
    ).execute()
    return row.user if used else None
