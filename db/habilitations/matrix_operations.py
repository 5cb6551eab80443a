"""The operations behind the matrix grid (the default view of Gérer les habilitations): search,
pending ticks, Valider, SIRET suggestions. Administrators only; every identifier is the firm's.

The grid is a plain form: without JavaScript it posts its boxes, the tick boxes of its lines and of
its columns with what each showed (shown, lines_shown, columns_shown), and the server reads the
differences as edits; static/habilitations.js keeps the same edits across pages in hidden fields.
A column tick reaches beyond the page: Valider asks to confirm it, with its count (confirmed=1).
"""
from collections import namedtuple
from dataclasses import dataclass

from peewee import SQL, Case

from db.access import require_admin
from db.clients.search import matching
from db.errors import NotFound
from db.fields import record_id
from db.habilitations import changes, grid, matrix, matrix_rows, writes
from db.habilitations.edits import DECLARE, PAY, parse_edits, parse_until
from db.habilitations.operations import _version
from db.models import Declaration, Establishment, Portfolio, PortfolioDeclaration, User
from db.prepared import Prepared

SUGGESTIONS = 20
LETTERS = {"d": DECLARE, "p": PAY}


@dataclass
class Options:
    """The choices of the search form: only what it shows."""

    portfolios: list  # (id, name)
    people: list  # (id, full name, role)
    services: list  # Declarations offered in the firm's portfolios


@dataclass
class MatrixState:
    criteria: object
    options: Options = None
    grid: object = None  # MatrixPage once a search names a déclarant or one SIRET
    edits: object = None
    plan: object = None
    needs_confirmation: bool = False


def _firm_people(firm):
    return (User.select(User.id, User.nom, User.prenom, User.role).where((User.firm == firm) & User.is_active)
            .order_by(User.nom_key, User.prenom_key, User.id).tuples())


def _portfolios_and_services(firm):
    """The firm's portfolios and offered services in one statement: (kind, id, name or label, sort keys).
    The people stay a statement of their own: sorting their 201 rows with these (one sort of every row
    by five keys) cost more than the round trip saved (measured on PostgreSQL, 1.06-1.23x)."""
    offered = (PortfolioDeclaration.select(PortfolioDeclaration.declaration).join(Portfolio)
               .where(Portfolio.firm == firm))
    default_first = Case(None, ((Portfolio.is_default, SQL("0")),), SQL("1"))
    portfolios = Portfolio.select(SQL("0"), Portfolio.id, Portfolio.name, default_first, Portfolio.name_key
                                  ).where(Portfolio.firm == firm)
    services = Declaration.select(SQL("1"), Declaration.id, Declaration.label, Declaration.position, SQL("''")
                                  ).where(Declaration.is_active & Declaration.id.in_(offered))
    # the default portfolio first, then by name; services in the catalogue's order
    return (portfolios + services).order_by(*(SQL(column) for column in ("1", "4", "5", "2"))).tuples()


_PEOPLE, _CHOICES = (Prepared(build, int, server_side=True)
                     for build in (_firm_people, _portfolios_and_services))
Service = namedtuple("Service", "id label")


def options(actor):
    """The choices of the search form, read as plain tuples from two statements prepared once
    (db/prepared.py; on PostgreSQL by the server too): 201 people in a big firm."""
    people = [(u, f"{nom.upper()} {prenom}", role) for u, nom, prenom, role in _PEOPLE.cursor(actor.firm_id)]
    portfolios, services = [], []
    for kind, ident, text, *_ in _CHOICES.cursor(actor.firm_id):
        if kind == 0:
            portfolios.append((ident, text))
        else:
            services.append(Service(ident, text))
    return Options(portfolios, people, services)


def search(actor, args):
    """The search form and, once it names a déclarant (or one SIRET), the page of the grid."""
    require_admin(actor)
    criteria = matrix.parse(actor, args)
    state = MatrixState(criteria, options(actor))
    if criteria.searched and criteria.view:
        state.grid = matrix_rows.page(criteria, grid.version())
    return state


def edits_from(fields, view):
    """Edits from the grid form: hidden pending state (changes, columns), the page's boxes, and the
    tick boxes of lines and columns whose state differs from what the page showed."""
    edits = parse_edits("", "", fields.get("changes", ""), fields.get("shown", ()), fields.get("declare", ()),
                        fields.get("pay", ()), fields.get("columns", ""))
    for declaration, column, was in _shown(fields.get("columns_shown", ()), 3):
        now = f"{declaration}-{column}" in set(fields.get("column", ()))
        if now != was:
            edits.columns[(_int(declaration), LETTERS[column])] = now
    changed_lines = {}
    for ref, was in _shown(fields.get("lines_shown", ()), 2):
        now = ref in set(fields.get("line", ()))
        if now != was:
            changed_lines[_int(ref)] = now
    if changed_lines:
        for token in fields.get("shown", ()):
            e, d, u, declare, pay = token.split("-")
            ref = _int(e if view == matrix.BY_DECLARANT else u)
            if ref in changed_lines:
                value = changed_lines[ref]
                edits.cells.setdefault((_int(e), _int(d), _int(u)), {})[DECLARE] = value
                if pay != "x":
                    edits.cells[(_int(e), _int(d), _int(u))][PAY] = value
    edits.until = parse_until(fields.get("until"))
    return edits


def _int(text):
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise NotFound()
    return int(text)


def _shown(tokens, width):
    """(parts…, was ticked) of "…-0/1" tokens; a malformed one names nothing (404)."""
    for token in tokens:
        parts = token.split("-")
        if len(parts) != width or parts[-1] not in ("0", "1") or (width == 3 and parts[1] not in LETTERS):
            raise NotFound()
        yield (*parts[:-1], parts[-1] == "1")


def _check_columns(criteria, edits):
    shown = {d.id for d in criteria.columns}
    if any(declaration not in shown for declaration, _ in edits.columns):
        raise NotFound()


def pending(actor, args, fields, with_grid=False):
    """What the pending ticks change (nothing written); with_grid adds the page, its boxes showing
    the pending values (the page without JavaScript)."""
    require_admin(actor)
    criteria = matrix.parse(actor, args)
    if not criteria.view:
        raise NotFound()
    edits = edits_from(fields, criteria.view)
    _check_columns(criteria, edits)
    state = MatrixState(criteria, options(actor) if with_grid else None, edits=edits)
    state.plan = changes.plan(actor, matrix.cell_criteria(criteria), edits)
    if with_grid:
        # an unreadable version (a forged form) shows the page as it is now
        state.grid = matrix_rows.page(criteria, record_id(fields.get("version")) or grid.version())
        overlay(state.grid, edits)
    return state


def validate(actor, args, fields, delay_override=None):
    """Valider: apply the pending ticks in one transaction (Conflict when a cell they touch changed
    since the page was loaded). A column tick not confirmed yet returns the state to confirm."""
    require_admin(actor)
    criteria = matrix.parse(actor, args, with_paging=False)
    if not criteria.view:
        raise NotFound()
    edits = edits_from(fields, criteria.view)
    _check_columns(criteria, edits)
    version = _version(fields.get("version"))
    if edits.is_empty() and not edits.seen:
        return MatrixState(criteria, edits=edits, plan=changes.Plan([]))
    if edits.columns and fields.get("confirmed") != "1":
        state = MatrixState(criteria, edits=edits, needs_confirmation=True)
        state.plan = changes.plan(actor, matrix.cell_criteria(criteria), edits)
        return state
    plan = writes.apply(actor, matrix.cell_criteria(criteria), edits, version, delay_override)
    return MatrixState(criteria, edits=edits, plan=plan)


def overlay(page, edits):
    """Show the pending edits on the page's boxes: column ticks, then the boxes one by one."""
    payable = {d.id for d in page.criteria.columns if d.has_payment}
    for line in page.lines:
        for declaration, box in line.boxes.items():
            own = edits.cells.get(tuple(int(p) for p in box.key.split("-")), {})
            box.declare = own.get(DECLARE, edits.columns.get((declaration, DECLARE), box.declare))
            if declaration in payable:
                box.pay = own.get(PAY, edits.columns.get((declaration, PAY), box.pay))


def suggestions(actor, term):
    """Establishments of the firm for the search box (SIRET, enseigne, town), on demand."""
    require_admin(actor)
    condition = matching(term, Establishment)
    if condition is None:
        return []
    return list(Establishment.select(Establishment.siret, Establishment.name, Establishment.postcode,
                                     Establishment.town)
                .where((Establishment.firm == actor.firm_id) & condition)
                .order_by(Establishment.siret).limit(SUGGESTIONS).tuples())

