"""One page of the matrix grid, in a constant number of queries whatever its size: the number of
lines (maintained counts when nothing is searched, db/counts.py), the page's lines, the services
selected for them, their boxes, and for each column how many of its boxes are ticked over every
result (the column's tick box is ticked when all are; the maintained BoxTally when nothing is
searched).
"""
import math

from peewee import Case, fn

from db import clock
from db.clients.search import matching
from db.habilitations.matrix import BY_ESTABLISHMENT, Scope, portfolios_in, portfolios_of, scope_shape
from db.habilitations.matrix_page import Box, Line, MatrixPage
from db.habilitations.matrix_search import searched_sizes, walks
from db.models import (
    BoxTally,
    Company,
    CompanyDeclaration,
    Establishment,
    EstablishmentDeclaration,
    Habilitation,
    PortfolioDeclarant,
    User,
)
from db.prepared import ints, shaped


def _scope(criteria, walked=False):
    """Establishments of the grid (par déclarant): the portfolios covered, the company, the search
    (walked: tested on rows read in SIRET order, see matrix_search.walks)."""
    condition = (Establishment.firm == criteria.firm_id) & Company.portfolio.in_(portfolios_of(criteria))
    if criteria.company is not None:
        condition &= Establishment.company == criteria.company.id
    found = matching(criteria.q, Establishment, walked=walked)
    return condition if found is None else condition & found


def _companies(criteria):
    return _companies_in(Scope.of(*scope_shape(criteria)))


def _companies_in(scope):
    query = Company.select(Company.id).where(
        (Company.firm == scope.firm) & Company.portfolio.in_(portfolios_in(scope)))
    return query.where(Company.id == scope.company) if scope.company is not None else query


def _unsearched_scope(scope):
    """_scope without a search, from a Scope (ids or markers)."""
    condition = (Establishment.firm == scope.firm) & Company.portfolio.in_(portfolios_in(scope))
    return condition & (Establishment.company == scope.company) if scope.company is not None else condition


def _split(shape, markers, k):
    """(Scope of the first k markers, the markers after them)."""
    return Scope.of(shape, markers[:k]), list(markers[k:])


def _sizes(criteria, services):
    """(lines, {declaration: cells}) over every result when nothing is searched: maintained counts."""
    ids = [d.id for d in services]
    # prepared once per shape (db/prepared.py): these run on every page
    shape, values = scope_shape(criteria)
    k = len(values)
    (total,) = shaped(("matrix-total", shape), lambda *m: (
        Company.select(fn.COALESCE(fn.SUM(Company.establishment_count), 0))
        .where(Company.id.in_(_companies_in(Scope.of(shape, m)))).tuples()), *ints(k)).first(*values)

    def cells_query(*markers):
        scope, declarations = _split(shape, markers, k)
        return (CompanyDeclaration.select(CompanyDeclaration.declaration,
                                          fn.SUM(CompanyDeclaration.establishment_count))
                .where(CompanyDeclaration.company.in_(_companies_in(scope))
                       & CompanyDeclaration.declaration.in_(declarations))
                .group_by(CompanyDeclaration.declaration).tuples())
    cells = dict(shaped(("matrix-cells", shape, len(ids)), cells_query, *ints(k + len(ids)))
                 .execute(*values, *ids))
    return int(total or 0), {d: int(n or 0) for d, n in cells.items()}


def _ticked(criteria, services, user_condition, scope):
    """{(declaration, column): boxes ticked} over every result."""
    rows = (Habilitation.select(Habilitation.declaration,
                                fn.SUM(Case(None, [(Habilitation.declare, 1)], 0)),
                                fn.SUM(Case(None, [(Habilitation.pay, 1)], 0)))
            .join(Establishment).join(Company)
            .where(user_condition & scope & Habilitation.declaration.in_([d.id for d in services]))
            .group_by(Habilitation.declaration).tuples())
    out = {}
    for declaration, declare, pay in rows:
        out[(declaration, "declare")], out[(declaration, "pay")] = int(declare or 0), int(pay or 0)
    return out


def _ticked_tally(criteria, services, user):
    """{(declaration, column): boxes ticked} over every result, from the maintained tally (nothing
    searched): a few rows per company × declaration instead of one per habilitation."""
    t, ids = BoxTally, [d.id for d in services]
    shape, values = scope_shape(criteria)
    if criteria.company is not None:  # the company alone: its id and the déclarant's
        shape, values = (False, False, True, True), [user, criteria.company.id]
    k = len(values)

    def build(*markers):
        scope, declarations = _split(shape, markers, k)
        return (t.select(t.declaration, fn.SUM(Case(None, [(t.declare, t.habilitations)], 0)),
                         fn.SUM(Case(None, [(t.pay, t.habilitations)], 0)))
                .where((t.user == scope.declarant) & t.declaration.in_(declarations)
                       & (t.company == scope.company if scope.company is not None
                          else t.company.in_(_companies_in(scope))))
                .group_by(t.declaration).tuples())
    rows = shaped(("matrix-tally", shape, len(ids)), build, *ints(k + len(ids))).execute(*values, *ids)
    out = {}
    for declaration, declare, pay in rows:
        out[(declaration, "declare")], out[(declaration, "pay")] = int(declare or 0), int(pay or 0)
    return out


def by_declarant(criteria, version):
    """The page of the grid "par déclarant" (the criteria's page, clamped to the last one)."""
    services, user = criteria.columns, criteria.declarant.id
    if criteria.q:  # the counts and the déclarant's ticks over every hit, in one statement
        found = Establishment.select(Establishment.id).join(Company).where(_scope(criteria))
        total, cells, ticked, scope_size = searched_sizes(found, _companies(criteria), services, user)
    else:
        (total, cells), scope_size = _sizes(criteria, services), None
    criteria.page = min(criteria.page, max(1, math.ceil(total / criteria.per_page)))
    rows = _page_rows(criteria, total, scope_size)
    lines = [Line(e, siret, name or company, street, postcode, town, bool(siege), bool(active), company)
             for e, siret, name, street, postcode, town, siege, active, company in rows]
    _fill(lines, services, [line.ref for line in lines], [user], lambda e, u: e)
    if not criteria.q:
        ticked = _ticked_tally(criteria, services, user) if total else {}
    return MatrixPage(criteria, lines, total, version, clock.now(), ticked, cells)


def _page_rows(criteria, hits, scope_size):
    """(id, siret, name, street, postcode, town, siège, active, company name) of the page's lines."""
    e = Establishment
    columns = (e.id, e.siret, e.name, e.street, e.postcode, e.town, e.is_siege, e.is_active, Company.name)
    offset = (criteria.page - 1) * criteria.per_page
    if criteria.q:
        scope = _scope(criteria, walked=walks(offset + criteria.per_page, hits, scope_size))
        return (Establishment.select(*columns).join(Company).where(scope)
                .order_by(Establishment.siret).limit(criteria.per_page).offset(offset).tuples())
    shape, values = scope_shape(criteria)
    k = len(values)

    def build(*markers):
        scope, (start, limit) = _split(shape, markers, k)
        first = _first_siret(scope, start)
        return (Establishment.select(*columns).join(Company)
                .where(_unsearched_scope(scope) & (Establishment.siret >= first))
                .order_by(Establishment.siret).limit(limit).tuples())
    return shaped(("matrix-page", shape), build, *ints(k + 2)).execute(*values, offset, criteria.per_page)


def _first_siret(scope, offset):
    """SQL: the SIRET that opens the page (a SIRET is the firm's only once). The page is then a seek on
    it: the OFFSET walks SIRETs alone, on the (company, siret) index for one company (an index-only scan),
    never the page's joined lines (page 45 walked 4,400 of them)."""
    e = Establishment
    where = (e.company == scope.company if scope.company is not None
             else (e.firm == scope.firm) & e.company.in_(_companies_in(scope)))
    return e.select(e.siret).where(where).order_by(e.siret).limit(1).offset(offset)


def by_establishment(criteria, version):
    """The page "par établissement": the people of the establishment's portfolio."""
    establishment, services = criteria.establishment, criteria.columns
    people = (User.select(User.id, User.nom, User.prenom, User.role)
              .join(PortfolioDeclarant, on=(PortfolioDeclarant.user == User.id))
              .where((PortfolioDeclarant.portfolio == establishment.company.portfolio_id) & User.is_active
                     & (User.firm == criteria.firm_id))
              .order_by(User.nom_key, User.prenom_key, User.id))
    total = people.count()
    criteria.page = min(criteria.page, max(1, math.ceil(total / criteria.per_page)))
    lines = [Line(u, f"{nom.upper()} {prenom}", "Administrateur" if role == "admin" else "Déclarant")
             for u, nom, prenom, role in people.paginate(criteria.page, criteria.per_page).tuples()]
    _fill(lines, services, [establishment.id], [line.ref for line in lines], lambda e, u: u)
    selected = {d for (d,) in EstablishmentDeclaration.select(EstablishmentDeclaration.declaration)
                .where(EstablishmentDeclaration.establishment == establishment.id).tuples()}
    cells = {d.id: total for d in services if d.id in selected}
    everyone = Habilitation.user.in_(people.select(User.id))
    ticked = _ticked(criteria, services, everyone, Establishment.id == establishment.id) if total else {}
    return MatrixPage(criteria, lines, total, version, clock.now(), ticked, cells)


def _fill(lines, services, establishment_ids, user_ids, line_of):
    """The boxes of the page: the services selected for its establishments, ticked from their rows."""
    if not lines or not services:
        return
    ids = [d.id for d in services]
    sizes = (len(establishment_ids), len(user_ids), len(ids))
    ed = EstablishmentDeclaration
    selected = list(shaped(("matrix-selected", sizes[0], sizes[2]), lambda *m: (
        ed.select(ed.establishment, ed.declaration)
        .where(ed.establishment.in_(list(m[:sizes[0]])) & ed.declaration.in_(list(m[sizes[0]:]))).tuples()),
        *ints(sizes[0] + sizes[2])).execute(*establishment_ids, *ids))
    by_ref = {line.ref: line for line in lines}
    payable = {d.id for d in services if d.has_payment}
    for e, d in selected:
        for u in user_ids:
            line = by_ref.get(line_of(e, u))
            if line is not None:
                line.boxes[d] = Box(f"{e}-{d}-{u}", d in payable)
    now = clock.now()
    h, (places, people) = Habilitation, sizes[:2]
    rights = shaped(("matrix-rights", sizes), lambda *m: (
        h.select(h.establishment, h.declaration, h.user, h.declare, h.pay, h.active_from, h.pay_active_from,
                 h.active_until)
        .where(h.establishment.in_(list(m[:places])) & h.user.in_(list(m[places:places + people]))
               & h.declaration.in_(list(m[places + people:]))).tuples()),
        *ints(sum(sizes))).execute(*establishment_ids, *user_ids, *ids)
    for e, d, u, declare, pay, declare_from, pay_from, until in rights:
        line = by_ref.get(line_of(e, u))
        box = line.boxes.get(d) if line is not None else None
        if box is None:
            continue
        box.declare = box.saved_declare = bool(declare)
        box.pay = box.saved_pay = bool(pay) and d in payable
        box.declare_from = declare_from if box.declare and declare_from and declare_from > now else None
        box.pay_from = pay_from if box.pay and pay_from and pay_from > now else None
        box.until = until


def page(criteria, version):
    return (by_establishment if criteria.view == BY_ESTABLISHMENT else by_declarant)(criteria, version)
