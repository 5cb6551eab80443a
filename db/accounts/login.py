"""Logging in with the triplet (SIRET + nom + prénom + mot de passe): lockout after failures,
throttling per IP address, the session's user, and the renewal a temporary password forces.
"""
import datetime

from peewee import JOIN, fn

from db import audit, clock
from db.accounts.passwords import change_password, check_secret, dummy_check
from db.database import database
from db.errors import DomainError, Invalid, NotFound
from db.identifiers import clean
from db.models import Firm, LoginAttempt, User
from db.text import fold

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
# Per IP address: more failures than this in the window, and the address waits.
IP_MAX_FAILURES = 20
IP_WINDOW_MINUTES = 15
BAD_CREDENTIALS = "Identifiants incorrects. Vérifiez le SIRET, le nom, le prénom et le mot de passe."


class AccountLocked(Invalid):
    """Too many failed logins: the message says until when (Paris time is formatted by the webapp)."""

    def __init__(self, until):
        self.until = until
        super().__init__({"__all__": "Compte verrouillé."})


class EmailNotValidated(Invalid):
    """Right password, but the address was never validated: the page offers a new link."""

    def __init__(self, user):
        self.user = user
        super().__init__({"__all__": "Adresse électronique non validée."})


class Throttled(DomainError):
    """Too many failures from one IP address; until says when it may try again."""

    def __init__(self, until):
        self.until = until
        super().__init__("Trop de tentatives depuis votre adresse.")


def find_login(siret, nom, prenom):
    """The account of a login triplet, or None. Names compare without case or accents."""
    siret = clean(siret)
    if len(siret) != 14 or len(nom or "") > 200 or len(prenom or "") > 200:
        return None
    return (
        User.select(User, Firm)
        .join(Firm)
        .where(
            (Firm.siret == siret)
            & (User.nom_key == fold(nom))
            & (User.prenom_key == fold(prenom))
        )
        .first()
    )


def check_ip(ip):
    """Raise Throttled when the address failed IP_MAX_FAILURES times within the window."""
    if not ip:
        return
    since = clock.now() - datetime.timedelta(minutes=IP_WINDOW_MINUTES)
    failures = (
        LoginAttempt.select(fn.COUNT(LoginAttempt.id), fn.MIN(LoginAttempt.at))
        .where((LoginAttempt.ip == ip) & (LoginAttempt.at > since) & ~LoginAttempt.success)
        .tuples()
        .first()
    )
    if failures and failures[0] >= IP_MAX_FAILURES:
        raise Throttled(failures[1] + datetime.timedelta(minutes=IP_WINDOW_MINUTES))


def record_attempt(ip, success):
    """Remember one attempt of the address (login, recovery look-up); forget its old ones."""
    if not ip:
        return
    now = clock.now()
    LoginAttempt.delete().where(
        (LoginAttempt.ip == ip) & (LoginAttempt.at < now - datetime.timedelta(days=1))
    ).execute()
    LoginAttempt.create(ip=ip[:45], at=now, success=success)


def count_failure(user, now):
    """One more wrong password in a row: at the MAX_FAILED_LOGINS-th the account is locked for
    LOCK_MINUTES and the count starts again. Returns the end of the lock, or None."""
    failures = user.failed_attempts + 1
    locked_until = now + datetime.timedelta(minutes=LOCK_MINUTES) if failures >= MAX_FAILED_LOGINS else None
    User.update(failed_attempts=0 if locked_until else failures, locked_until=locked_until).where(
        User.id == user.id).execute()
    return locked_until


def check_password(user, password, ip, now, locked_error, bad_credentials):
    """The lockout around a login's password check (firms' people and support agents alike):
    locked_error(until) while the account is locked or when this failure locks it, Invalid with
    the generic bad_credentials otherwise. Failed attempts of the address are recorded here; the
    caller records a success."""
    if user.locked_until and user.locked_until > now:
        dummy_check(password or "")  # as long as a real check: the lock shows in no timing
        record_attempt(ip, False)
        raise locked_error(user.locked_until)
    if not check_secret(password or "", user.password_hash):
        record_attempt(ip, False)
        locked_until = count_failure(user, now)
        if locked_until:
            raise locked_error(locked_until)
        raise Invalid({"__all__": bad_credentials})


def can_log_in(user):
    return (user is not None and bool(user.password_hash) and user.is_active
            and user.firm_id is not None and user.firm.is_active)


def authenticate(siret, nom, prenom, password, ip=None):
    """The user for a correct login triplet and password.

    Raises Throttled when the address tried too often, AccountLocked after MAX_FAILED_LOGINS
    failures in a row (for LOCK_MINUTES), EmailNotValidated when the password is right but the
    address was never validated, and Invalid with one generic message otherwise (never saying
    whether the SIRET, the name or the password was wrong). The caller checks
    user.must_change_password.
    """
    check_ip(ip)
    user = find_login(siret, nom, prenom)
    now = clock.now()
    if not can_log_in(user):
        dummy_check(password or "")
        record_attempt(ip, False)
        raise Invalid({"__all__": BAD_CREDENTIALS})
    check_password(user, password, ip, now, AccountLocked, BAD_CREDENTIALS)
    record_attempt(ip, True)
    User.update(failed_attempts=0, locked_until=None).where(User.id == user.id).execute()
    if user.email_validated_at is None:
        raise EmailNotValidated(user)
    User.update(last_login_at=now).where(User.id == user.id).execute()
    user.last_login_at = now
    return user


# The session's user is read on every request: one query with its firm, without the secrets
# (password and answer hashes, lockout counters), which the operations needing them read afresh.
SESSION_USER = (User.id, User.firm, User.role, User.nom, User.prenom, User.nom_key, User.prenom_key,
                User.email, User.phone, User.mobile, User.secret_question, User.email_validated_at,
                User.must_change_password, User.is_active, User.session_version, User.created_at,
                User.last_login_at)
SESSION_FIRM = (Firm.id, Firm.siret, Firm.name, Firm.is_active, Firm.manages_clients,
                Firm.pending_request_count)


def load_session_user(user_id, session_version):
    """The user a session cookie names, with its firm, if the session is still valid (same
    password epoch). One query."""
    user = (User.select(*SESSION_USER, *SESSION_FIRM).join(Firm, JOIN.LEFT_OUTER)
            .where(User.id == user_id).first())
    if user is None or not user.is_active or user.session_version != session_version:
        return None
    if user.firm_id is not None and not user.firm.is_active:
        return None
    return user


def pending_renewal(user_id, session_version):
    """The account that logged in with a temporary password and must now choose its own, or None."""
    user = User.get_or_none(User.id == user_id)
    if not can_log_in(user) or user.session_version != session_version or not user.must_change_password:
        return None
    return user


def renew_password(user_id, session_version, password, confirmation, question, answer):
    """After a temporary password: a new password and a new secret question, or Invalid."""
    user = pending_renewal(user_id, session_version)
    if user is None:
        raise NotFound()
    with database.atomic():
        user = change_password(user, password, confirmation, question, answer)
        audit.record(
            user,
            "user.password_renewed",
            f"{user.full_name} a remplacé son mot de passe temporaire et sa question secrète",
            obj=user,
        )
    return user
