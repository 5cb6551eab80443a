"""Firms and their people: creation and the login triplet (SIRET + nom + prénom + mot de passe)."""
import datetime

from db import clock
from db.database import database
from db.errors import Invalid
from db.identifiers import clean
from db.models import Firm, Portfolio, User
from db.models.accounts import ROLE_ADMIN
from db.passwords import check_secret, dummy_check, hash_secret
from db.text import fold

DEFAULT_PORTFOLIO_NAME = "Portefeuille par défaut"
MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
BAD_CREDENTIALS = "Identifiants incorrects. Vérifiez le SIRET, le nom, le prénom et le mot de passe."


class AccountLocked(Invalid):
    """Too many failed logins: the message says until when (Paris time is formatted by the webapp)."""

    def __init__(self, until):
        self.until = until
        super().__init__({"__all__": "Compte verrouillé."})


def find_login(siret, nom, prenom):
    """The active account of a login triplet, or None. Names compare without case or accents."""
    return (
        User.select(User, Firm)
        .join(Firm)
        .where(
            (Firm.siret == clean(siret))
            & (User.nom_key == fold(nom))
            & (User.prenom_key == fold(prenom))
        )
        .first()
    )


def authenticate(siret, nom, prenom, password):
    """The user for a correct login triplet and password; raises Invalid with one generic
    message otherwise (never saying whether the SIRET, the name or the password was wrong),
    or AccountLocked after MAX_FAILED_LOGINS failures in a row."""
    user = find_login(siret, nom, prenom)
    now = clock.now()
    if user is None or not user.password_hash or not user.is_active or not user.firm.is_active:
        dummy_check(password or "")
        raise Invalid({"__all__": BAD_CREDENTIALS})
    if user.locked_until and user.locked_until > now:
        raise AccountLocked(user.locked_until)
    if not check_secret(password or "", user.password_hash):
        failures = user.failed_attempts + 1
        locked_until = now + datetime.timedelta(minutes=LOCK_MINUTES) if failures >= MAX_FAILED_LOGINS else None
        User.update(
            failed_attempts=0 if locked_until else failures,
            locked_until=locked_until,
        ).where(User.id == user.id).execute()
        if locked_until:
            raise AccountLocked(locked_until)
        raise Invalid({"__all__": BAD_CREDENTIALS})
    User.update(failed_attempts=0, locked_until=None, last_login_at=now).where(User.id == user.id).execute()
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


def new_user(firm, nom, prenom, email, role, password=None, **extra):
    """Create a person of a firm (call inside a transaction). password=None leaves it to activate."""
    return User.create(
        firm=firm,
        role=role,
        nom=nom.strip(),
        prenom=prenom.strip(),
        nom_key=fold(nom),
        prenom_key=fold(prenom),
        email=email.strip(),
        password_hash=hash_secret(password) if password else None,
        **extra,
    )


def create_firm(siret, name, address, admin, password):
    """Create a firm, its first administrator and its default portfolio in one transaction.

    admin is a dict with nom, prenom, email and optionally phone, mobile, secret_question,
    secret_answer_hash, email_validated_at.
    """
    with database.atomic():
        firm = Firm.create(siret=siret, name=name, address=address)
        user = new_user(firm, role=ROLE_ADMIN, password=password, **admin)
        Portfolio.create(firm=firm, name=DEFAULT_PORTFOLIO_NAME, name_key=fold(DEFAULT_PORTFOLIO_NAME),
                         is_default=True)
    return firm, user
