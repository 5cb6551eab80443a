"""The matrix grid of Gérer les habilitations: one line per establishment and a column group
(Déclarer, Payer) per service, for one déclarant ("par déclarant"); or, when the search names one
SIRET, one line per person of its portfolio ("par établissement").

This module reads the criteria (what the search form sends) and checks every identifier to be the
firm's; matrix_rows.py reads a page. A column tick covers every result of the criteria, on every
page: cell_criteria() gives the criteria of habilitations/criteria.py that the plan and the writes
use for it, so that Valider changes exactly the cells the grid shows.
"""
from dataclasses import dataclass, field

from db.clients.search import siret_digits
from db.errors import NotFound
from db.habilitations.criteria import NONE, Criteria, _id
from db.models import (
    Company,
    CompanyDeclaration,
    Declaration,
    Establishment,
    Portfolio,
    PortfolioDeclarant,
    PortfolioDeclaration,
    User,
)
from db.prepared import ints, shaped

PER_PAGE_CHOICES = (25, 50, 100, 200)
DEFAULT_PER_PAGE = 100
BY_DECLARANT, BY_ESTABLISHMENT = "declarant", "etablissement"
KEYS = ("portfolio", "company", "q", "declarant", "service", "per_page")


@dataclass
class MatrixCriteria:
    firm_id: int
    portfolio: Portfolio = None
    company: Company = None
    q: str = ""  # an establishment: SIRET or its beginning, enseigne, address, postcode, town, company
    declarant: User = None
    services: list = field(default_factory=list)  # the Declarations chosen (none: every one offered)
    offered: list = field(default_factory=list)  # the Declarations of the portfolios searched
    establishment: Establishment = None  # the one SIRET searched: the grid "par établissement"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    searched: bool = False

    @property
    def view(self):
        if self.establishment is not None:
            return BY_ESTABLISHMENT
        return BY_DECLARANT if self.declarant is not None else None

    @property
    def columns(self):
        """The services shown, in the catalogue's order."""
        return self.services or self.offered

    def args(self, **extra):
        """The criteria as URL parameters (what the search form sends)."""
        values = {
            "portfolio": self.portfolio.id if self.portfolio and not self.company else "",
            "company": self.company.id if self.company else "",
            "q": self.q,
            "declarant": self.declarant.id if self.declarant else "",
            "service": [d.id for d in self.services],
            "per_page": self.per_page if self.per_page != DEFAULT_PER_PAGE else "",
        }
        values.update(extra)
        return {k: v for k, v in values.items() if v not in ("", None, [])}

    def list_args(self):
        """The same search in « Vue liste » (its criteria: siret for the search, one person, one service)."""
        values = {"portfolio": self.portfolio.id if self.portfolio and not self.company else "",
                  "company": self.company.id if self.company else "", "siret": self.q,
                  "service": self.services[0].id if len(self.services) == 1 else ""}
        if self.declarant is not None:
            values["admin" if self.declarant.role == "admin" else "declarant"] = self.declarant.id
        return {k: v for k, v in values.items() if v not in ("", None)}

    def summary(self):
        """The criteria in one line, once a search ran: "Portefeuille CLIENTS · DURAND Paul · 3 services"."""
        parts = [f"Entreprise {self.company.name}" if self.company else
                 f"Portefeuille {self.portfolio.name}" if self.portfolio else "Tous les portefeuilles"]
        if self.q:
            parts.append(f"« {self.q} »")
        if self.declarant is not None:
            parts.append(self.declarant.full_name)
        n = len(self.columns)
        parts.append(f"{n} service{'s' if n > 1 else ''}")
        return " · ".join(parts)


def _values(args, key):
    getter = getattr(args, "getlist", None)
    values = getter(key) if getter else args.get(key) or []
    return [values] if isinstance(values, str) else list(values)


def parse(actor, args, with_paging=True):
    """MatrixCriteria from request values; an identifier of another firm (or of nothing) is NotFound."""
    criteria = MatrixCriteria(firm_id=actor.firm_id)
    company_id = _id(args.get("company"))
    if company_id is not None:
        criteria.company = shaped("matrix-company", lambda c, f: (
            Company.select(Company, Portfolio).join(Portfolio)
            .where((Company.id == c) & (Company.firm == f)).limit(1)),
            int, int, server_side=True).first(company_id, actor.firm_id)
        if criteria.company is None:
            raise NotFound()
        criteria.portfolio = criteria.company.portfolio
    portfolio_id = _id(args.get("portfolio"))
    if portfolio_id is not None and criteria.company is None:
        criteria.portfolio = shaped("matrix-portfolio", lambda p, f: (
            Portfolio.select().where((Portfolio.id == p) & (Portfolio.firm == f)).limit(1)),
            int, int, server_side=True).first(portfolio_id, actor.firm_id)
        if criteria.portfolio is None:
            raise NotFound()
    criteria.q = " ".join((args.get("q") or "").split())[:100]
    person = (args.get("declarant") or "").strip()
    if person and person != NONE:  # one query: the firm's person, with what the grid shows of them
        criteria.declarant = shaped("matrix-declarant", lambda u, f: (
            User.select(User.id, User.firm, User.nom, User.prenom, User.role)
            .where((User.id == u) & (User.firm == f)).limit(1)),
            int, int, server_side=True).first(_id(person), actor.firm_id)
        if criteria.declarant is None:
            raise NotFound()
    wanted = {_id(v) for v in _values(args, "service") if str(v).strip()}
    if wanted:
        criteria.services = list(shaped(("matrix-services", len(wanted)), lambda *ids: (
            Declaration.select().where(Declaration.id.in_(list(ids)) & Declaration.is_active)
            .order_by(Declaration.position, Declaration.id)), *ints(len(wanted)),
            server_side=True).execute(*sorted(wanted)))
        if len(criteria.services) != len(wanted):
            raise NotFound()
    criteria.offered = offered_services(criteria)
    criteria.searched = bool(args.get("search") or any(args.get(k) for k in KEYS if k != "per_page"))
    digits = siret_digits(criteria.q)
    if digits and len(digits) == 14:
        criteria.establishment = _establishment(criteria, digits)
    if with_paging:
        page = (args.get("page") or "").strip()
        criteria.page = int(page) if page.isdecimal() and len(page) < 10 and int(page) > 0 else 1
        per_page = (args.get("per_page") or "").strip()
        chosen = int(per_page) if per_page.isdecimal() and len(per_page) < 10 else None
        criteria.per_page = chosen if chosen in PER_PAGE_CHOICES else DEFAULT_PER_PAGE
    return criteria


def _establishment(criteria, siret):
    query = (Establishment.select(Establishment, Company).join(Company)
             .where((Establishment.firm == criteria.firm_id) & (Establishment.siret == siret)))
    if criteria.company is not None:
        query = query.where(Establishment.company == criteria.company.id)
    elif criteria.portfolio is not None:
        query = query.where(Company.portfolio == criteria.portfolio.id)
    return query.first()


def scope_shape(criteria):
    """(shape, values) of where the grid looks, for a prepared query (db/prepared.py): the firm, and the
    portfolio, the déclarant (par déclarant) and the company when they are set; `Scope(shape, markers)`
    gives them back in its build."""
    parts = (criteria.firm_id, criteria.portfolio.id if criteria.portfolio is not None else None,
             criteria.declarant.id if criteria.declarant is not None and criteria.establishment is None
             else None, criteria.company.id if criteria.company is not None else None)
    return tuple(part is not None for part in parts), [part for part in parts if part is not None]


@dataclass
class Scope:
    """The firm, portfolio, déclarant and company ids (or markers) of a scope_shape, None when not set."""

    firm: object
    portfolio: object = None
    declarant: object = None
    company: object = None

    @classmethod
    def of(cls, shape, values):
        values = iter(values)
        return cls(*[next(values) if present else None for present in shape])


def portfolios_of(criteria):
    """The portfolios the grid covers: the one chosen, else the déclarant's (or every one)."""
    return portfolios_in(Scope.of(*scope_shape(criteria)))


def portfolios_in(scope):
    query = Portfolio.select(Portfolio.id).where(Portfolio.firm == scope.firm)
    if scope.portfolio is not None:
        query = query.where(Portfolio.id == scope.portfolio)
    if scope.declarant is not None:
        query = query.where(Portfolio.id.in_(
            PortfolioDeclarant.select(PortfolioDeclarant.portfolio)
            .where(PortfolioDeclarant.user == scope.declarant)))
    return query


def _offered(scope):
    if scope.company is not None:
        chosen = CompanyDeclaration.select(CompanyDeclaration.declaration).where(
            CompanyDeclaration.company == scope.company)
    else:
        chosen = PortfolioDeclaration.select(PortfolioDeclaration.declaration).where(
            PortfolioDeclaration.portfolio.in_(portfolios_in(scope)))
    return (Declaration.select().where(Declaration.is_active & Declaration.id.in_(chosen))
            .order_by(Declaration.position, Declaration.id))


def offered_services(criteria):
    """The services selected where the grid looks: the company's, else its portfolios'."""
    shape, values = scope_shape(criteria)
    if criteria.company is not None:  # the company's own services: only its id in the query
        shape, values = (False, False, False, True), [criteria.company.id]
    return list(shaped(("matrix-offered", shape), lambda *markers: _offered(Scope.of(shape, markers)),
                       *ints(len(values)), server_side=True).execute(*values))


def cell_criteria(criteria):
    """The criteria of criteria.py naming the same cells as the grid: the establishments searched ×
    the déclarant (par déclarant) or × every person of the portfolio (par établissement)."""
    cells = Criteria(firm_id=criteria.firm_id, portfolio=criteria.portfolio, company=criteria.company,
                     siret=criteria.q, searched=True)
    if criteria.establishment is None:
        cells.picked = [criteria.declarant.id] if criteria.declarant is not None else [0]
    return cells
