"""Vos déclarations: one tile ("pavé") per declaration the user holds a habilitation for, and,
behind each tile, the establishments the user may act for.

The tiles read the maintained tally of rights (RightTally), so that the page stays fast for a
déclarant with hundreds of thousands of habilitations.
"""
import math
from dataclasses import dataclass

from peewee import Case

from db import clock
from db.clients.search import matching
from db.errors import NotFound
from db.models import Company, Declaration, Establishment, Habilitation, RightTally


@dataclass
class Tile:
    declaration: Declaration
    establishments: int  # establishments the user holds a right on
    available: int  # of which a right (Déclarer or Payer) is usable now
    upcoming: list  # [(moment, establishments)] whose first right becomes usable then, soonest first
    now: object

    @property
    def accessible(self):
        return self.available > 0

    @property
    def next_access(self):
        """When not accessible: the moment the first right becomes usable."""
        return None if self.accessible or not self.upcoming else self.upcoming[0][0]

    @property
    def hours_left(self):
        """Whole hours until next_access, rounded up ("Accessible sous 24 heures")."""
        if self.next_access is None:
            return 0
        return max(1, math.ceil((self.next_access - self.now).total_seconds() / 3600))


def tiles(user):
    """The tiles of the user's own habilitations, in the catalogue's order: how many establishments
    are accessible now and how many from which moment.

    Read from the maintained tally (RightTally: user × declaration × moment the first right becomes
    usable, db/counts.py), a handful of rows whatever the number of habilitations: no grouping of a
    heavy déclarant's 48,000 rights on every view."""
    now = clock.now()
    found = {}
    rows = RightTally.select(RightTally.declaration, RightTally.usable_from, RightTally.establishments).where(
        RightTally.user == user.id).tuples()
    for declaration_id, moment, count in rows:
        available, upcoming = found.setdefault(declaration_id, [0, {}])
        if moment is None or moment <= now:
            found[declaration_id][0] += count
        else:
            upcoming[moment] = upcoming.get(moment, 0) + count
    if not found:
        return []
    declarations = Declaration.select().where(Declaration.id.in_(list(found)) & Declaration.is_active)
    result = []
    for declaration in sorted(declarations, key=lambda d: (d.position, d.label)):
        available, upcoming = found[declaration.id]
        later = sorted(upcoming.items())
        result.append(Tile(declaration, available + sum(n for _, n in later), available, later, now))
    return result


def tile_of(user, declaration):
    """The user's tile of that declaration (its counts), None when it has none."""
    return next((t for t in tiles(user) if t.declaration.id == declaration.id), None)


WHEN = {"maintenant": "Accessibles maintenant", "a-venir": "À venir"}


def _usable(habilitation, now):
    """SQL: a right of the habilitation is held and its delay is over (NULL moment: no delay)."""
    declare = habilitation.declare & (habilitation.active_from.is_null() | (habilitation.active_from <= now))
    pay = habilitation.pay & (habilitation.pay_active_from.is_null() | (habilitation.pay_active_from <= now))
    return declare | pay


@dataclass
class Right:
    """One establishment behind a tile: what the user may do there, and since (or from) when."""

    siret: str
    name: str
    address: str
    company: str
    declare: bool
    declare_from: object
    pay: bool
    pay_from: object
    now: object

    def usable(self, moment):
        return moment is None or moment <= self.now


def tile_establishments(user, code, search="", page=1, per_page=50, when=""):
    """The establishments the user may act for with the declaration of that code, those accessible
    now first; searched like every list of establishments (SIRET or its beginning, enseigne, street,
    postcode, town, company name), filtered by when ("maintenant", "a-venir", "" for both).

    Returns (declaration, rights, total). NotFound when the user holds no right for it."""
    declaration = Declaration.get_or_none((Declaration.code == code) & Declaration.is_active)
    if declaration is None:
        raise NotFound()
    held = Habilitation.select().where(
        (Habilitation.user == user.id) & (Habilitation.declaration == declaration.id)
    )
    if not held.exists():
        raise NotFound()
    now = clock.now()
    usable = _usable(Habilitation, now)
    base = (
        held.select(Habilitation, Establishment.siret, Establishment.name, Establishment.street,
                    Establishment.postcode, Establishment.town, Company.name.alias("company_name"))
        .join(Establishment)
        .join(Company)
        .where(Establishment.firm == user.firm_id)
    )
    condition = matching(search, Establishment)
    if condition is not None:
        base = base.where(condition)
    if when in WHEN:
        base = base.where(usable if when == "maintenant" else ~usable)
    # Without a filter every habilitation row holds a right: the count reads the (user, declaration) index.
    total = base.count() if condition is not None or when in WHEN else held.count()
    rows = (base.order_by(Case(None, [(usable, 0)], 1), Establishment.siret)
            .paginate(max(page, 1), per_page).objects())
    rights = [
        Right(
            r.siret, r.name, " ".join(p for p in (r.street, r.postcode, r.town) if p), r.company_name,
            r.declare, r.active_from if r.declare else None, r.pay, r.pay_active_from if r.pay else None, now,
        )
        for r in rows
    ]
    return declaration, rights, total
