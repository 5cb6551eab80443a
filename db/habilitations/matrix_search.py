"""The grid of Gérer les habilitations with a search (db/habilitations/matrix_rows.py by_declarant): the
counts over every hit in one statement, and how the page of the hits is found."""
from peewee import JOIN, SQL, Case, Select, fn

from db.database import database, is_postgres
from db.models import BoxTally, Company, EstablishmentDeclaration, Habilitation


def searched_sizes(found, companies, services, user):
    """(lines, {declaration: cells}, {(declaration, column): boxes ticked}, lines in the scope or None) of
    a search, in one statement: its hits are found once (a materialized CTE: the search and the scope
    read once per hit), then counted, and each hit's cells and the déclarant's rights read through the
    (establishment, declaration…) keys. Four statements each joining every hit with its company cost four
    times that (« rue », 28,000 hits firm-wide). On SQLite the statement also sums the scope's maintained
    establishment counts: matrix_rows chooses from both how to find the page (see walks)."""
    ids = [d.id for d in services]
    hits = found.cte("hits", materialized=True, columns=("id",))
    zero = SQL("0")
    query = Select((hits,), (zero, zero, fn.COUNT(SQL("*")), zero))
    if ids:  # first: SQLite 3.40 reads the index alone (covering) only in a compound's left-most SELECT
        query = _hits_cells(hits, ids) + query
    if ids and user is not None:
        query += _hits_ticks(hits, ids, user)
    if not is_postgres():
        query += (Company.select(SQL("3"), zero, fn.SUM(Company.establishment_count), zero)
                  .where(Company.id.in_(companies)))
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


WALK_PER_HIT = 4  # a hit sorted costs about as much as this many SIRETs walked and tested


def walks(rows, hits, scope_size):
    """Whether SQLite should find a searched page by walking the scope's SIRETs in order (the (firm,
    siret) or (company, siret) index), testing each against the search's hits and stopping after the
    page, rather than reading every hit and sorting them. Known from the counts read first: about
    rows × scope_size / hits SIRETs are walked, against every hit fetched, joined and sorted (« rue »,
    28,000 hits: 100 rows after ~250 SIRETs, 26 ms instead of 98; « 22190 », 568 hits: 12,000 SIRETs
    to walk, so sorted). PostgreSQL chooses this itself from its statistics."""
    if scope_size is None or not hits:
        return False
    return rows * scope_size < WALK_PER_HIT * hits * hits
