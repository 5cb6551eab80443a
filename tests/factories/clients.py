"""Portfolios and client companies written directly (the rows the portal writes, in bulk), and a
snapshot of what a refused action must leave untouched."""
from peewee import chunked

from db import counts, models
from db.clients.search import refresh_search_text
from db.clients.writes import recount_declarations
from db.database import database
from db.models import PORTFOLIO_COMPANIES, PORTFOLIO_ESTABLISHMENTS
from db.text import fold
from tests.factories.declarations import declaration


def make_portfolio(firm, name, codes=(), people=()):
    """A portfolio selecting the declarations `codes`, with `people` as its déclarants."""
    portfolio = models.Portfolio.create(firm=firm, name=name, name_key=fold(name))
    if codes:
        models.PortfolioDeclaration.insert_many(
            [{"portfolio": portfolio.id, "declaration": declaration(c).id} for c in codes]
        ).execute()
    if people:
        models.PortfolioDeclarant.insert_many(
            [{"portfolio": portfolio.id, "user": u.id} for u in people]
        ).execute()
    return portfolio


def make_company(firm, portfolio, siren, establishments=2, codes=None, name=None):
    """A client with `establishments` establishments (SIRET = siren + 00001…, the first is the
    siège), each with the declarations `codes`: by default the portfolio's, as adding a company does.
    The portfolio's counts follow, as db/clients/writes.py keeps them."""
    with database.atomic():
        return _make_company(firm, portfolio, siren, establishments, codes, name)


def _make_company(firm, portfolio, siren, establishments, codes, name):
    company = models.Company.create(
        firm=firm, portfolio=portfolio, siren=siren, name=name or f"SOCIETE {siren}"
    )
    rows = [
        {"firm": firm.id, "company": company.id, "siret": f"{siren}{i + 1:05d}", "name": f"ETS {i + 1}",
         "address": f"{i + 1} RUE DU TEST 75015 PARIS", "street": f"{i + 1} RUE DU TEST", "postcode": "75015",
         "town": "PARIS", "is_siege": i == 0}
        for i in range(establishments)
    ]
    for batch in chunked(rows, 500):
        models.Establishment.insert_many(batch).execute()
    refresh_search_text(models.Establishment.company == company.id)
    counts.add(PORTFOLIO_COMPANIES, {portfolio.id: 1})
    counts.add(PORTFOLIO_ESTABLISHMENTS, {portfolio.id: establishments})
    if codes is None:
        link = models.PortfolioDeclaration
        ids = [r.declaration_id for r in link.select().where(link.portfolio == portfolio.id)]
    else:
        ids = [declaration(c).id for c in codes]
    if ids:
        models.CompanyDeclaration.insert_many(
            [{"company": company.id, "declaration": i} for i in ids]
        ).execute()
        pairs = [{"establishment": e.id, "declaration": i} for e in company.establishments for i in ids]
        for batch in chunked(pairs, 500):
            models.EstablishmentDeclaration.insert_many(batch).execute()
    counts.add(models.COMPANY_ESTABLISHMENTS, {company.id: establishments})
    recount_declarations([company.id])
    return company


SNAPSHOT = (
    "Portfolio",
    "PortfolioDeclarant",
    "Company",
    "CompanyDeclaration",
    "Establishment",
    "EstablishmentDeclaration",
    "Habilitation",
    "AuditEvent",
    "DirectoryUnit",
    "DirectoryEstablishment",
)


def snapshot():
    """Row counts of everything an action on portfolios and clients may write."""
    return {name: getattr(models, name).select().count() for name in SNAPSHOT}


def portfolio_ids(**names):
    """Ids of portfolios by name, read in a connection of their own (view tests):
    portfolio_ids(c="CLIENTS PME")["c"]."""
    with database.connection_context():
        return {key: models.Portfolio.get(models.Portfolio.name == name).id for key, name in names.items()}
