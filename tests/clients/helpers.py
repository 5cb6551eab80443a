"""Builders and counters for the portfolio tests: another firm, habilitations written directly,
snapshots of what a refused action must leave untouched, and a query counter."""
import datetime

from peewee import chunked

from db import clock
from db.accounts.firms import create_firm, new_user
from db.models import (
    AuditEvent,
    Company,
    CompanyDeclaration,
    Declaration,
    DirectoryEstablishment,
    DirectoryUnit,
    Establishment,
    EstablishmentDeclaration,
    Habilitation,
    Portfolio,
    PortfolioDeclarant,
    User,
)
from db.models.accounts import ROLE_DECLARANT

PASSWORD = "Autre-Cabinet-2026"
LA_POSTE = "356000000"  # 1,762 establishments in the sample, 1,282 active
AUBADE = "775695901"  # AUBADE PARIS: 2 active establishments
DANONE = "552032534"  # in the demo's Portefeuille par défaut
CEASED = "839517323"  # RED NEEDLES, cessée
NO_ACTIVE = "338403827"  # LA POSTE unit whose 2 establishments are closed
UNKNOWN = "732829320"  # valid key, not in the sample


def make_firm(siret="12345678200010", name="CABINET AUTRE"):
    """Another firm with its administrator and a déclarant: (firm, admin, declarant)."""
    now = clock.now()
    firm, admin = create_firm(siret, name, "", {"nom": "ADMIN", "prenom": "Autre", "email": "a@autre.test",
                                                "email_validated_at": now}, PASSWORD)
    declarant = new_user(firm, "DECLA", "Autre", "d@autre.test", ROLE_DECLARANT, password=PASSWORD,
                         email_validated_at=now)
    return firm, admin, declarant


def demo_admin():
    return User.get((User.nom == "MOUTIN") & (User.prenom == "Claire"))


def demo_user(nom):
    return User.get(User.nom == nom)


def grant(user, establishments, code="DSN", declare=True, pay=False):
    d = Declaration.get(Declaration.code == code)
    at = clock.now()
    rows = [{"user": user.id, "establishment": e.id, "declaration": d.id, "declare": declare, "pay": pay,
             "granted_at": at, "active_from": at + datetime.timedelta(hours=24)} for e in establishments]
    for batch in chunked(rows, 500):
        Habilitation.insert_many(batch).execute()


def snapshot():
    """Row counts of everything an action of this issue may write."""
    models = [Portfolio, PortfolioDeclarant, Company, CompanyDeclaration, Establishment, EstablishmentDeclaration,
              Habilitation, AuditEvent, DirectoryUnit, DirectoryEstablishment]
    return {m.__name__: m.select().count() for m in models}



def add_fake_company(siren, establishments, firm=None, portfolio=None, prefix="FAKE"):
    """A company of `establishments` active establishments in the directory (and, with firm and
    portfolio, registered as a client), for tests that need sizes the sample does not have."""
    DirectoryUnit.insert(siren=siren, denomination=f"{prefix} {siren}", etat="A").execute()
    rows = [{"siret": f"{siren}{i:05d}", "siren": siren, "nic": f"{i:05d}", "is_siege": i == 1, "etat": "A",
             "numero": str(i), "type_voie": "RUE", "libelle_voie": "DU TEST", "code_postal": "75015",
             "commune": "PARIS"} for i in range(1, establishments + 1)]
    for batch in chunked(rows, 500):
        DirectoryEstablishment.insert_many(batch).execute()
    if firm is not None:
        from db.clients.writes import register_company

        return register_company(firm.id, portfolio.id, DirectoryUnit.get_by_id(siren))
    return None


def company(siren, firm_id=None):
    query = Company.select().where(Company.siren == siren)
    return query.where(Company.firm == firm_id).get() if firm_id else query.get()


def valid_siren(base):
    """A SIREN with a correct Luhn key from 8 digits: valid_siren("90000001")."""
    from stdnum import luhn

    return base + luhn.calc_check_digit(base)
