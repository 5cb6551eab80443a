"""The Plan of pending Edits (see edits.py): what they would change, counted, with the changes to
list. Nothing is written here: writes.apply() writes the same edits at "Valider".

A "Tout (dé)cocher" or a column tick is counted in SQL (one COUNT per column) and only its first
changes are read, to be listed; the boxes named one by one (ticks of the page, an imported file) and
a copy are read cell by cell, and correct the bulk counts where they overlap.
"""
from dataclasses import dataclass, field

from db.errors import Invalid
from db.habilitations import grid
from db.habilitations.edits import DECLARE, PAY
from db.habilitations.sources import (
    bulk_rows,
    change_of,
    check_ownership,
    copy_rows,
    explicit_rows,
    members,
    not_copied,
    raw,
    scoped,
)
from db.models import Company, Declaration, Portfolio

BULK_TOO_LARGE = (
    "« Tout (dé)cocher » porterait sur {} cases : c'est plus que les {} permises en une fois. "
    "Précisez la recherche (entreprise, SIRET, service ou déclarant), puis recommencez."
)
LISTED = 200  # changes of a bulk edit read to be listed; the counts cover them all
INDEX = {DECLARE: 0, PAY: 1}


@dataclass
class Plan:
    changes: list  # CellChanges: those named one by one or copied, then the first of the bulk ones
    added: int = 0  # boxes ticked
    removed: int = 0  # boxes unticked
    not_copied: int = 0  # copy: rights of the source where the target is not offered
    bulk_changed: dict = field(default_factory=dict)  # bulk key (see Edits.bulks) -> boxes it changes
    event: object = None  # once applied: the journal's event (AuditEvent)
    usable_from: object = None  # once applied: when the rights granted become usable
    delay_hours: int = None  # once applied: their access delay, when they share one

    @property
    def summary(self):
        return pending_phrase(self.added, self.removed)

    @property
    def total(self):
        """Boxes that change: "3 845 modifications en attente"."""
        return self.added + self.removed

    @property
    def unlisted(self):
        return max(0, self.total - sum(c.added + c.removed for c in self.changes))


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


def declarations_of(edits):
    """{id: Declaration} of the services a column tick names (404 for an unknown one)."""
    from db.errors import NotFound

    ids = {service for _, service, _, _ in edits.bulks() if service is not None}
    found = {d.id: d for d in Declaration.select().where(Declaration.id.in_(sorted(ids)))} if ids else {}
    if len(found) != len(ids):
        raise NotFound()
    return found


def cells_at_most(criteria):
    """An upper bound of grid.total(criteria) from maintained counts, no cell read: an establishment has
    at most one cell per declaration, for each person of its portfolio the criteria list. When it is
    within BULK_LIMIT, a « Tout (dé)cocher » needs no exact count (which reads every pair: 0.1 s for
    the 69,000 of a grand portfolio)."""
    people = grid.people_by_portfolio(criteria)[0]
    if criteria.company is not None:
        sizes = dict(Company.select(Company.portfolio, Company.establishment_count)
                     .where(Company.id == criteria.company.id).tuples())
    else:
        sizes = dict(Portfolio.select(Portfolio.id, Portfolio.establishment_count)
                     .where(Portfolio.id.in_(list(people) or [0])).tuples())
    width = 1 if criteria.service is not None else Declaration.select().where(Declaration.is_active).count()
    return width * sum(sizes.get(p, 0) * len(persons) for p, persons in people.items())


def check_size(criteria, edits):
    """Refuse a « Tout (dé)cocher » of the list over more cells than BULK_LIMIT."""
    if not edits.bulk or cells_at_most(criteria) <= grid.BULK_LIMIT:
        return
    covered = grid.total(criteria)
    if covered > grid.BULK_LIMIT:
        raise Invalid({"__all__": BULK_TOO_LARGE.format(_n(covered), _n(grid.BULK_LIMIT))})


def plan(actor, criteria, edits):
    """The Plan of the edits against the database now (nothing written)."""
    check_size(criteria, edits)
    declarations = declarations_of(edits)
    result = Plan([])
    bulks = [(key, scoped(criteria, declarations, service), column, value)
             for key, service, column, value in edits.bulks()]
    for key, where, column, value in bulks:
        result.bulk_changed[key] = bulk_rows(where, column, value).count()
        result.added += result.bulk_changed[key] if value else 0
        result.removed += 0 if value else result.bulk_changed[key]
    entries, copied = {}, {}
    if edits.copy:
        target, source = edits.copy
        for row in raw(copy_rows(criteria, target, source)):
            entry = entries[(row[0], row[3], row[8])] = change_of(row)
            copied[entry.key] = [bool(row[14]), bool(row[15]) and entry.has_payment]
        result.not_copied = not_copied(criteria, target, source)
    if edits.cells:
        found = explicit_rows(actor, set(edits.cells))
        for key in edits.cells:
            entries.setdefault(key, change_of(found[key]))
            _check_payer(entries[key], edits.cells[key])
    for _, where, column, value in bulks:  # in order: the bulk edits, the copy, the boxes one by one
        for cell in members(where, column, set(entries)) if entries else ():
            entry = entries[cell]
            entry.after[INDEX[column]] = value
            if entry.before[INDEX[column]] != value:  # its own change counts instead in the total
                result.added -= 1 if value else 0
                result.removed -= 0 if value else 1
    for key, boxes in copied.items():
        entries[key].after[:] = boxes
    for key, columns in edits.cells.items():
        for column, value in columns.items():
            entries[key].after[INDEX[column]] = value
    unchanged = edits.seen - set(edits.cells)
    if unchanged:  # cells shown but not changed are checked to be the firm's all the same
        check_ownership(actor, unchanged)
    changes = sorted((e for e in entries.values() if tuple(e.after) != e.before),
                     key=lambda e: (e.siret, e.code, e.person))
    result.added += sum(e.added for e in changes)
    result.removed += sum(e.removed for e in changes)
    result.changes = changes + _first_bulk_changes(bulks, set(entries), LISTED - len(changes))
    return result


def _check_payer(entry, columns):
    if columns.get(PAY) and not entry.has_payment:
        raise Invalid({"__all__": f"« {entry.label} » ne comporte pas de droit Payer."})


def check_named(actor, edits):
    """{key: (siret, boxes now as bits, {column: value})} of the cells named one by one, checked as
    plan() checks them: the firm's cells (404, or Conflict when one is gone), Payer where it exists."""
    found = explicit_rows(actor, set(edits.cells)) if edits.cells else {}
    out = {}
    for key, columns in edits.cells.items():
        entry = change_of(found[key])
        _check_payer(entry, columns)
        out[key] = (entry.siret, (1 if entry.before[0] else 0) | (2 if entry.before[1] else 0), columns)
    unchanged = edits.seen - set(edits.cells)
    if unchanged:
        check_ownership(actor, unchanged)
    return out


def _first_bulk_changes(bulks, special, room):
    """The first changes of the bulk edits, to be listed (the cells listed already left out)."""
    listed = {}
    for _, where, column, value in bulks:
        if room - len(listed) <= 0:
            break
        for row in raw(bulk_rows(where, column, value).limit(room - len(listed) + len(special))):
            key = (row[0], row[3], row[8])
            if key in special:
                continue
            entry = listed.get(key) or change_of(row)
            entry.after[INDEX[column]] = value
            listed[key] = entry
    return sorted(listed.values(), key=lambda e: (e.siret, e.code, e.person))[:max(room, 0)]
