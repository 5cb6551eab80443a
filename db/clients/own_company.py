"""The firm is its own first client: its company (the SIREN of the SIRET it registered with) in its
Portefeuille par défaut, with the declarations it files for itself.

settle() is what the inscription does once the firm exists; own_company() finds it again for
"Gérer les déclarations" and "Gérer les établissements" of the Gestion menu (the company may have been
moved to another portfolio, or removed: then add_own_company() puts it back).
"""
from db import audit
from db.access import require_admin
from db.clients import composition
from db.clients.writes import register_company
from db.habilitations import writes
from db.habilitations.criteria import firm_criteria
from db.habilitations.edits import DECLARE, PAY, Edits
from db.habilitations.grid import version
from db.identifiers import format_siren
from db.models import (
    Company,
    DirectoryUnit,
    Establishment,
    Firm,
    Portfolio,
    PortfolioDeclarant,
    PortfolioDeclaration,
)


def default_portfolio(firm_id):
    return Portfolio.get((Portfolio.firm == firm_id) & Portfolio.is_default)


def own_company(actor):
    """The firm's own company, with its portfolio, wherever it is; None when it is in no portfolio."""
    require_admin(actor)
    firm = Firm.get_by_id(actor.firm_id)
    return (Company.select(Company, Portfolio).join(Portfolio)
            .where((Company.firm == firm.id) & (Company.siren == firm.siret[:9])).first())


def is_multi(company):
    """More than one registered establishment (the pages then list them first)."""
    return Establishment.select().where(Establishment.company == company.id).limit(2).count() > 1


def add_own_company(actor, online=None):
    """Put the firm's company back into its Portefeuille par défaut, as "Ajouter une entreprise" does."""
    require_admin(actor)
    firm = Firm.get_by_id(actor.firm_id)
    return composition.add_company(actor, default_portfolio(firm.id).id, firm.siret[:9], online)


def settle(admin, declarations, grants, delay_override=None):
    """At inscription, inside its transaction: the firm's company and its active establishments go
    into the Portefeuille par défaut with the declarations chosen; every person of grants becomes a
    déclarant of that portfolio with the rights asked for, usable after the access delay.

    grants: [(user, declare, pay)]; pay only applies to declarations that carry payment.
    Returns the Company, or None when the directory does not know the SIREN.
    """
    firm = Firm.get_by_id(admin.firm_id)
    unit = DirectoryUnit.get_or_none(DirectoryUnit.siren == firm.siret[:9])
    if unit is None:
        return None
    portfolio = default_portfolio(firm.id)
    if declarations:
        PortfolioDeclaration.insert_many(
            [{"portfolio": portfolio.id, "declaration": d.id} for d in declarations]
        ).on_conflict_ignore().execute()
    company = register_company(firm.id, portfolio.id, unit)
    PortfolioDeclarant.insert_many(
        [{"portfolio": portfolio.id, "user": user.id} for user, _, _ in grants]
    ).on_conflict_ignore().execute()
    establishments = [i for (i,) in Establishment.select(Establishment.id)
                      .where(Establishment.company == company.id).tuples()]
    audit.record(admin, "company.add",
                 f"{company.name} ({format_siren(company.siren)}), votre entreprise, ajoutée au portefeuille "
                 f"« {portfolio.name} » : {len(establishments)} établissement(s)",
                 obj=company, after={"siren": company.siren, "raison sociale": company.name,
                                     "portefeuille": portfolio.name, "établissements": len(establishments),
                                     "déclarations": [d.code for d in declarations]})
    edits = Edits()
    for user, declare, pay in grants:
        for declaration in declarations:
            boxes = {DECLARE: True} if declare else {}
            if pay and declaration.has_payment:
                boxes[PAY] = True
            for establishment_id in establishments if boxes else ():
                edits.cells[(establishment_id, declaration.id, user.id)] = boxes
    if edits.cells:
        writes.apply(admin, firm_criteria(admin, portfolio=portfolio), edits,
                     version(), delay_override)
    return company
