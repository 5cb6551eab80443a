"""The Plan of pending Edits (see edits.py): what they would change in the database, cell by
cell, with the counts the grid shows. Nothing is written here: writes.apply() writes a Plan at
"Valider", and describe() tells the cells of a conflict.
"""
from dataclasses import dataclass, field

from peewee import JOIN, chunked, fn

from db.bulk import IDS_PER_QUERY
from db.database import database
from db.errors import Conflict, Invalid, NotFound
from db.habilitations import cells, grid
from db.habilitations.criteria import CELL_COLUMNS, cells_query, coalesce_false, pairs_query
from db.habilitations.edits import DECLARE, PAY
from db.identifiers import format_siret
from db.models import (
    Company,
    Declaration,
    Establishment,
    EstablishmentDeclaration,
    Habilitation,
    PortfolioDeclarant,
    User,
)

BULK_TOO_LARGE = (
    "« Tout (dé)cocher » porterait sur {} cases : c'est plus que les {} permises en une fois. "
    "Précisez la recherche (entreprise, Siret, service ou déclarant), puis recommencez."
)
CONFLICT = (
    "Ces habilitations ont été modifiées par un autre administrateur depuis l'affichage de la grille : "
    "rien n'a été enregistré. La grille est rechargée avec leurs valeurs actuelles ; vérifiez-les, "
    "puis cliquez de nouveau sur « Valider » pour appliquer vos modifications."
)
GONE = "n'est plus proposée (déclaration ou déclarant retiré entre-temps)"


@dataclass(slots=True)
class CellChange:
    key: tuple
    siret: str
    establishment: str
    code: str
    label: str
    has_payment: bool
    delay_hours: int
    person: str
    habilitation_id: int
    before: tuple  # (declare, pay)
    after: list

    @property
    def added(self):
        return sum(1 for b, a in zip(self.before, self.after, strict=True) if a and not b)

    @property
    def removed(self):
        return sum(1 for b, a in zip(self.before, self.after, strict=True) if b and not a)

    @property
    def what(self):
        """ "Déclarer ajouté, Payer retiré": the boxes that change."""
        return ", ".join(
            f"{name} {'ajouté' if self.after[i] else 'retiré'}"
            for i, name in enumerate(("Déclarer", "Payer")) if self.before[i] != self.after[i]
        )


@dataclass
class Plan:
    changes: list
    added: int = 0
    removed: int = 0
    not_copied: int = 0  # copy: rights of the source where the target is not offered
    bulk_changed: dict = field(default_factory=dict)  # column -> boxes "Tout (dé)cocher" changes

    @property
    def summary(self):
        return pending_phrase(self.added, self.removed)


def _n(value):
    return f"{value:,}".replace(",", "\u202f")


def pending_phrase(added, removed):
    """ "3 habilitations ajoutées, 1 retirée" (the grid's pending count)."""
    if not added and not removed:
        return "Aucune modification en attente."
    if not added:
        return f"{_n(removed)} habilitation{'s' if removed > 1 else ''} retirée{'s' if removed > 1 else ''}"
    text = f"{_n(added)} habilitation{'s' if added > 1 else ''} ajoutée{'s' if added > 1 else ''}"
    if removed:
        text += f", {_n(removed)} retirée{'s' if removed > 1 else ''}"
    return text


def _change(row):
    e_id, siret, name, d_id, code, label, has_payment, delay, u_id, nom, prenom, h_id, declare, pay = row[:14]
    before = (bool(declare), bool(pay) and bool(has_payment))
    return CellChange(
        (e_id, d_id, u_id), siret, name, code, label, bool(has_payment), delay, f"{nom.upper()} {prenom}",
        h_id, before, list(before),
    )


def _explicit_rows(actor, keys):
    """The current state of the cells named one by one, checked to be cells of the firm."""
    found = cells.load(actor.firm_id, keys)
    missing = keys - set(found)
    if missing:
        _check_ownership(actor, missing)
        raise Conflict(CONFLICT, _gone(sorted(missing)[:200]))
    return found


def _check_ownership(actor, keys):
    """An establishment, person or declaration that is not the firm's is a 404, never a hint."""
    for ids, model, scoped in (
        ({k[0] for k in keys}, Establishment, Establishment.firm == actor.firm_id),
        ({k[2] for k in keys}, User, User.firm == actor.firm_id),
        ({k[1] for k in keys}, Declaration, True),
    ):
        for chunk in chunked(sorted(ids), IDS_PER_QUERY):
            if model.select().where(model.id.in_(chunk) & scoped).count() != len(chunk):
                raise NotFound()


def _gone(keys):
    sirets = dict(Establishment.select(Establishment.id, Establishment.siret)
                  .where(Establishment.id.in_({k[0] for k in keys})).tuples())
    labels = dict(Declaration.select(Declaration.id, Declaration.label)
                  .where(Declaration.id.in_({k[1] for k in keys})).tuples())
    people = {u.id: u.full_name for u in User.select().where(User.id.in_({k[2] for k in keys}))}
    return [f"{format_siret(sirets[e])} – {labels[d]} – {people[u]} : {GONE}" for e, d, u in keys]


def _bulk_rows(criteria, column, value):
    box = Habilitation.declare if column == DECLARE else Habilitation.pay
    query = cells_query(criteria, *CELL_COLUMNS).where(coalesce_false(box) != value)
    return query.where(Declaration.has_payment) if column == PAY else query


def _copy_rows(criteria, target, source):
    """Cells of the target whose boxes differ from the source's on the same establishment and service."""
    theirs = Habilitation.alias()
    query = cells_query(criteria, *CELL_COLUMNS, theirs.declare, theirs.pay, user_ids=[target]).join(
        theirs, on=(
            (theirs.establishment == EstablishmentDeclaration.establishment)
            & (theirs.declaration == EstablishmentDeclaration.declaration)
            & (theirs.user == source)
        ), join_type=JOIN.LEFT_OUTER,
    )
    differs = (coalesce_false(Habilitation.declare) != coalesce_false(theirs.declare)) | (
        Declaration.has_payment & (coalesce_false(Habilitation.pay) != coalesce_false(theirs.pay))
    )
    return query.where(differs)


def _not_copied(criteria, target, source):
    """Rights of the source on cells where the target is not a déclarant of the portfolio."""
    offered = PortfolioDeclarant.select().where(
        (PortfolioDeclarant.portfolio == Company.portfolio) & (PortfolioDeclarant.user == target)
    )
    return (
        pairs_query(criteria, Habilitation.id)
        .join(Habilitation, on=(
            (Habilitation.establishment == EstablishmentDeclaration.establishment)
            & (Habilitation.declaration == EstablishmentDeclaration.declaration)
            & (Habilitation.user == source)
        ))
        .where((Habilitation.declare | Habilitation.pay) & ~fn.EXISTS(offered))
        .count()
    )


def _raw(query):
    """The query's rows as the driver returns them: tens of thousands of cells are read without
    peewee's per-value conversion (the booleans are read with bool(), the texts are texts)."""
    return database.execute(query).fetchall()


def plan(actor, criteria, edits):
    """The Plan of the edits against the database now (nothing written)."""
    entries, bulk_changed = {}, {}
    covered = grid.total(criteria) if edits.bulk else 0
    if covered > grid.BULK_LIMIT:
        raise Invalid({"__all__": BULK_TOO_LARGE.format(_n(covered), _n(grid.BULK_LIMIT))})
    for column, value in edits.bulk.items():
        bulk_changed[column] = 0
        for row in _raw(_bulk_rows(criteria, column, value)):
            bulk_changed[column] += 1
            entry = entries.get((row[0], row[3], row[8])) or _change(row)
            entries[entry.key] = entry
            entry.after[0 if column == DECLARE else 1] = value
    not_copied = 0
    if edits.copy:
        target, source = edits.copy
        for row in _raw(_copy_rows(criteria, target, source)):
            entry = entries.get((row[0], row[3], row[8])) or _change(row)
            entries[entry.key] = entry
            entry.after[:] = [bool(row[14]), bool(row[15]) and entry.has_payment]
        not_copied = _not_copied(criteria, target, source)
    if edits.cells:
        found = _explicit_rows(actor, set(edits.cells))
        for key, columns in edits.cells.items():
            entry = entries.get(key)
            if entry is None:
                row = found[key]
                if columns.get(PAY) and not row[6]:
                    raise Invalid({"__all__": f"« {row[5]} » ne comporte pas de droit Payer."})
                current = (bool(row[12]), bool(row[13]) and bool(row[6]))
                if (columns.get(DECLARE, current[0]), columns.get(PAY, current[1])) == current:
                    continue  # an imported line often restates what is there: no change to build
                entry = entries[key] = _change(row)
            for column, value in columns.items():
                if column == PAY and value and not entry.has_payment:
                    raise Invalid({"__all__": f"« {entry.label} » ne comporte pas de droit Payer."})
                entry.after[0 if column == DECLARE else 1] = value
    unchanged = edits.seen - set(edits.cells)
    if unchanged:  # cells shown but not changed are checked to be the firm's all the same
        _check_ownership(actor, unchanged)
    changes = [e for e in entries.values() if tuple(e.after) != e.before]
    changes.sort(key=lambda e: (e.siret, e.code, e.person))
    return Plan(
        changes, sum(e.added for e in changes), sum(e.removed for e in changes), not_copied, bulk_changed
    )


def describe(actor, keys):
    """ "SIRET – service – person : Déclarer coché, Payer décoché" for cells, with their values now."""
    if not keys:
        return []
    rows = cells.load(actor.firm_id, keys)
    out = []
    for row in sorted((rows[k] for k in keys if k in rows), key=lambda r: (r[1], r[4], r[9], r[10])):
        cell = _change(row)
        boxes = [f"Déclarer {'coché' if cell.before[0] else 'décoché'}"]
        if cell.has_payment:
            boxes.append(f"Payer {'coché' if cell.before[1] else 'décoché'}")
        out.append(f"{format_siret(cell.siret)} – {cell.label} – {cell.person} : {', '.join(boxes)}")
    return out
