"""One page of the habilitation grid, in a constant number of queries whatever its size.

Rows are establishment × declaration × person, ordered by portfolio, SIRET, catalogue order and
name. A page is found without walking the cells: the people of each portfolio are read once, so
that within a portfolio the grid is "pairs (establishment × declaration) × the same people", and
a row offset is a pair offset (OFFSET … LIMIT on the pairs, by index); a page that spans several
portfolios reads its pairs with one UNION ALL.
"""
import math
from dataclasses import dataclass, field

from peewee import SQL, Value, fn

from db import clock
from db.database import database
from db.habilitations import access_delay
from db.habilitations.criteria import pairs_query, people_condition
from db.models import (
    AuditEvent,
    Company,
    Declaration,
    Establishment,
    EstablishmentDeclaration,
    Habilitation,
    Portfolio,
    PortfolioDeclarant,
    User,
)
from db.prepared import Prepared

BULK_LIMIT = 250_000  # cells a "Tout (dé)cocher" may cover: each one is read, written and journaled
PAIR_COLUMNS = (
    Establishment.id.alias("e_id"), Establishment.siret.alias("e_siret"), Establishment.name.alias("e_name"),
    Company.portfolio.alias("portfolio_id"), Declaration.id.alias("d_id"), Declaration.code.alias("d_code"),
    Declaration.label.alias("d_label"), Declaration.has_payment.alias("d_pay"),
    Declaration.access_delay_hours.alias("d_delay"), Company.name.alias("c_name"),
    Declaration.position.alias("d_position"),
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
    until: object = None  # « jusqu'au »: when the held rights end (exclusive), None: no end
    saved_declare: bool = False  # what the database holds; declare / pay are what the page shows
    saved_pay: bool = False
    portfolio_id: int = None

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
    portfolio_id: int = None


@dataclass
class GridPage:
    criteria: object
    groups: list
    total: int
    version: int
    now: object
    delay_override: object = None
    portfolio_names: dict = field(default_factory=dict)  # when the rows span several portfolios

    @property
    def pages(self):
        return max(1, math.ceil(self.total / self.criteria.per_page))

    @property
    def bulk_limit(self):
        return BULK_LIMIT

    @property
    def bulk_allowed(self):
        return self.total <= BULK_LIMIT

    @property
    def cells(self):
        return [cell for group in self.groups for cell in group.cells]

    def delay_label(self, cell):
        return access_delay.within_label(access_delay.effective_hours(cell.delay_hours, self.delay_override))

    def pending_from(self, moment):
        """The moment a held right becomes usable, when that is still to come."""
        return moment if moment is not None and moment > self.now else None


_VERSION = Prepared(lambda: AuditEvent.select(fn.MAX(AuditEvent.id)).tuples())


def version():
    """The journal's high-water mark: a Valider checks what changed after it."""
    return _VERSION.first()[0] or 0


def people_by_portfolio(criteria):
    """({portfolio id: [Person]}, {portfolio id: name}) of the people the criteria list, the
    portfolios in the order of the lists (default first, then by name), people by name."""
    query = (
        PortfolioDeclarant.select(
            PortfolioDeclarant.portfolio, Portfolio.name, User.id, User.nom, User.prenom, User.role
        )
        .join(User, on=(PortfolioDeclarant.user == User.id))
        .switch(PortfolioDeclarant)
        .join(Portfolio, on=(PortfolioDeclarant.portfolio == Portfolio.id))
        .where(people_condition(criteria) & (Portfolio.firm == criteria.firm_id))
        .order_by(
            Portfolio.is_default.desc(),
            Portfolio.name_key,
            Portfolio.id,
            User.nom_key,
            User.prenom_key,
            User.id,
        )
    )
    if criteria.portfolio is not None:
        query = query.where(PortfolioDeclarant.portfolio == criteria.portfolio.id)
    people, names = {}, {}
    for portfolio_id, name, user_id, nom, prenom, role in query.tuples():
        people.setdefault(portfolio_id, []).append(Person(user_id, nom, prenom, role))
        names[portfolio_id] = name
    return people, names


def _blocks(criteria, people):
    """[(portfolio, pairs, people)]: portfolio by portfolio, the rows are pairs × the same people,
    so that a row offset is a pair offset."""
    counts = dict(
        pairs_query(criteria, Company.portfolio, fn.COUNT(EstablishmentDeclaration.id))
        .where(Company.portfolio.in_(list(people) or [0]))
        .group_by(Company.portfolio)
        .tuples()
    )
    return [(p, counts[p], len(persons)) for p, persons in people.items() if counts.get(p)]


def total(criteria):
    """How many rows (cells) the criteria cover, without reading them."""
    return sum(pairs * width for _, pairs, width in _blocks(criteria, people_by_portfolio(criteria)[0]))


def page(criteria, delay_override=None):
    """The GridPage of the criteria's page (clamped to the last page)."""
    mark = version()  # read before the cells: a change made meanwhile is caught at Valider
    people, names = people_by_portfolio(criteria)
    blocks = _blocks(criteria, people)
    total = sum(pairs * width for _, pairs, width in blocks)
    criteria.page = min(criteria.page, max(1, math.ceil(total / criteria.per_page)))
    cells = _page_cells(criteria, people, blocks, (criteria.page - 1) * criteria.per_page) if total else []
    _fill_boxes(cells)
    grid_page = GridPage(criteria, _groups(cells), total, mark, clock.now(), delay_override)
    grid_page.portfolio_names = names if len(blocks) > 1 else {}
    return grid_page


def _segments(blocks, offset, size):
    """[(portfolio, first pair, pairs to read, rows to skip, pairs of the portfolio)] that hold
    rows offset … offset+size."""
    segments, position, wanted = [], 0, size
    for portfolio, pairs, width in blocks:
        rows = pairs * width
        if offset < position + rows and wanted > 0:
            first_pair, skip = divmod(max(0, offset - position), width)
            count = min(pairs - first_pair, math.ceil((skip + wanted) / width))
            segments.append((portfolio, first_pair, count, skip, pairs))
            wanted -= count * width - skip
        position += rows
    return segments


def _page_cells(criteria, people, blocks, offset):
    """The cells of one page, with the pairs of every portfolio it spans read in one query."""
    parts, segments = [], _segments(blocks, offset, criteria.per_page)
    for index, (portfolio, first_pair, count, _, pairs) in enumerate(segments):
        order = [Establishment.siret, Declaration.position, Declaration.id]
        if first_pair > pairs // 2:  # the second half is read from its end: an OFFSET walks what it skips
            order, first_pair = [o.desc() for o in order], pairs - first_pair - count
        ordered = (
            pairs_query(criteria, Value(index).alias("segment"), *PAIR_COLUMNS)
            .where(Company.portfolio == portfolio)
            .order_by(*order)
            .offset(first_pair).limit(count)
        ).alias(f"s{index}")
        parts.append(EstablishmentDeclaration.select(SQL("*")).from_(ordered))
    query = parts[0]
    for part in parts[1:]:
        query = query + part  # UNION ALL
    skips = [segment[3] for segment in segments]
    cells = []
    for row in sorted(database.execute(query).fetchall(), key=lambda r: (r[0], r[2], r[11], r[5])):
        segment, pair = row[0], row[1:]
        for person in people[pair[3]]:
            if skips[segment]:
                skips[segment] -= 1
                continue
            if len(cells) < criteria.per_page:
                name = pair[2] or pair[9]  # the establishment's sign, else its company's name
                cells.append(
                    Cell(
                        pair[0],
                        pair[1],
                        name,
                        pair[4],
                        pair[5],
                        pair[6],
                        bool(pair[7]),
                        pair[8],
                        person,
                        portfolio_id=pair[3],
                    )
                )
    return cells


def _fill_boxes(cells):
    """Tick the boxes of the page from its Habilitation rows, in one query."""
    if not cells:
        return
    rows = (
        Habilitation.select(
            Habilitation.establishment, Habilitation.declaration, Habilitation.user, Habilitation.declare,
            Habilitation.pay, Habilitation.active_from, Habilitation.pay_active_from,
            Habilitation.active_until,
        )
        .where(
            Habilitation.establishment.in_(sorted({cell.establishment_id for cell in cells}))
            & Habilitation.declaration.in_(sorted({cell.declaration_id for cell in cells}))
            & Habilitation.user.in_(sorted({cell.person.id for cell in cells}))
        )
        .tuples()
    )
    found = {(e, d, u): rest for e, d, u, *rest in rows}
    for cell in cells:
        state = found.get((cell.establishment_id, cell.declaration_id, cell.person.id))
        if state:
            cell.declare, cell.pay, cell.active_from, cell.pay_active_from, cell.until = state
            cell.declare, cell.pay = bool(cell.declare), bool(cell.pay) and cell.has_payment
            cell.saved_declare, cell.saved_pay = cell.declare, cell.pay


def _groups(cells):
    groups = []
    for cell in cells:
        if not groups or groups[-1].establishment_id != cell.establishment_id:
            groups.append(Group(cell.establishment_id, cell.siret, cell.name, portfolio_id=cell.portfolio_id))
        groups[-1].cells.append(cell)
    return groups
