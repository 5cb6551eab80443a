"""Builders for the declarations tests: firms, clients and habilitations written directly, and a
query counter around the database's execute_sql."""
import datetime

from peewee import chunked

from db import clock
from db.accounts.firms import create_firm, new_user
from db.models import (
    Company,
    CompanyDeclaration,
    Declaration,
    Establishment,
    EstablishmentDeclaration,
    Habilitation,
    Portfolio,
    PortfolioDeclaration,
)
from db.models.accounts import ROLE_DECLARANT
from db.text import fold

PASSWORD = "Autre-Cabinet-2026"


def declaration(code):
    return Declaration.get(Declaration.code == code)


def make_firm(siret="12345678200010", name="CABINET AUTRE"):
    """A firm with its administrator and one déclarant: (firm, admin, declarant)."""
    validated = clock.now()
    firm, admin = create_firm(siret, name, "", {"nom": "ADMIN", "prenom": "Autre", "email": "a@autre.test",
                                                "email_validated_at": validated}, PASSWORD)
    declarant = new_user(firm, "DECLA", "Autre", "d@autre.test", ROLE_DECLARANT, password=PASSWORD,
                         email_validated_at=validated)
    return firm, admin, declarant


def make_portfolio(firm, name, codes=()):
    portfolio = Portfolio.create(firm=firm, name=name, name_key=fold(name))
    if codes:
        PortfolioDeclaration.insert_many(
            [{"portfolio": portfolio.id, "declaration": declaration(c).id} for c in codes]
        ).execute()
    return portfolio


def make_company(firm, portfolio, siren, establishments=2, codes=None, name=None):
    """A client with `establishments` establishments; codes default to the portfolio's declarations
    (what adding a company does), given to the company and all its establishments."""
    company = Company.create(firm=firm, portfolio=portfolio, siren=siren, name=name or f"SOCIETE {siren}")
    rows = [
        {"firm": firm.id, "company": company.id, "siret": f"{siren}{i + 1:05d}", "name": f"ETS {i + 1}",
         "address": f"{i + 1} RUE DU TEST 75015 PARIS", "is_siege": i == 0}
        for i in range(establishments)
    ]
    for batch in chunked(rows, 500):
        Establishment.insert_many(batch).execute()
    if codes is None:
        ids = [r.declaration_id for r in PortfolioDeclaration.select().where(PortfolioDeclaration.portfolio == portfolio.id)]
    else:
        ids = [declaration(c).id for c in codes]
    if ids:
        CompanyDeclaration.insert_many([{"company": company.id, "declaration": i} for i in ids]).execute()
        EstablishmentDeclaration.insert_many(
            [{"establishment": e.id, "declaration": i} for e in company.establishments for i in ids]
        ).execute()
    return company


def grant(user, establishments, code, declare=True, pay=False, at=None):
    """Habilitations of user on establishments for the declaration, granted at `at` (now by default)."""
    d = declaration(code)
    at = at or clock.now()
    active = at + datetime.timedelta(hours=d.access_delay_hours)
    rows = [
        {"user": user.id, "establishment": e.id, "declaration": d.id, "declare": declare, "pay": pay,
         "granted_at": at if declare else None, "active_from": active if declare else None,
         "pay_granted_at": at if pay else None, "pay_active_from": active if pay else None}
        for e in establishments
    ]
    for batch in chunked(rows, 500):
        Habilitation.insert_many(batch).execute()


def selected_codes(link, owner_field, owner_id):
    return sorted(
        r.declaration.code for r in link.select(link, Declaration).join(Declaration).where(owner_field == owner_id)
    )

