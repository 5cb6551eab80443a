"""One page of the matrix grid, in a constant number of queries whatever its size: the number of
lines (maintained counts when nothing is searched, db/counts.py), the page's lines, the services
selected for them, their boxes, and for each column how many of its boxes are ticked over every
result (the column's tick box is ticked when all are; the maintained BoxTally when nothing is
searched).
"""
import math

from peewee import JOIN, SQL, Case, Select, fn

from db import clock
from db.clients.search import matching
from db.database import database, is_postgres
from db.habilitations.matrix import BY_ESTABLISHMENT, Scope, portfolios_in, portfolios_of, scope_shape
from db.habilitations.matrix_page import Box, Line, MatrixPage
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
    (walked: tested on rows read in SIRET order, see _walks)."""
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


def _searched_sizes(criteria, services, user):
    """(lines, {declaration: cells}, {(declaration, column): boxes ticked}, lines in the scope or None) of
    a search, in one statement: its hits are found once (a materialized CTE: the search and the scope
    read once per hit), then counted, and each hit's cells and the déclarant's rights read through the
    (establishment, declaration…) keys. Four statements each joining every hit with its company cost four
    times that (« rue », 28,000 hits firm-wide). On SQLite the statement also sums the scope's maintained
    establishment counts: _page_rows chooses from both how to find the page (see _walks)."""
    ids = [d.id for d in services]
    hits = Establishment.select(Establishment.id).join(Company).where(_scope(criteria)).cte(
        "hits", materialized=True, columns=("id",))
    zero = SQL("0")
    query = Select((hits,), (zero, zero, fn.COUNT(SQL("*")), zero))
    if ids:  # first: SQLite 3.40 reads the index alone (covering) only in a compound's left-most SELECT
        query = _hits_cells(hits, ids) + query
    if ids and user is not None:
        query += _hits_ticks(hits, ids, user)
    if not is_postgres():
        query += (Company.select(SQL("3"), zero, fn.SUM(Company.establishment_count), zero)
                  .where(Company.id.in_(_companies(criteria))))
    total, cells, ticked, scope_size = 0, {}, {}, None
    for kind, declaration, first, second in database.execute(query.with_cte(hits)):  # WITH before the UNION
        if kind == 0:
            total = int(first or 0)
        elif kind == 1:
            cells[declaration] = int(first or 0)
        elif kind == 2:
            ticked[(declaration, "declare")], ticked[(declaration, "pay")] = int(first or 0), int(second or 0)
        else:
            scope_size = int(first or 0)
    return total, cells, ticked, scope_size


def _hits_cells(hits, ids):
    """SQL rows (1, declaration, cells among the hits, 0). PostgreSQL cannot estimate a CTE's rows and
    joined it by hashing all 345,000 establishment_declaration rows (spilling to disk): an array of the
    ids is probed on the (establishment, declaration) index instead. SQLite, left to choose, read the
    (declaration, establishment) index whole for each service (69,000 entries each) and probed the hits
    with every entry (« plérin »: 45 ms for 1,725 hits); it is made to read each hit's few entries of the
    (establishment, declaration) index instead (CROSS JOIN keeps that order, `+ 0` the service out of
    the key: one range per hit rather than one probe per service)."""
    ed, zero = EstablishmentDeclaration, SQL("0")
    if is_postgres():
        return (ed.select(SQL("1"), ed.declaration, fn.COUNT(SQL("*")), zero)
                .where((ed.establishment == SQL("ANY(ARRAY(SELECT id FROM hits))")) & ed.declaration.in_(ids))
                .group_by(ed.declaration))
    return (Select((hits,), (SQL("1"), ed.declaration, fn.COUNT(SQL("*")), zero))
            .join(ed, JOIN.CROSS, on=(ed.establishment == hits.c.id))
            .where((ed.declaration + 0).in_(ids)).group_by(ed.declaration))


def _hits_ticks(hits, ids, user):
    """SQL rows (2, declaration, Déclarer ticked, Payer ticked) of the déclarant's rights among the hits.
    PostgreSQL joins the hits with the person's rights, which it can estimate. SQLite cannot, so the
    statement chooses as it runs: from the person's rights in these services, each tested against the
    hits (« rue »: 3,000 rights instead of 85,000 probes), when the maintained tally says they are
    fewer than the probes of the (establishment, declaration, user) key per hit and service; else
    those probes (the heaviest déclarant holds 300,000 rights). Each condition is a constant that
    SQLite evaluates once, before its SELECT's loop: one of the two reads nothing."""
    h, t = Habilitation, BoxTally
    columns = (SQL("2"), h.declaration, fn.SUM(Case(None, [(h.declare, 1)], 0)),
               fn.SUM(Case(None, [(h.pay, 1)], 0)))
    condition = (h.user == user) & h.declaration.in_(ids)
    if is_postgres():
        return (h.select(*columns).join(hits, on=(h.establishment == hits.c.id))
                .where(condition).group_by(h.declaration))
    held = t.select(fn.COALESCE(fn.SUM(t.habilitations), 0)).where((t.user == user) & t.declaration.in_(ids))
    probes = SQL(f"(SELECT COUNT(*) * {len(ids)} FROM hits)")
    among_hits = (h.establishment + 0).in_(SQL("(SELECT id FROM hits)"))  # + 0: the person's key leads
    from_person = h.select(*columns).where(condition & among_hits & (held <= probes)).group_by(h.declaration)
    from_hits = (Select((hits,), columns).join(h, JOIN.CROSS, on=(h.establishment == hits.c.id))
                 .where(condition & (held > probes)).group_by(h.declaration))
    return from_person + from_hits


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
        total, cells, ticked, scope_size = _searched_sizes(criteria, services, user)
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
        scope = _scope(criteria, walked=_walks(offset + criteria.per_page, hits, scope_size))
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


WALK_PER_HIT = 4  # a hit sorted costs about as much as this many SIRETs walked and tested


def _walks(rows, hits, scope_size):
    """Whether SQLite should find a searched page by walking the scope's SIRETs in order (the (firm,
    siret) or (company, siret) index), testing each against the search's hits and stopping after the
    page, rather than reading every hit and sorting them. Known from the counts read first: about
    rows × scope_size / hits SIRETs are walked, against every hit fetched, joined and sorted (« rue »,
    28,000 hits: 100 rows after ~250 SIRETs, 26 ms instead of 98; « 22190 », 568 hits: 12,000 SIRETs
    to walk, so sorted). PostgreSQL chooses this itself from its statistics."""
    if scope_size is None or not hits:
        return False
    return rows * scope_size < WALK_PER_HIT * hits * hits


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
