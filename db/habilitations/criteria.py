"""The search criteria of "Gérer les habilitations" and the queries of the cells they cover.

A cell is one establishment × one declaration selected for it (EstablishmentDeclaration) × one
person of the company's portfolio (PortfolioDeclarant); its Déclarer / Payer boxes are the
Habilitation row of that triple, when there is one. Every query here is scoped to the firm.
"""
from dataclasses import dataclass, field, replace

from peewee import JOIN, fn

from db import fields
from db.clients.search import matching
from db.errors import NotFound
from db.models import (
    Company,
    Declaration,
    Establishment,
    EstablishmentDeclaration,
    Habilitation,
    Portfolio,
    PortfolioDeclarant,
    User,
)
from db.models.accounts import ROLE_ADMIN, ROLE_DECLARANT

NONE = "aucun"  # "Aucun administrateur" / "Aucun déclarant"
PER_PAGE_CHOICES = (50, 100, 200, 500)
DEFAULT_PER_PAGE = 100
CRITERIA_KEYS = ("portfolio", "company", "siret", "admin", "declarant", "service")


@dataclass
class Criteria:
    """What the administrator searched for; ids are checked to belong to the firm."""

    firm_id: int
    portfolio: Portfolio = None
    company: Company = None
    siret: str = ""  # as typed: a SIRET, its beginning, or part of a name
    admin: str = ""  # "" every administrator, "aucun", or a user id
    declarant: str = ""  # "" every déclarant, "aucun", or a user id
    service: Declaration = None
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    searched: bool = False
    picked: list = field(default_factory=list)  # people chosen one by one

    def args(self, **extra):
        """The criteria as URL parameters (what the search form sends)."""
        values = {
            "portfolio": self.portfolio.id if self.portfolio else "",
            "company": self.company.id if self.company else "",
            "siret": self.siret,
            "admin": self.admin,
            "declarant": self.declarant,
            "service": self.service.id if self.service else "",
            "per_page": self.per_page if self.per_page != DEFAULT_PER_PAGE else "",
        }
        values.update(extra)
        return {k: v for k, v in values.items() if v not in ("", None)}

    def summary(self, people):
        """The criteria in one line once a search ran (people: the firm's, to name the one chosen):
        "Portefeuille CLIENTS · Tous les administrateurs · DURAND Paul · DSN"."""
        names = {str(person.id): person.full_name for person in people}
        parts = [f"Entreprise {self.company.name}" if self.company else
                 f"Portefeuille {self.portfolio.name}" if self.portfolio else "Tous les portefeuilles"]
        if self.siret:
            parts.append(f"«\u202f{self.siret}\u202f»")
        for value, everyone, nobody in ((self.admin, "Tous les administrateurs", "Aucun administrateur"),
                                        (self.declarant, "Tous les déclarants", "Aucun déclarant")):
            parts.append(nobody if value == NONE else names.get(value, everyone))
        parts.append(self.service.label if self.service else "Tous les services")
        return " · ".join(parts)

    def roles(self):
        """Roles of the people listed when nobody was picked one by one."""
        roles = set()
        if self.admin != NONE:
            roles.add(ROLE_ADMIN)
        if self.declarant != NONE:
            roles.add(ROLE_DECLARANT)
        return roles


def _id(value):
    """A queried identifier: None when blank; a value that is not an id names nothing (404)."""
    if not str(value if value is not None else "").strip():
        return None
    record = fields.record_id(value)
    if record is None:
        raise NotFound()
    return record


def _person(actor, value):
    text = (value or "").strip()
    if text in ("", NONE):
        return text
    user_id = _id(text)
    if not User.select().where((User.id == user_id) & (User.firm == actor.firm_id)).exists():
        raise NotFound()
    return str(user_id)


def parse(actor, args, with_paging=True):
    """Criteria from request values; an identifier of another firm (or of nothing) is NotFound."""
    criteria = Criteria(firm_id=actor.firm_id)
    company_id = _id(args.get("company"))
    if company_id is not None:
        criteria.company = (
            Company.select(Company, Portfolio).join(Portfolio)
            .where((Company.id == company_id) & (Company.firm == actor.firm_id)).first()
        )
        if criteria.company is None:
            raise NotFound()
        criteria.portfolio = criteria.company.portfolio
    portfolio_id = _id(args.get("portfolio"))
    if portfolio_id is not None and criteria.company is None:
        criteria.portfolio = Portfolio.get_or_none(
            (Portfolio.id == portfolio_id) & (Portfolio.firm == actor.firm_id))
        if criteria.portfolio is None:
            raise NotFound()
    criteria.siret = " ".join((args.get("siret") or "").split())[:100]
    criteria.admin = _person(actor, args.get("admin"))
    criteria.declarant = _person(actor, args.get("declarant"))
    criteria.picked = [int(v) for v in (criteria.admin, criteria.declarant) if v.isdigit()]
    service_id = _id(args.get("service"))
    if service_id is not None:
        criteria.service = Declaration.get_or_none(Declaration.id == service_id)
        if criteria.service is None:
            raise NotFound()
    criteria.searched = bool(args.get("search") or any(args.get(k) for k in CRITERIA_KEYS))
    if with_paging:
        page = (args.get("page") or "").strip()
        criteria.page = int(page) if page.isdecimal() and len(page) < 10 and int(page) > 0 else 1
        per_page = (args.get("per_page") or "").strip()
        chosen = int(per_page) if per_page.isdecimal() and len(per_page) < 10 else None
        criteria.per_page = chosen if chosen in PER_PAGE_CHOICES else DEFAULT_PER_PAGE
    return criteria


def people_condition(criteria, user_ids=None):
    """Who the cells list: the people picked one by one, else everybody of the chosen roles."""
    condition = (User.firm == criteria.firm_id) & User.is_active
    if user_ids is not None:
        return condition & User.id.in_(list(user_ids))
    if criteria.picked:
        return condition & User.id.in_(criteria.picked)
    return condition & User.role.in_(sorted(criteria.roles()) or ["-"])


def pairs_query(criteria, *columns):
    """Establishment × selected declaration pairs matching the criteria (people aside)."""
    query = (
        EstablishmentDeclaration.select(*columns)
        .join(Establishment, on=(EstablishmentDeclaration.establishment == Establishment.id))
        .join(Company, on=(Establishment.company == Company.id))
        .switch(EstablishmentDeclaration)
        .join(Declaration, on=(EstablishmentDeclaration.declaration == Declaration.id))
        .where((Establishment.firm == criteria.firm_id) & Declaration.is_active)
    )
    return scoped(query, criteria, EstablishmentDeclaration.declaration)


def scoped(query, criteria, declaration):
    """A query joined to Establishment and Company kept to the criteria's company or portfolio, service
    (on its `declaration` column) and search box."""
    if criteria.company is not None:
        query = query.where(Establishment.company == criteria.company.id)
    elif criteria.portfolio is not None:
        query = query.where(Company.portfolio == criteria.portfolio.id)
    if criteria.service is not None:
        query = query.where(declaration == criteria.service.id)
    return _siret_filter(query, criteria.siret)


def _siret_filter(query, term):
    """The establishments the search box names: SIRET or its beginning, enseigne, address, company."""
    condition = matching(term, Establishment)
    return query if condition is None else query.where(condition)



def for_service(criteria, declaration):
    """The criteria narrowed to one service (a column of the matrix grid)."""
    return replace(criteria, service=declaration)


def cells_query(criteria, *columns, user_ids=None, with_habilitation=True):
    """Cells matching the criteria: pairs × people of the portfolio, with the Habilitation row
    (LEFT JOIN: NULL when no box is ticked)."""
    query = (
        pairs_query(criteria, *columns)
        .join(PortfolioDeclarant, on=(PortfolioDeclarant.portfolio == Company.portfolio))
        .join(User, on=(PortfolioDeclarant.user == User.id))
        .where(people_condition(criteria, user_ids))
    )
    if with_habilitation:
        query = query.join(
            Habilitation, JOIN.LEFT_OUTER,
            on=(
                (Habilitation.establishment == EstablishmentDeclaration.establishment)
                & (Habilitation.declaration == EstablishmentDeclaration.declaration)
                & (Habilitation.user == User.id)
            ),
        )
    return query


def firm_criteria(actor, **values):
    """Criteria covering the whole firm (every person), narrowed by values (portfolio=…)."""
    criteria = Criteria(firm_id=actor.firm_id, searched=True)
    for key, value in values.items():
        setattr(criteria, key, value)
    return criteria


CELL_COLUMNS = (
    Establishment.id, Establishment.siret, Establishment.name, Declaration.id, Declaration.code,
    Declaration.label, Declaration.has_payment, Declaration.access_delay_hours, User.id, User.nom,
    User.prenom, Habilitation.id, Habilitation.declare, Habilitation.pay,
)


def coalesce_false(column):
    return fn.COALESCE(column, False)
