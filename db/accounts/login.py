"""Logging in with the triplet (SIRET + nom + prénom + mot de passe): throttling per address and
per (address, account) with growing delays (db/accounts/throttle.py), the journal of logins, and the
renewal a temporary password forces.
"""
import datetime

from db import audit, clock, notifications
from db.accounts import throttle
from db.accounts.passwords import change_password, check_secret, dummy_check
from db.accounts.throttle import Throttled
from db.database import database
from db.errors import Invalid, NotFound
from db.identifiers import clean
from db.models import Firm, User
from db.text import fold

__all__ = ["Throttled", "authenticate", "check_ip", "complete_login", "record_attempt"]

MAX_FAILED_LOGINS = 5  # wrong current passwords in a row on the profile page, for a logged-in person
LOCK_MINUTES = 15
BAD_CREDENTIALS = "Identifiants incorrects. Vérifiez le SIRET, le nom, le prénom et le mot de passe."


class EmailNotValidated(Invalid):
    """Right password, but the address was never validated: the page offers a new link."""

    def __init__(self, user):
        self.user = user
        super().__init__({"__all__": "Adresse électronique non validée."})


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
    """Raise Throttled when the address failed too often (logins and recovery look-ups alike)."""
    throttle.check_address(ip)


def record_attempt(ip, success):
    """Remember one attempt of the address that names no account (a recovery look-up)."""
    throttle.record(ip, success)


def count_failure(user, now):
    """One more wrong current password on the profile page: at the MAX_FAILED_LOGINS-th in a row the
    check waits LOCK_MINUTES. Returns the end of the wait, or None."""
    failures = user.failed_attempts + 1
    locked_until = now + datetime.timedelta(minutes=LOCK_MINUTES) if failures >= MAX_FAILED_LOGINS else None
    User.update(failed_attempts=0 if locked_until else failures, locked_until=locked_until).where(
        User.id == user.id).execute()
    return locked_until


def verify_password(user, password, ip, account, bad_credentials, now):
    """The throttled password check of a login (firms' people and support agents alike). user is
    None for an unknown login, which is checked as long and counted alike. Raises Throttled (the
    address, or this login from this address, must wait; also when this failure starts the wait)
    or Invalid with the generic bad_credentials; records the attempt and journals a real account's."""
    throttle.check_address(ip, now)
    throttle.check_account(ip, account, now)
    if user is None:
        dummy_check(password or "")  # as long as a real check: timing tells nothing
    elif check_secret(password or "", user.password_hash):
        throttle.record(ip, True, account, now)
        return
    until = throttle.record(ip, False, account, now)
    if user is not None:
        _journal_failure(user, ip, until)
    if until:
        raise Throttled(until, "account")
    raise Invalid({"__all__": bad_credentials})


def _journal_failure(user, ip, until):
    where = f" depuis l’adresse {ip}" if ip else ""
    with database.atomic():
        audit.record(user, "login.failed",
                     f"Échec de connexion de {user.full_name} (mot de passe erroné){where}", obj=user)
        if until:
            audit.record(user, "login.locked", f"Connexion de {user.full_name} suspendue jusqu’au "
                         f"{clock.datetime_fr(until)} après plusieurs échecs{where}", obj=user)


def can_log_in(user):
    return (user is not None and bool(user.password_hash) and user.is_active
            and user.firm_id is not None and user.firm.is_active)


def authenticate(siret, nom, prenom, password, ip=None):
    """The user for a correct login triplet and password (the login completes with complete_login,
    after a second factor when there is one).

    Raises Throttled when the address, or this triplet from this address, must wait (the same for a
    real and an unknown triplet), EmailNotValidated when the password is right but the address was
    never validated, and Invalid with one generic message otherwise (never saying whether the SIRET,
    the name or the password was wrong). The caller checks user.must_change_password.
    """
    now = clock.now()
    throttle.check_address(ip, now)
    user = find_login(siret, nom, prenom)
    account = throttle.login_key(clean(siret), nom, prenom)
    verify_password(user if can_log_in(user) else None, password, ip, account, BAD_CREDENTIALS, now)
    if user.email_validated_at is None:
        raise EmailNotValidated(user)
    return user


def complete_login(user, ip=None, how=""):
    """The login is complete (password, and second factor when there is one): last login, journal."""
    now = clock.now()
    where = f" depuis l’adresse {ip}" if ip else ""
    with database.atomic():
        User.update(last_login_at=now).where(User.id == user.id).execute()
        notifications.purge(now)  # expired notices leave the menu's counts at the latest here
        audit.record(user, "login.succeeded", f"Connexion de {user.full_name}{how}{where}", obj=user)
        notifications.rights_ending.announce(user)  # rights of the firm ending within 7 days
    user.last_login_at = now
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
