"""One page of the habilitation grid, in a constant number of queries whatever its size.

Rows are establishment × declaration × person, ordered by SIRET, catalogue order, name. A page
is found without walking the cells: the people of each portfolio are read once, so that the
grid is "pairs (establishment × declaration) × people"; when every pair carries the same number
of people (one company, one portfolio, one person), the page is an OFFSET over the pairs, else
a running sum over the pairs (a window function) says where each pair's rows start.
"""
import math
from dataclasses import dataclass, field

from peewee import Case, fn

from db import access_delay, clock
from db.habilitation_scope import pairs_query, people_condition
from db.models import (
    AuditEvent,
    Company,
    Declaration,
    Establishment,
    EstablishmentDeclaration,
    Habilitation,
    PortfolioDeclarant,
    User,
)

PAIR_COLUMNS = (
    Establishment.id.alias("e_id"), Establishment.siret.alias("e_siret"), Establishment.name.alias("e_name"),
    Company.portfolio.alias("portfolio_id"), Declaration.id.alias("d_id"), Declaration.code.alias("d_code"),
    Declaration.label.alias("d_label"), Declaration.has_payment.alias("d_pay"),
    Declaration.access_delay_hours.alias("d_delay"), Company.name.alias("c_name"),
)


@dataclass
class Person:
    id: int
    nom: str
    prenom: str
    role: str

    @property
    def full_name(self):
        return f"{self.nom.upper()} {self.prenom}"


@dataclass
class Cell:
    """One row of the grid: the boxes of one person for one service of one establishment."""

    establishment_id: int
    siret: str
    name: str
    declaration_id: int
    code: str
    label: str
    has_payment: bool
    delay_hours: int
    person: Person
    declare: bool = False
    pay: bool = False
    active_from: object = None
    pay_active_from: object = None
    saved_declare: bool = False  # what the database holds; declare / pay are what the page shows
    saved_pay: bool = False

    @property
    def key(self):
        return f"{self.establishment_id}-{self.declaration_id}-{self.person.id}"

    @property
    def granting(self):
        """A box ticked on the page and not yet saved: its right will start after the delay."""
        return (self.declare and not self.saved_declare) or (self.pay and not self.saved_pay)

    @property
    def pending(self):
        return (self.declare, self.pay) != (self.saved_declare, self.saved_pay)


@dataclass
class Group:
    """The rows of one establishment on the page (the SIRET is shown once for them)."""

    establishment_id: int
    siret: str
    name: str
    cells: list = field(default_factory=list)


@dataclass
class GridPage:
    criteria: object
    groups: list
    total: int
    version: int
    now: object
    delay_override: object = None

    @property
    def pages(self):
        return max(1, math.ceil(self.total / self.criteria.per_page))

    @property
    def cells(self):
        return [cell for group in self.groups for cell in group.cells]

    def delay_label(self, cell):
        return access_delay.within_label(access_delay.effective_hours(cell.delay_hours, self.delay_override))

    def pending_from(self, moment):
        """The moment a held right becomes usable, when that is still to come."""
        return moment if moment is not None and moment > self.now else None


def version():
    """The journal's high-water mark: a Valider checks what changed after it."""
    return AuditEvent.select(fn.MAX(AuditEvent.id)).scalar() or 0


def people_by_portfolio(c):
    """{portfolio id: [Person]} of the people the criteria list, in name order."""
    query = (
        PortfolioDeclarant.select(PortfolioDeclarant.portfolio, User.id, User.nom, User.prenom, User.role)
        .join(User, on=(PortfolioDeclarant.user == User.id))
        .where(people_condition(c))
        .order_by(User.nom_key, User.prenom_key, User.id)
    )
    if c.portfolio is not None:
        query = query.where(PortfolioDeclarant.portfolio == c.portfolio.id)
    people = {}
    for portfolio_id, user_id, nom, prenom, role in query.tuples():
        people.setdefault(portfolio_id, []).append(Person(user_id, nom, prenom, role))
    return people


def page(c, delay_override=None):
    """The GridPage of the criteria's page (clamped to the last page)."""
    mark = version()  # read before the cells: a change made meanwhile is caught at Valider
    people = people_by_portfolio(c)
    portfolios = list(people)
    counts = dict(
        pairs_query(c, Company.portfolio, fn.COUNT(EstablishmentDeclaration.id))
        .where(Company.portfolio.in_(portfolios or [0]))
        .group_by(Company.portfolio)
        .tuples()
    )
    weights = {p: len(people[p]) for p in portfolios if counts.get(p)}
    total = sum(counts[p] * w for p, w in weights.items())
    c.page = min(c.page, max(1, math.ceil(total / c.per_page)))
    offset = (c.page - 1) * c.per_page
    cells = _page_cells(c, people, weights, offset) if total else []
    _fill_boxes(cells)
    return GridPage(c, _groups(cells), total, mark, clock.now(), delay_override)


def _ordered_pairs(c, weights):
    return (
        pairs_query(c, *PAIR_COLUMNS)
        .where(Company.portfolio.in_(list(weights)))
        .order_by(Establishment.siret, Declaration.position, Declaration.id)
    )


def _page_cells(c, people, weights, offset):
    size = c.per_page
    distinct = set(weights.values())
    if len(distinct) == 1:
        width = distinct.pop()
        first_pair, skip = divmod(offset, width)
        pairs = _ordered_pairs(c, weights).offset(first_pair).limit(math.ceil((skip + size) / width))
        start = first_pair * width
        rows = []
        for pair in pairs.tuples():
            rows.append((pair, start))
            start += width
    else:
        running = fn.SUM(Case(Company.portfolio, list(weights.items()), 0)).over(
            order_by=[Establishment.siret, Declaration.position, Declaration.id]
        )
        inner = _ordered_pairs(c, weights).order_by().select_extend(running.alias("rows_end")).alias("p")
        query = (
            EstablishmentDeclaration.select(*[inner.c[col._alias] for col in PAIR_COLUMNS], inner.c.rows_end)
            .from_(inner)
            .where(inner.c.rows_end > offset)
            .order_by(inner.c.rows_end)
            .limit(size)
        )
        rows = [(row[:-1], row[-1] - weights[row[3]]) for row in query.tuples()]
    cells = []
    for pair, start in rows:
        for index, person in enumerate(people[pair[3]], start=start):
            if offset <= index < offset + size:
                name = pair[2] or pair[9]  # the establishment's sign, else its company's name
                cells.append(Cell(pair[0], pair[1], name, pair[4], pair[5], pair[6], pair[7], pair[8], person))
    return cells


def _fill_boxes(cells):
    """Tick the boxes of the page from its Habilitation rows, in one query."""
    if not cells:
        return
    rows = (
        Habilitation.select(
            Habilitation.establishment, Habilitation.declaration, Habilitation.user, Habilitation.declare,
            Habilitation.pay, Habilitation.active_from, Habilitation.pay_active_from,
        )
        .where(
            Habilitation.establishment.in_(sorted({c.establishment_id for c in cells}))
            & Habilitation.declaration.in_(sorted({c.declaration_id for c in cells}))
            & Habilitation.user.in_(sorted({c.person.id for c in cells}))
        )
        .tuples()
    )
    found = {(e, d, u): rest for e, d, u, *rest in rows}
    for cell in cells:
        state = found.get((cell.establishment_id, cell.declaration_id, cell.person.id))
        if state:
            cell.declare, cell.pay, cell.active_from, cell.pay_active_from = state
            cell.declare, cell.pay = bool(cell.declare), bool(cell.pay) and cell.has_payment
            cell.saved_declare, cell.saved_pay = cell.declare, cell.pay


def overlay(grid_page, edits):
    """Show the pending edits on the page's boxes (bulk first, then the boxes ticked one by one)."""
    for cell in grid_page.cells:
        if "declare" in edits.bulk:
            cell.declare = edits.bulk["declare"]
        if "pay" in edits.bulk and cell.has_payment:
            cell.pay = edits.bulk["pay"]
        columns = edits.cells.get((cell.establishment_id, cell.declaration_id, cell.person.id), {})
        cell.declare = columns.get("declare", cell.declare)
        cell.pay = columns.get("pay", cell.pay) and cell.has_payment


def _groups(cells):
    groups = []
    for cell in cells:
        if not groups or groups[-1].establishment_id != cell.establishment_id:
            groups.append(Group(cell.establishment_id, cell.siret, cell.name))
        groups[-1].cells.append(cell)
    return groups
