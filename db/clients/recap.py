"""Le récapitulatif: portfolios, companies, establishments, declarations, déclarants and
habilitations of one portfolio or of the whole firm, for the screen, print and CSV export.

The screen version is built with a fixed number of queries (grouped counts, and at most
ESTABLISHMENTS_SHOWN establishments per company through a window function); the CSV streams one
line per habilitation (or per establishment without any).
"""
from collections import defaultdict
from dataclasses import dataclass, field

from peewee import JOIN, Case, fn

from db import clock
from db.access import require_admin
from db.clients.portfolios import get_portfolio
from db.models import (
    Company,
    CompanyDeclaration,
    Declaration,
    Establishment,
    Firm,
    Habilitation,
    Portfolio,
    PortfolioDeclarant,
    PortfolioDeclaration,
    User,
)

ESTABLISHMENTS_SHOWN = 20


@dataclass
class CompanyRecap:
    company: Company
    establishments: int = 0
    declarations: list = field(default_factory=list)
    shown: list = field(default_factory=list)  # first establishments, siège first
    rights: list = field(default_factory=list)  # [(user name, declaration label, declare n, pay n)]

    @property
    def kind(self):
        return "Multi-établissement" if self.establishments > 1 else "Mono-établissement"


@dataclass
class PortfolioRecap:
    portfolio: Portfolio
    declarants: list = field(default_factory=list)
    declarations: list = field(default_factory=list)
    companies: list = field(default_factory=list)

    @property
    def establishments(self):
        return sum(c.establishments for c in self.companies)


@dataclass
class Recap:
    firm: Firm
    generated_at: object
    portfolios: list
    scope: Portfolio = None

    @property
    def totals(self):
        companies = [c for p in self.portfolios for c in p.companies]
        return {"portefeuilles": len(self.portfolios), "entreprises": len(companies),
                "établissements": sum(c.establishments for c in companies),
                "habilitations": sum(r[2] + r[3] for c in companies for r in c.rights)}


def _scope(actor, portfolio_id):
    require_admin(actor)
    if portfolio_id is None:
        return None, Portfolio.select().where(Portfolio.firm == actor.firm_id)
    portfolio = get_portfolio(actor, portfolio_id)
    return portfolio, Portfolio.select().where(Portfolio.id == portfolio.id)


def build_recap(actor, portfolio_id=None):
    """The récapitulatif of one portfolio (portfolio_id) or of the firm (None)."""
    scope, portfolios = _scope(actor, portfolio_id)
    recaps = {
        p.id: PortfolioRecap(p) for p in portfolios.order_by(Portfolio.is_default.desc(), Portfolio.name_key)
    }
    ids = list(recaps)
    for link in (PortfolioDeclarant.select(PortfolioDeclarant, User).join(User)
                 .where(PortfolioDeclarant.portfolio.in_(ids)).order_by(User.nom_key, User.prenom_key)):
        recaps[link.portfolio_id].declarants.append(link.user.full_name)
    for pid, label in (PortfolioDeclaration.select(PortfolioDeclaration.portfolio, Declaration.label)
                       .join(Declaration).where(PortfolioDeclaration.portfolio.in_(ids))
                       .order_by(Declaration.position).tuples()):
        recaps[pid].declarations.append(label)
    companies = {c.id: CompanyRecap(c) for c in Company.select().where(Company.portfolio.in_(ids))
                 .order_by(Company.name, Company.siren)}
    for recap in companies.values():
        recaps[recap.company.portfolio_id].companies.append(recap)
    _fill_companies(Company.select(Company.id).where(Company.portfolio.in_(ids)), companies)
    return Recap(Firm.get_by_id(actor.firm_id), clock.now(), list(recaps.values()), scope)


def _fill_companies(company_ids, companies):
    if not companies:
        return
    firm_establishments = Establishment.company.in_(company_ids)
    for cid, count in (Establishment.select(Establishment.company, fn.COUNT(Establishment.id))
                       .where(firm_establishments).group_by(Establishment.company).tuples()):
        if cid in companies:
            companies[cid].establishments = count
    for cid, label in (
        CompanyDeclaration.select(CompanyDeclaration.company, Declaration.label)
        .join(Declaration)
        .where(CompanyDeclaration.company.in_(company_ids))
        .order_by(Declaration.position)
        .tuples()
    ):
        if cid in companies:
            companies[cid].declarations.append(label)
    rank = fn.ROW_NUMBER().over(partition_by=[Establishment.company],
                                order_by=[Establishment.is_siege.desc(), Establishment.siret])
    ranked = Establishment.select(Establishment, rank.alias("rank")).where(firm_establishments)
    shown = (Establishment.select(ranked.c.company_id, ranked.c.siret, ranked.c.address, ranked.c.is_siege,
                                  ranked.c.is_active)
             .from_(ranked).where(ranked.c.rank <= ESTABLISHMENTS_SHOWN)
             .order_by(ranked.c.company_id, ranked.c.rank).tuples())
    for cid, siret, address, is_siege, is_active in shown:
        if cid in companies:
            companies[cid].shown.append((siret, address, bool(is_siege), bool(is_active)))
    rights = (
        Habilitation.select(
            Establishment.company,
            User.nom,
            User.prenom,
            Declaration.label,
            _count_true(Habilitation.declare),
            _count_true(Habilitation.pay),
        )
        .join(Establishment)
        .join_from(Habilitation, User)
        .join_from(Habilitation, Declaration)
        .where(firm_establishments)
        .group_by(Establishment.company, User.id, User.nom, User.prenom, Declaration.id, Declaration.label)
        .order_by(User.nom, User.prenom, Declaration.label)
        .tuples()
    )
    for cid, nom, prenom, label, declare, pay in rights:
        if cid in companies:
            companies[cid].rights.append((f"{nom.upper()} {prenom}", label, int(declare or 0), int(pay or 0)))


def _count_true(column):
    return fn.SUM(Case(None, [(column, 1)], 0))


CSV_HEADER = ["Portefeuille", "SIREN", "Raison sociale", "Type", "SIRET", "Siège", "État", "Adresse",
              "Déclarant", "Déclaration", "Déclarer", "Payer", "Déclarer accessible le",
              "Payer accessible le"]


def csv_rows(actor, portfolio_id=None):
    """Tuples for the CSV export, streamed: one per habilitation, or one per establishment that
    has none (déclarant columns empty). Dates are left as datetimes for the caller to format."""
    scope, portfolios = _scope(actor, portfolio_id)
    query = (
        Establishment.select(
            Portfolio.name,
            Company.siren,
            Company.name,
            Establishment.siret,
            Establishment.is_siege,
            Establishment.is_active,
            Establishment.address,
            User.nom,
            User.prenom,
            Declaration.label,
            Habilitation.declare,
            Habilitation.pay,
            Habilitation.active_from,
            Habilitation.pay_active_from,
        )
        .join(Company, on=(Establishment.company == Company.id))
        .join(Portfolio, on=(Company.portfolio == Portfolio.id))
        .join_from(
            Establishment, Habilitation, JOIN.LEFT_OUTER, on=(Habilitation.establishment == Establishment.id)
        )
        .join_from(Habilitation, User, JOIN.LEFT_OUTER, on=(Habilitation.user == User.id))
        .join_from(
            Habilitation, Declaration, JOIN.LEFT_OUTER, on=(Habilitation.declaration == Declaration.id)
        )
        .where((Establishment.firm == actor.firm_id) & Company.portfolio.in_(portfolios.select(Portfolio.id)))
        .order_by(
            Portfolio.name_key,
            Company.name,
            Company.siren,
            Establishment.is_siege.desc(),
            Establishment.siret,
            User.nom_key,
            User.prenom_key,
            Declaration.position,
        )
    )
    counts = defaultdict(int, Establishment.select(Company.siren, fn.COUNT(Establishment.id))
                         .join(Company, on=(Establishment.company == Company.id))
                         .where(Establishment.firm == actor.firm_id).group_by(Company.siren).tuples())
    for row in query.tuples().iterator():
        yield (row[0], row[1], row[2], "Multi-établissement" if counts[row[1]] > 1 else "Mono-établissement",
               *row[3:])
