"""Which declarations apply at each level: portfolio, company, establishment ("Gérer les déclarations").

A level offers the declarations of the level above (the catalogue for a portfolio), plus those
it already has. Selecting a declaration applies it to everything below the level; removing one
removes it below too, with the habilitations that depended on it. A removal is first previewed
(how many habilitations of how many déclarants go) and applied only once confirmed.
Writes are set-based (INSERT … SELECT, DELETE … WHERE … IN (subquery)) in one transaction.
"""
from dataclasses import dataclass, field

from peewee import Case, Value, fn

from db import audit, clock, fields
from db.access import require_admin
from db.clients.search import matching
from db.clients.writes import delete_habilitations, recount_declarations
from db.database import database
from db.declarations.levels import COMPANY, ESTABLISHMENT, LEVELS, OWN, PORTFOLIO
from db.errors import Invalid, NotFound
from db.models import (
    AuditEvent,
    Company,
    Declaration,
    Establishment,
    EstablishmentDeclaration,
    Habilitation,
    User,
)
from db.notifications import rights
from db.people.declarants import lock_firm
from db.text import fold

__all__ = ["PORTFOLIO", "COMPANY", "ESTABLISHMENT", "OWN", "Selection", "Change", "load", "submit",
           "apply_lines", "company_establishments"]
NOT_OFFERED = (
    "« {} » n'est pas proposée à ce niveau (elle a pu être retirée entre-temps) : rechargez la page."
)


@dataclass
class Selection:
    """The declarations offered at a level and those selected there now."""

    level: str
    target: object  # the Portfolio, Company or Establishment
    options: list  # Declarations, sorted by display name
    selected: set  # declaration ids
    noun: str = ""  # "du portefeuille « CLIENTS »", for messages

    def chosen(self):
        return [d for d in self.options if d.id in self.selected]

    def pairs(self):
        """(value, label) of every option, as the dual list takes them."""
        return [(str(d.id), d.display_name) for d in self.options]


@dataclass
class Change:
    """What a submitted selection adds and removes, and what the removal takes below."""

    selection: Selection
    wanted: set
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    habilitations: int = 0  # habilitations that go with the removed declarations
    declarants: int = 0  # distinct people holding them
    establishments: int = 0  # establishments below that lose a removed declaration
    applied: bool = False

    @property
    def needs_confirmation(self):
        return bool(self.removed) and not self.applied


def _admin_level(actor, level_name, target_id):
    require_admin(actor)
    level = LEVELS[level_name]
    target = level.target(actor, target_id)
    if target is None:
        raise NotFound()
    return level, target


def _selection(level, target):
    selected = {row.declaration_id for row in level.link.select(level.link.declaration).where(
        level.link_owner == target.id
    )}
    options = Declaration.select().where(
        Declaration.id.in_(level.parent_ids(target)) | Declaration.id.in_(list(selected))
    )
    options = sorted(options, key=lambda d: (fold(d.display_name), d.id))
    return Selection(level.name, target, options, selected, level.noun(target))


def load(actor, level_name, target_id):
    """The Selection of a portfolio, company or establishment of the actor's firm (admins only)."""
    level, target = _admin_level(actor, level_name, target_id)
    return _selection(level, target)


def _wanted_ids(selection, declaration_ids):
    """Posted values -> declaration ids; unknown ones are 404, ones not offered here are Invalid."""
    wanted = set()
    for value in declaration_ids:
        declaration_id = fields.record_id(value)
        if declaration_id is None:
            raise NotFound()
        wanted.add(declaration_id)
    offered = {d.id for d in selection.options}
    foreign = wanted - offered
    if foreign:
        known = list(Declaration.select().where(Declaration.id.in_(list(foreign))).order_by(Declaration.id))
        if len(known) != len(foreign):
            raise NotFound()
        raise Invalid({"declarations": NOT_OFFERED.format(known[0].label)})
    return wanted


def _impact(change, level, target):
    """Count what the removal takes below: habilitations, their holders, establishments."""
    ids = [d.id for d in change.removed]
    below = level.establishments(target)
    counts = (
        Habilitation.select(fn.COUNT(Habilitation.id), fn.COUNT(Habilitation.user.distinct()))
        .join(Establishment).join(Company)
        .where(level.scope(target) & Habilitation.declaration.in_(ids))
        .tuples()
        .first()
    )
    change.habilitations, change.declarants = counts or (0, 0)
    change.establishments = (
        EstablishmentDeclaration.select(fn.COUNT(EstablishmentDeclaration.establishment.distinct()))
        .where(
            EstablishmentDeclaration.establishment.in_(below) & EstablishmentDeclaration.declaration.in_(ids)
        )
        .scalar()
    ) or 0


def submit(actor, level_name, target_id, declaration_ids, confirmed=False):
    """Compare the posted selection with the current one; apply it when it only adds, or when the
    removal was confirmed. Returns the Change (change.applied tells whether anything was written)."""
    level, target = _admin_level(actor, level_name, target_id)
    selection = _selection(level, target)
    wanted = _wanted_ids(selection, declaration_ids)
    change = Change(selection, wanted)
    change.added = [d for d in selection.options if d.id in wanted - selection.selected]
    change.removed = [d for d in selection.options if d.id in selection.selected - wanted]
    if change.removed:
        _impact(change, level, target)
    if not (change.added or change.removed) or (change.removed and not confirmed):
        return change
    with database.atomic():
        lock_firm(actor.firm_id)  # a Valider of the grid meanwhile would count the same rights out
        _apply(actor, level, target, change)
    change.applied = True
    return change


def apply_lines(actor, level_name, target_id, added_ids=(), removed_ids=()):
    """The bulk file's Déclaration lines on one portfolio, company or establishment, already checked:
    the writes, journal and notices of a Valider of the page, inside the caller's transaction."""
    level, target = _admin_level(actor, level_name, target_id)
    selection = _selection(level, target)
    change = Change(selection, set())
    change.added = [d for d in selection.options if d.id in set(added_ids) - selection.selected]
    change.removed = [d for d in selection.options if d.id in set(removed_ids) & selection.selected]
    if change.removed:
        _impact(change, level, target)
    if change.added or change.removed:
        _apply(actor, level, target, change)
        change.applied = True
    return change


def _apply(actor, level, target, change):
    now = clock.now()
    events = []
    if change.added:
        ids = [d.id for d in change.added]
        level.link.insert_many(
            [{level.link_owner.name: target.id, "declaration": i} for i in ids]
        ).on_conflict_ignore().execute()
        level.add_below(target, ids)
        events += [_level_event(actor, level, target, d, True, now) for d in change.added]
    if change.removed:
        ids = [d.id for d in change.removed]
        _journal_removed_habilitations(actor, level, target, ids, now)
        removed = (Habilitation.establishment.in_(level.establishments(target))
                   & Habilitation.declaration.in_(ids))
        labels = ", ".join(d.label for d in change.removed)
        rights.rights_removed(actor, Habilitation.select(Habilitation.id).where(removed),
                              f"déclaration {labels} retirée {level.noun(target)}")
        delete_habilitations(removed)
        level.remove_below(target, ids)
        level.link.delete().where((level.link_owner == target.id) & level.link.declaration.in_(ids)).execute()
        events += [_level_event(actor, level, target, d, False, now, change) for d in change.removed]
    audit.record_many(events)
    recount_declarations(Establishment.select(Establishment.company).where(
        Establishment.id.in_(level.establishments(target))).distinct())


def _event(actor, now, **values):
    return {
        "firm": actor.firm_id, "actor": actor.id, "actor_name": actor.full_name, "at": now,
        "siret": None, "before": None, "after": None, **values,
    }


def _level_event(actor, level, target, declaration, selected, now, change=None):
    if selected:
        summary = f"« {declaration.label} » ajoutée aux déclarations {level.noun(target)}"
    else:
        summary = f"« {declaration.label} » retirée des déclarations {level.noun(target)}"
        if change is not None and level.name != ESTABLISHMENT:
            n = change.establishments
            summary += f" et de {n} établissement{'s' if n > 1 else ''}"
    return _event(
        actor, now,
        action="declaration.select" if selected else "declaration.unselect",
        object_type=level.model.__name__, object_id=str(target.id), summary=summary,
        siret=level.siret(target), declaration_code=declaration.code,
        before={"selected": not selected}, after={"selected": selected},
    )


def _journal_removed_habilitations(actor, level, target, ids, now):
    """One journal row per habilitation the removal deletes, written before deleting by a single
    INSERT … SELECT: a removal can take hundreds of thousands of rights with it."""
    siret = Establishment.siret
    spaced = (fn.SUBSTR(siret, 1, 3).concat(" ").concat(fn.SUBSTR(siret, 4, 3)).concat(" ")
              .concat(fn.SUBSTR(siret, 7, 3)).concat(" ").concat(fn.SUBSTR(siret, 10, 5)))
    summary = (
        Value("Habilitation de ").concat(fn.UPPER(User.nom)).concat(" ").concat(User.prenom)
        .concat(" pour « ").concat(Declaration.label).concat(" » sur ").concat(spaced)
        .concat(Value(f" supprimée : déclaration retirée {level.noun(target)}"))
    )
    before = (
        Value('{"declare": ').concat(Case(None, [(Habilitation.declare, "true")], "false"))
        .concat(', "pay": ').concat(Case(None, [(Habilitation.pay, "true")], "false")).concat("}")
    )
    rows = (
        Habilitation.select(
            Value(actor.firm_id),
            Value(actor.id),
            Value(actor.full_name),
            Value(now),
            Value("habilitation.remove"),
            Value("Habilitation"),
            Habilitation.id.cast("TEXT"),
            summary,
            siret,
            Declaration.code,
            before,
        )
        .join(Establishment)
        .join(Company)
        .switch(Habilitation)
        .join(Declaration)
        .switch(Habilitation)
        .join(User)
        .where(level.scope(target) & Habilitation.declaration.in_(ids))
    )
    AuditEvent.insert_from(rows, [
        AuditEvent.firm, AuditEvent.actor, AuditEvent.actor_name, AuditEvent.at, AuditEvent.action,
        AuditEvent.object_type, AuditEvent.object_id, AuditEvent.summary, AuditEvent.siret,
        AuditEvent.declaration_code, AuditEvent.before,
    ]).execute()


def company_establishments(actor, company_id, search="", page=1, per_page=50):
    """"Gestion des déclarations": the company and a page of its establishments, each with the
    number of declarations selected for it. Returns (company, rows, total)."""
    level, company = _admin_level(actor, COMPANY, company_id)
    query = Establishment.select().where(Establishment.company == company.id)
    condition = matching(search, Establishment)  # SIRET, enseigne, street, postcode, town, accents ignored
    if condition is not None:
        query = query.where(condition)
    total = query.count()
    rows = list(
        query.order_by(Establishment.is_siege.desc(), Establishment.siret).paginate(max(page, 1), per_page)
    )
    counts = dict(
        EstablishmentDeclaration.select(
            EstablishmentDeclaration.establishment, fn.COUNT(EstablishmentDeclaration.id)
        )
        .where(EstablishmentDeclaration.establishment.in_([r.id for r in rows]))
        .group_by(EstablishmentDeclaration.establishment)
        .tuples()
    )
    for row in rows:
        row.declaration_count = counts.get(row.id, 0)
    return company, rows, total
