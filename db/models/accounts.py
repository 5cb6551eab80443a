"""Firms (tiers déclarants) and the people who log in to them."""
from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from db import clock
from db.database import BaseModel
from db.models.identifier_field import IdentifierField

ROLE_ADMIN = "admin"
ROLE_DECLARANT = "declarant"
ROLE_SUPPORT = "support"  # people who run the portal; outside any firm


class Firm(BaseModel):
    """A tiers déclarant, identified by the SIRET it registered with."""

    siret = IdentifierField(max_length=14, unique=True)
    name = CharField(max_length=200)
    address = TextField(default="")
    # The inscription's profile: "Votre entreprise et vos clients" (a tiers déclarant, True) or
    # "Votre entreprise" only (False).
    manages_clients = BooleanField(default=True)
    # « Vous êtes… » at inscription: "entreprise", "expert_comptable", "centre_gestion" or "autre_tiers"
    # (db.accounts.inscription.FIRM_KINDS); "" for firms registered before it was asked.
    kind = CharField(max_length=20, default="")
    is_active = BooleanField(default=True)
    # Set by an administrator: everyone of the firm logs in with a second factor (TOTP).
    second_factor_required = BooleanField(default=False)
    created_at = DateTimeField(default=clock.now)
    # Maintained count of the requests waiting in "Demande en attente" (FIRM_PENDING_REQUESTS,
    # db/models/records.py): the menu shows it on every administrator's page.
    pending_request_count = IntegerField(default=0)


class User(BaseModel):
    """A person of a firm (administrateur or déclarant), or a support agent (firm is NULL).

    Login is the portal's triplet: the firm's SIRET + nom + prénom. nom_key and prenom_key hold
    the names without case or accents, so that "Éloïse" and "ELOISE" log in alike.
    """

    firm = ForeignKeyField(Firm, backref="users", null=True, on_delete="CASCADE")
    role = CharField(max_length=16, default=ROLE_DECLARANT)
    nom = CharField(max_length=100)
    prenom = CharField(max_length=100)
    nom_key = CharField(max_length=100)
    prenom_key = CharField(max_length=100)
    email = CharField(max_length=254)
    phone = CharField(max_length=20, default="")
    mobile = CharField(max_length=20, default="")
    password_hash = CharField(max_length=100, null=True)  # NULL until the account is activated
    secret_question = CharField(max_length=200, default="")
    secret_answer_hash = CharField(max_length=100, null=True)
    email_validated_at = DateTimeField(null=True)
    failed_attempts = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    secret_failed_attempts = IntegerField(default=0)
    secret_locked_until = DateTimeField(null=True)
    must_change_password = BooleanField(default=False)
    is_active = BooleanField(default=True)
    # Bumped when the password changes: sessions carrying an older value are logged out.
    session_version = IntegerField(default=1)
    created_at = DateTimeField(default=clock.now)
    last_login_at = DateTimeField(null=True)
    # The second factor (RFC 6238): the shared secret (base32) once confirmed, the one being enrolled,
    # and the last time step used, so that a code is never accepted twice.
    totp_secret = CharField(max_length=64, null=True)
    totp_pending_secret = CharField(max_length=64, null=True)
    totp_enabled_at = DateTimeField(null=True)
    totp_last_step = IntegerField(null=True)
    unread_notice_count = IntegerField(default=0)  # maintained: USER_UNREAD_NOTICES (firm_space.py)
    reviewed_at = DateTimeField(null=True)  # « revu le »: the last review of the person's rights

    class Meta:
        indexes = ((("firm", "nom_key", "prenom_key"), True),)

    # Flask-Login's user protocol, spelled out so that db/ does not import flask.
    is_authenticated = True
    is_anonymous = False
    session_token = None  # set when a session is opened or loaded

    def get_id(self):
        # The server-side session this user was loaded through (db/accounts/sessions.py): Flask-Login
        # keeps it in the cookie, and the user loader looks it up on every request.
        return self.session_token

    @property
    def is_admin(self):
        return self.role == ROLE_ADMIN

    @property
    def is_support(self):
        return self.role == ROLE_SUPPORT

    @property
    def full_name(self):
        return f"{self.nom.upper()} {self.prenom}"

    @property
    def list_name(self):
        """The name in lists of people: full_name, with the person's number where another name of
        the firm reads the same (set by db.people.names.name_people)."""
        return self.__dict__.get("_list_name") or self.full_name

    @list_name.setter
    def list_name(self, value):
        self.__dict__["_list_name"] = value

    @property
    def role_label(self):
        # An administrator also declares: the portal shows "Administrateur - Déclarant".
        return {
            ROLE_ADMIN: "Administrateur - Déclarant",
            ROLE_DECLARANT: "Déclarant",
            ROLE_SUPPORT: "Support",
        }.get(self.role, self.role)


class AccountToken(BaseModel):
    """A single-use token sent by e-mail (validation, reset, activation). Only its hash is kept."""

    user = ForeignKeyField(User, backref="tokens", on_delete="CASCADE")
    purpose = CharField(max_length=32)
    token_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=clock.now)
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)
    # The password epoch when the link was mailed: a password change since makes it stop working.
    session_version = IntegerField(null=True)


class LoginAttempt(BaseModel):
    """One login attempt from an IP address, to throttle guessing (db/accounts/throttle.py).

    account is a digest of the login typed (the triplet, or a support agent's address), the same for
    a real and an unknown one: the delays never tell them apart."""

    ip = CharField(max_length=45)
    at = DateTimeField(default=clock.now)
    success = BooleanField(default=False)
    account = CharField(max_length=64, null=True)

    class Meta:
        indexes = ((("ip", "at"), False), (("account", "at"), False))


class UserSession(BaseModel):
    """A logged-in browser, server side (db/accounts/sessions.py): the cookie carries a random token,
    this table its SHA-256. Logging out ends it; idle and absolute lifetimes end it too."""

    user = ForeignKeyField(User, backref="sessions", on_delete="CASCADE")
    token_hash = CharField(max_length=64, unique=True)
    session_version = IntegerField()  # the password epoch it was opened under
    created_at = DateTimeField(default=clock.now)
    last_seen_at = DateTimeField(default=clock.now)
    ended_at = DateTimeField(null=True)
    ip = CharField(max_length=45, default="")


class RecoveryCode(BaseModel):
    """A single-use code that replaces the second factor once (a lost or broken phone)."""

    user = ForeignKeyField(User, backref="recovery_codes", on_delete="CASCADE")
    code_hash = CharField(max_length=64)
    used_at = DateTimeField(null=True)
