"""Firms and their people: creation, the login triplet (SIRET + nom + prénom + mot de passe),
lockout, throttling per IP address, and password changes.
"""
import datetime

from peewee import IntegrityError, fn

from db import account_fields, audit, clock
from db.database import database
from db.errors import Conflict, DomainError, Invalid, NotFound
from db.identifiers import clean
from db.models import Firm, FirmDeclaration, LoginAttempt, Portfolio, User
from db.models.accounts import ROLE_ADMIN
from db.password_policy import MAX_LENGTH as MAX_PASSWORD_LENGTH
from db.password_policy import password_error
from db.passwords import check_secret, dummy_check, hash_secret
from db.text import fold

DEFAULT_PORTFOLIO_NAME = "Portefeuille par défaut"
MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
# Per IP address: more failures than this in the window, and the address waits.
IP_MAX_FAILURES = 20
IP_WINDOW_MINUTES = 15
BAD_CREDENTIALS = "Identifiants incorrects. Vérifiez le SIRET, le nom, le prénom et le mot de passe."
SAME_PASSWORD = "Choisissez un mot de passe différent de l'actuel."
CONFIRMATION_MISMATCH = "La confirmation ne correspond pas au mot de passe saisi."


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
    if user.locked_until and user.locked_until > now:
        dummy_check(password or "")  # as long as a real check: the lock shows in no timing
        record_attempt(ip, False)
        raise AccountLocked(user.locked_until)
    if not check_secret(password or "", user.password_hash):
        record_attempt(ip, False)
        failures = user.failed_attempts + 1
        locked_until = now + datetime.timedelta(minutes=LOCK_MINUTES) if failures >= MAX_FAILED_LOGINS else None
        User.update(
            failed_attempts=0 if locked_until else failures,
            locked_until=locked_until,
        ).where(User.id == user.id).execute()
        if locked_until:
            raise AccountLocked(locked_until)
        raise Invalid({"__all__": BAD_CREDENTIALS})
    record_attempt(ip, True)
    User.update(failed_attempts=0, locked_until=None).where(User.id == user.id).execute()
    if user.email_validated_at is None:
        raise EmailNotValidated(user)
    User.update(last_login_at=now).where(User.id == user.id).execute()
    user.last_login_at = now
    return user


def load_session_user(user_id, session_version):
    """The user a session cookie names, if the session is still valid (same password epoch)."""
    user = User.get_or_none(User.id == user_id)
    if user is None or not user.is_active or user.session_version != session_version:
        return None
    if user.firm_id is not None and not user.firm.is_active:
        return None
    return user


def hash_answer(answer):
    """Secret answers are compared without case, accents or extra spaces: "Médor" = "medor"."""
    return hash_secret(fold(answer))


def answer_matches(answer, hashed):
    return bool(answer) and check_secret(fold(answer), hashed)


def check_new_password(password, confirmation, nom, prenom, siret, current_hash=None):
    """{field: message} for a new password and its confirmation (empty: acceptable)."""
    errors = {}
    if not password:
        errors["password"] = account_fields.REQUIRED
    elif len(password) > 4 * MAX_PASSWORD_LENGTH:  # oversized: refused before any other work
        errors["password"] = f"Saisissez au plus {MAX_PASSWORD_LENGTH} caractères."
    elif account_fields.has_control_characters(password):
        errors["password"] = "Le mot de passe ne doit contenir ni caractère de contrôle ni caractère invisible."
    else:
        error = password_error(password, nom, prenom, siret)
        if error:
            errors["password"] = error
        elif current_hash and check_secret(password, current_hash):
            errors["password"] = SAME_PASSWORD
    if not confirmation:
        errors["confirmation"] = account_fields.REQUIRED
    elif password and confirmation != password:
        errors["confirmation"] = CONFIRMATION_MISMATCH
    return errors


def check_secret_pair(question, answer):
    """(question, answer, {field: message}) for a secret question and its answer."""
    values, errors = account_fields.collect({
        "secret_question": account_fields.secret_question(question),
        "secret_answer": account_fields.secret_answer(answer, question or ""),
    })
    return values["secret_question"], values["secret_answer"], errors


def change_password(user, password, confirmation, question=None, answer=None, validate_email=False):
    """Set a new password (and, when given, a new secret question and answer).

    Validates everything first, then writes once: the password epoch (session_version) moves on,
    so every other session of the account is logged out; a temporary password's obligation,
    failures and lock are cleared. Returns the user as now stored (its new session id).
    """
    errors = check_new_password(password, confirmation, user.nom, user.prenom,
                                user.firm.siret if user.firm_id else "", user.password_hash)
    changes = {}
    if question is not None or answer is not None:
        question, answer, pair_errors = check_secret_pair(question, answer)
        errors.update(pair_errors)
        changes.update(secret_question=question, secret_answer_hash=hash_answer(answer) if not pair_errors else None)
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


def new_user(firm, nom, prenom, email, role, password=None, **extra):
    """Create a person of a firm (call inside a transaction). password=None leaves it to activate,
    unless extra carries an already computed password_hash."""
    password_hash = hash_secret(password) if password else extra.pop("password_hash", None)
    return User.create(
        firm=firm,
        role=role,
        nom=nom.strip(),
        prenom=prenom.strip(),
        nom_key=fold(nom),
        prenom_key=fold(prenom),
        email=email.strip(),
        password_hash=password_hash,
        **extra,
    )


def create_firm(siret, name, address, admin, password=None, declaration_ids=(), manages_clients=True):
    """Create a firm, its first administrator, its default portfolio and the declarations it
    files for itself, in one transaction.

    admin is a dict with nom, prenom, email and optionally phone, mobile, secret_question,
    secret_answer_hash, password_hash (instead of password), email_validated_at.
    Raises Conflict when the SIRET was registered meanwhile.
    """
    try:
        with database.atomic():
            firm = Firm.create(siret=siret, name=name, address=address, manages_clients=manages_clients)
            user = new_user(firm, role=ROLE_ADMIN, password=password, **admin)
            Portfolio.create(firm=firm, name=DEFAULT_PORTFOLIO_NAME, name_key=fold(DEFAULT_PORTFOLIO_NAME),
                             is_default=True)
            if declaration_ids:
                FirmDeclaration.insert_many(
                    [{"firm": firm.id, "declaration": d} for d in sorted(set(declaration_ids))]
                ).execute()
    except IntegrityError:
        if Firm.select().where(Firm.siret == siret).exists():
            raise Conflict("Ce SIRET vient d'être inscrit sur le portail : il ne peut pas l'être deux fois.") from None
        raise
    return firm, user


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
        audit.record(user, "user.password_renewed",
                     f"{user.full_name} a remplacé son mot de passe temporaire et sa question secrète", obj=user)
    return user
