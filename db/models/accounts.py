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

ROLE_ADMIN = "admin"
ROLE_DECLARANT = "declarant"
ROLE_SUPPORT = "support"  # people who run the portal; outside any firm


class Firm(BaseModel):
    """A tiers déclarant, identified by the SIRET it registered with."""

    siret = CharField(max_length=14, unique=True)
    name = CharField(max_length=200)
    address = TextField(default="")
    # The inscription's profile: "Votre entreprise et vos clients" (a tiers déclarant, True) or
    # "Votre entreprise" only (False).
    manages_clients = BooleanField(default=True)
    is_active = BooleanField(default=True)
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

    class Meta:
        indexes = ((("firm", "nom_key", "prenom_key"), True),)

    # Flask-Login's user protocol, spelled out so that db/ does not import flask. The session
    # id carries session_version: bumping it logs out every other session of the account.
    is_authenticated = True
    is_anonymous = False

    def get_id(self):
        return f"{self.id}:{self.session_version}"

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


class LoginAttempt(BaseModel):
    """One login attempt from an IP address, to throttle guessing across accounts."""

    ip = CharField(max_length=45)
    at = DateTimeField(default=clock.now)
    success = BooleanField(default=False)

    class Meta:
        indexes = ((("ip", "at"), False),)
