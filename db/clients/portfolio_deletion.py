"""Deleting a portfolio: what it really holds (the page that asks to confirm says it), and the
deletion itself, only of an empty portfolio other than the Portefeuille par défaut."""
from dataclasses import dataclass

from db import audit
from db.clients.portfolios import get_portfolio
from db.database import database
from db.errors import Invalid
from db.models import (
    Company,
    Establishment,
    Habilitation,
    Portfolio,
    PortfolioDeclarant,
    PortfolioDeclaration,
)


@dataclass
class DeletionPlan:
    """What the portfolio holds, for the page that asks to confirm its deletion."""

    portfolio: Portfolio
    companies: int
    establishments: int
    declarants: int
    declarations: int
    habilitations: int

    @property
    def allowed(self):
        return not self.portfolio.is_default and not self.companies


def plan_deletion(actor, portfolio_id):
    """The real content of the portfolio: a deletion is possible only when it holds no company."""
    portfolio = get_portfolio(actor, portfolio_id)
    establishments = (Establishment.select(Establishment.id)
                      .join(Company, on=(Establishment.company == Company.id))
                      .where(Company.portfolio == portfolio.id))
    return DeletionPlan(
        portfolio,
        Company.select().where(Company.portfolio == portfolio.id).count(),
        establishments.count(),
        PortfolioDeclarant.select().where(PortfolioDeclarant.portfolio == portfolio.id).count(),
        PortfolioDeclaration.select().where(PortfolioDeclaration.portfolio == portfolio.id).count(),
        Habilitation.select().where(Habilitation.establishment.in_(establishments)).count(),
    )


def delete_portfolio(actor, portfolio_id):
    """Delete an empty portfolio other than the default one."""
    portfolio = get_portfolio(actor, portfolio_id)
    if portfolio.is_default:
        raise Invalid({"__all__": "Le « Portefeuille par défaut » ne peut pas être supprimé."})
    count = Company.select().where(Company.portfolio == portfolio.id).count()
    if count:
        raise Invalid({"__all__": f"Le portefeuille « {portfolio.name} » contient {count} entreprise(s) : "
                                  "transférez-les ou retirez-les avant de le supprimer."})
    with database.atomic():
        audit.record(actor, "portfolio.delete", f"Portefeuille « {portfolio.name} » supprimé", obj=portfolio,
                     before={"nom": portfolio.name, "commentaire": portfolio.comment})
        PortfolioDeclarant.delete().where(PortfolioDeclarant.portfolio == portfolio.id).execute()
        Portfolio.delete().where(Portfolio.id == portfolio.id).execute()
    return portfolio
