"""A firm and its people: creation of the firm with its first administrator, its default
portfolio and its own declarations, and creation of one more person of a firm.
"""
from peewee import IntegrityError

from db.accounts.passwords import hash_secret
from db.database import database
from db.errors import Conflict
from db.models import Firm, FirmDeclaration, Portfolio, User
from db.models.accounts import ROLE_ADMIN
from db.text import fold

DEFAULT_PORTFOLIO_NAME = "Portefeuille par défaut"


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


def create_firm(siret, name, address, admin, password=None, declaration_ids=(), manages_clients=True,
                kind=""):
    """Create a firm, its first administrator, its default portfolio and the declarations it
    files for itself, in one transaction.

    admin is a dict with nom, prenom, email and optionally phone, mobile, secret_question,
    secret_answer_hash, password_hash (instead of password), email_validated_at.
    kind: the inscription's « Vous êtes… » (db.accounts.inscription.FIRM_KINDS).
    Raises Conflict when the SIRET was registered meanwhile.
    """
    try:
        with database.atomic():
            firm = Firm.create(siret=siret, name=name, address=address, manages_clients=manages_clients,
                               kind=kind)
            user = new_user(firm, role=ROLE_ADMIN, password=password, **admin)
            Portfolio.create(firm=firm, name=DEFAULT_PORTFOLIO_NAME, name_key=fold(DEFAULT_PORTFOLIO_NAME),
                             is_default=True)
            if declaration_ids:
                FirmDeclaration.insert_many(
                    [{"firm": firm.id, "declaration": d} for d in sorted(set(declaration_ids))]
                ).execute()
    except IntegrityError:
        if Firm.select().where(Firm.siret == siret).exists():
            raise Conflict(
                "Ce SIRET vient d'être inscrit sur le portail : il ne peut pas l'être deux fois."
            ) from None
        raise
    return firm, user
