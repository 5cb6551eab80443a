"""Gérer les habilitations: the operations behind the grid (search, pending ticks, Valider,
"Mêmes habilitations que…"). Administrators only; every identifier is checked to be the firm's.

The pieces live beside it: criteria (the search, cell queries), grid (a page), edits (the pending
ticks), changes (their plan), writes (conflict check and set-based writes at Valider); the bulk
files are csv_export and csv_import.
"""
from dataclasses import dataclass

from db.access import require_admin
from db.errors import Invalid, NotFound
from db.fields import record_id
from db.habilitations import changes, grid, writes
from db.habilitations.criteria import parse as parse_criteria
from db.habilitations.edits import DECLARE, PAY, Edits, bulk_value, overlay, parse_edits, parse_until
from db.models import Declaration, Establishment, Portfolio, PortfolioDeclaration, User
from db.models.accounts import ROLE_ADMIN

SIRET_SUGGESTIONS = 500


@dataclass
class Options:
    """The choices of the search form."""

    portfolios: list
    admins: list
    declarants: list
    services: list
    establishments: list  # suggestions for the SIRET field (the company's establishments)


@dataclass
class GridState:
    """What search and pending return: the criteria, the search form's choices, and once searched
    the page of the grid, with the pending edits and their plan when there are some."""

    criteria: object
    options: Options
    grid: object = None  # GridPage once a search was made
    edits: object = None  # pending edits carried by the page
    plan: object = None  # what they change


def options(actor, criteria):
    people = list(User.select().where((User.firm == actor.firm_id) & User.is_active)
                  .order_by(User.nom_key, User.prenom_key, User.id))
    services = (
        Declaration.select().where(
            Declaration.is_active & Declaration.id.in_(
                PortfolioDeclaration.select(PortfolioDeclaration.declaration)
                .join(Portfolio).where(Portfolio.firm == actor.firm_id)
            )
        ).order_by(Declaration.position, Declaration.id)
    )
    establishments = []
    if criteria.company is not None:
        establishments = list(
            Establishment.select(Establishment.siret, Establishment.name)
            .where(Establishment.company == criteria.company.id)
            .order_by(Establishment.siret).limit(SIRET_SUGGESTIONS)
        )
    return Options(
        list(Portfolio.select().where(Portfolio.firm == actor.firm_id)
             .order_by(Portfolio.is_default.desc(), Portfolio.name_key)),
        [p for p in people if p.role == ROLE_ADMIN],
        [p for p in people if p.role != ROLE_ADMIN],
        list(services),
        establishments,
    )


def search(actor, args, delay_override=None):
    """The search form and, once searched, the page of the grid its criteria ask for."""
    require_admin(actor)
    criteria = parse_criteria(actor, args)
    state = GridState(criteria, options(actor, criteria))
    if criteria.searched:
        state.grid = grid.page(criteria, delay_override)
    return state


def edits_from(fields):
    """Edits from the grid form's values (see edits.parse_edits); a "Tout (dé)cocher" pressed
    without JavaScript (toggle_*) replaces the column's ticks one by one."""
    edits = parse_edits(
        fields.get("bulk_declare", ""), fields.get("bulk_pay", ""), fields.get("changes", ""),
        fields.get("shown", ()), fields.get("declare", ()), fields.get("pay", ()), fields.get("columns", ""),
    )
    for column in (DECLARE, PAY):
        toggle = fields.get(f"toggle_{column}")
        if toggle is None:
            continue
        value = bulk_value(toggle)
        if value is None:
            raise NotFound()
        edits.bulk[column] = value
        for columns in edits.cells.values():
            columns.pop(column, None)
    edits.cells = {key: columns for key, columns in edits.cells.items() if columns}
    edits.until = parse_until(fields.get("until"))
    return edits


def pending(actor, args, fields, delay_override=None, with_grid=False):
    """What the pending ticks would change (nothing written); with_grid adds the page, its
    boxes showing the pending values (the page without JavaScript)."""
    require_admin(actor)
    criteria = parse_criteria(actor, args)
    edits = edits_from(fields)
    state = GridState(criteria, options(actor, criteria) if with_grid else None, edits=edits)
    state.plan = changes.plan(actor, criteria, edits)
    if with_grid:
        state.grid = grid.page(criteria, delay_override)
        overlay(state.grid, edits)
    return state


def _version(value):
    version = record_id(value)  # the journal's high-water mark: an AuditEvent id
    if version is None:
        raise Invalid({"__all__": "La grille n'a pas pu être identifiée : rechargez la page."})
    return version


def validate(actor, args, fields, delay_override=None):
    """Valider: apply the pending ticks in one transaction. Conflict when a cell they touch
    changed since the page was loaded (fields["version"])."""
    require_admin(actor)
    criteria = parse_criteria(actor, args, with_paging=False)
    edits = edits_from(fields)
    version = _version(fields.get("version"))
    if edits.is_empty() and not edits.seen:
        return changes.Plan([])
    return writes.apply(actor, criteria, edits, version, delay_override)


@dataclass
class CopyState:
    """"Mêmes habilitations que…": the two people, the plan of the copy (previewed or applied) and
    the journal's high-water mark of the preview (None once applied)."""

    criteria: object
    target: User
    source: User
    plan: object
    version: int


def _copy_people(actor, target_id, source_id):
    ids = []
    for value in (target_id, source_id):
        if not str(value or "").strip():
            raise Invalid(
                {"copy": "Choisissez le déclarant à modifier et celui dont il reprend les habilitations."}
            )
        user_id = record_id(value)
        if user_id is None:
            raise NotFound()
        ids.append(user_id)
    people = {u.id: u for u in User.select().where(User.id.in_(ids) & (User.firm == actor.firm_id))}
    if len(people) != len(set(ids)):
        raise NotFound()
    if ids[0] == ids[1]:
        raise Invalid({"copy": "Choisissez deux personnes différentes."})
    return people[ids[0]], people[ids[1]]


def copy_preview(actor, args):
    """"Mêmes habilitations que…": what giving the target the source's habilitations would change,
    within the search's establishments and services (nothing written)."""
    require_admin(actor)
    criteria = parse_criteria(actor, args, with_paging=False)
    target, source = _copy_people(actor, args.get("target"), args.get("source"))
    mark = grid.version()
    plan = changes.plan(actor, _everyone(criteria), Edits(copy=(target.id, source.id)))
    return CopyState(criteria, target, source, plan, mark)


def copy_apply(actor, args, version, delay_override=None):
    """Apply "Mêmes habilitations que…" as previewed; Conflict when the cells of either person
    changed since the preview."""
    require_admin(actor)
    criteria = parse_criteria(actor, args, with_paging=False)
    target, source = _copy_people(actor, args.get("target"), args.get("source"))
    edits = Edits(copy=(target.id, source.id))
    plan = writes.apply(actor, _everyone(criteria), edits, _version(version), delay_override)
    return CopyState(criteria, target, source, plan, None)


def _everyone(criteria):
    """The criteria without their choice of people (the copy names its two people itself)."""
    criteria.admin = criteria.declarant = ""
    criteria.picked = []
    return criteria
