"""The set-based writes that put a client company and its establishments into a portfolio.

Callers validate first (see the portfolio operations); these functions only write, inside the
caller's transaction, with a constant number of queries whatever the number of establishments.
"""
from peewee import Value, chunked, fn

from db import clock
from db.models import (
    Company,
    CompanyDeclaration,
    Establishment,
    EstablishmentDeclaration,
    PortfolioDeclaration,
)

INSERT_CHUNK = 500


def establishment_row(firm_id, company_id, entry, now):
    """An Establishment row from a directory establishment."""
    return {
        "firm": firm_id,
        "company": company_id,
        "siret": entry.siret,
        "name": entry.enseigne or entry.denomination_usuelle or "",
        "address": entry.address,
        "is_siege": bool(entry.is_siege),
        "is_active": entry.is_active,
        "registered_at": now,
    }


def register_company(firm_id, portfolio_id, unit, establishments):
    """Create the company, its establishments and the declarations it inherits from the portfolio.

    establishments: directory rows to register (normally all the active ones). Returns the Company.
    """
    now = clock.now()
    company = Company.create(firm=firm_id, portfolio=portfolio_id, siren=unit.siren, name=unit.name, added_at=now)
    rows = [establishment_row(firm_id, company.id, e, now) for e in establishments]
    for batch in chunked(rows, INSERT_CHUNK):
        Establishment.insert_many(batch).execute()
    inherit_portfolio_declarations(company)
    return company


def inherit_portfolio_declarations(company, establishment_ids=None):
    """Give the company (and its establishments, or only establishment_ids) the portfolio's
    declarations, in two INSERT … SELECT statements."""
    existing = CompanyDeclaration.select(CompanyDeclaration.declaration).where(
        CompanyDeclaration.company == company.id
    )
    CompanyDeclaration.insert_from(
        PortfolioDeclaration.select(Value(company.id), PortfolioDeclaration.declaration).where(
            (PortfolioDeclaration.portfolio == company.portfolio_id)
            & PortfolioDeclaration.declaration.not_in(existing)
        ),
        [CompanyDeclaration.company, CompanyDeclaration.declaration],
    ).execute()
    targets = Establishment.select(Establishment.id).where(Establishment.company == company.id)
    if establishment_ids is not None:
        targets = targets.where(Establishment.id.in_(list(establishment_ids)))
    pairs = (
        Establishment.select(Establishment.id, PortfolioDeclaration.declaration)
        .join(PortfolioDeclaration, on=(PortfolioDeclaration.portfolio == company.portfolio_id))
        .where(Establishment.id.in_(targets))
        .where(
            ~fn.EXISTS(
                EstablishmentDeclaration.select(EstablishmentDeclaration.id).where(
                    (EstablishmentDeclaration.establishment == Establishment.id)
                    & (EstablishmentDeclaration.declaration == PortfolioDeclaration.declaration)
                )
            )
        )
    )
    EstablishmentDeclaration.insert_from(
        pairs, [EstablishmentDeclaration.establishment, EstablishmentDeclaration.declaration]
    ).execute()

