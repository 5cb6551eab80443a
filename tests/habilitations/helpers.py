"""Builders for the habilitation tests: a firm with portfolios, clients, declarations and people
written directly (and the shared query counter)."""
from types import SimpleNamespace

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
    PortfolioDeclarant,
    PortfolioDeclaration,
    User,
)
from db.models.accounts import ROLE_DECLARANT
from db.text import fold

PASSWORD = "Cabinet-Test-2026"


def declaration(code):
    return Declaration.get(Declaration.code == code)


def make_firm(siret="12345678200010", name="CABINET TEST", people=("DURAND Paul", "LEROY Sophie")):
    """A firm, its administrator (ADMIN Alice) and déclarants: SimpleNamespace(firm, admin, people)."""
    now = clock.now()
    firm, admin = create_firm(siret, name, "", {"nom": "ADMIN", "prenom": "Alice", "email": "admin@test.test",
                                                "email_validated_at": now}, PASSWORD)
    declarants = []
    for full in people:
        nom, prenom = full.split(" ", 1)
        declarants.append(new_user(firm, nom, prenom, f"{fold(prenom)}@test.test", ROLE_DECLARANT,
                                   password=PASSWORD, email_validated_at=now))
    return SimpleNamespace(firm=firm, admin=admin, people=declarants)


def make_portfolio(firm, name, codes=(), people=()):
    portfolio = Portfolio.create(firm=firm, name=name, name_key=fold(name))
    if codes:
        PortfolioDeclaration.insert_many(
            [{"portfolio": portfolio.id, "declaration": declaration(c).id} for c in codes]
        ).execute()
    if people:
        PortfolioDeclarant.insert_many([{"portfolio": portfolio.id, "user": u.id} for u in people]).execute()
    return portfolio


def make_company(firm, portfolio, siren, establishments=2, codes=None, name=None):
    """A client with `establishments` establishments (SIRET = siren + 00001…), each with the
    declarations `codes` (default: the portfolio's)."""
    company = Company.create(firm=firm, portfolio=portfolio, siren=siren, name=name or f"SOCIETE {siren}")
    rows = [
        {"firm": firm.id, "company": company.id, "siret": f"{siren}{i + 1:05d}", "name": f"ETS {i + 1}",
         "address": "", "is_siege": i == 0}
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
        pairs = [{"establishment": e.id, "declaration": i} for e in company.establishments for i in ids]
        for batch in chunked(pairs, 500):
            EstablishmentDeclaration.insert_many(batch).execute()
    return company


def world():
    """A firm with two portfolios:
    - "GRANDS COMPTES" (DSN with payment, DPAE without) with ADMIN Alice, DURAND Paul and LEROY Sophie,
      clients 100000001 (3 establishments) and 100000002 (2);
    - "PETITS" (DSN) with DURAND Paul only, client 200000001 (1 establishment).
    Plus another firm with its own client 900000001 and déclarant."""
    t = make_firm()
    t.paul, t.sophie = t.people
    t.big = make_portfolio(t.firm, "GRANDS COMPTES", ["DSN", "DPAE"], [t.admin, t.paul, t.sophie])
    t.small = make_portfolio(t.firm, "PETITS", ["DSN"], [t.paul])
    t.acme = make_company(t.firm, t.big, "100000001", 3, name="ACME")
    t.beta = make_company(t.firm, t.big, "100000002", 2, name="BETA")
    t.gamma = make_company(t.firm, t.small, "200000001", 1, name="GAMMA")
    other = make_firm(siret="98765432100014", name="AUTRE CABINET", people=("MARTIN Luc",))
    t.other = other
    t.other_portfolio = make_portfolio(other.firm, "AILLEURS", ["DSN"], [other.admin, *other.people])
    t.other_company = make_company(other.firm, t.other_portfolio, "900000001", 1)
    return t


def establishments(company):
    return list(Establishment.select().where(Establishment.company == company.id).order_by(Establishment.siret))


def key(establishment, code, user):
    return f"{establishment.id}-{declaration(code).id}-{user.id}"


def habilitation(establishment, code, user):
    return Habilitation.get_or_none(
        (Habilitation.establishment == establishment.id) & (Habilitation.declaration == declaration(code).id)
        & (Habilitation.user == user.id)
    )


def user(nom):
    return User.get(User.nom == nom)
