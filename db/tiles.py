"""Vos déclarations: one tile ("pavé") per declaration the user holds a habilitation for, and,
behind each tile, the establishments the user may act for.

The tiles come from one grouped query on the habilitation index (user, declaration), so that the
page stays fast for a déclarant with hundreds of thousands of habilitations.
"""
import math
from dataclasses import dataclass
from datetime import datetime

from peewee import Case, fn

from db import clock
from db.errors import NotFound
from db.identifiers import clean
from db.models import Company, Declaration, Establishment, Habilitation


@dataclass
class Tile:
    declaration: Declaration
    establishments: int  # establishments the user holds a right on
    usable: int  # of which at least one right (Déclarer or Payer) is usable now
    next_access: object  # the earliest moment a right not usable yet becomes usable, or None
    now: object

    @property
    def accessible(self):
        return self.usable > 0

    @property
    def pending(self):
        return self.establishments - self.usable

    @property
    def hours_left(self):
        """Whole hours until next_access, rounded up ("Accessible sous 24 heure(s)")."""
        if self.next_access is None:
            return 0
        return max(1, math.ceil((self.next_access - self.now).total_seconds() / 3600))


def _usable(flag, moment, now):
    """SQL: the right is held and its delay is over (a NULL moment means no delay)."""
    return flag & (moment.is_null() | (moment <= now))


def _future(flag, moment, now):
    return Case(None, [(flag & (moment > now), moment)], None)


def tiles(user):
    """The tiles of the user's own habilitations, in the catalogue's order."""
    now = clock.now()
    usable = _usable(Habilitation.declare, Habilitation.active_from, now) | _usable(
        Habilitation.pay, Habilitation.pay_active_from, now
    )
    rows = (
        Habilitation.select(
            Habilitation.declaration,
            fn.COUNT(Habilitation.id),
            fn.SUM(Case(None, [(usable, 1)], 0)),
            fn.MIN(_future(Habilitation.declare, Habilitation.active_from, now)),
            fn.MIN(_future(Habilitation.pay, Habilitation.pay_active_from, now)),
        )
        .where((Habilitation.user == user.id) & (Habilitation.declare | Habilitation.pay))
        .group_by(Habilitation.declaration)
        .tuples()
    )
    found = {row[0]: row[1:] for row in rows}
    if not found:
        return []
    declarations = Declaration.select().where(Declaration.id.in_(list(found)) & Declaration.is_active)
    result = []
    for declaration in sorted(declarations, key=lambda d: (d.position, d.label)):
        count, usable_count, next_declare, next_pay = found[declaration.id]
        moments = [_as_datetime(m) for m in (next_declare, next_pay) if m is not None]
        result.append(Tile(declaration, count, int(usable_count or 0), min(moments, default=None), now))
    return result


def _as_datetime(value):
    # SQLite hands aggregates back as text: MIN() loses the column's type.
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    return value


@dataclass
class Right:
    """One establishment behind a tile: what the user may do there, and since (or from) when."""

    siret: str
    name: str
    company: str
    declare: bool
    declare_from: object
    pay: bool
    pay_from: object
    now: object

    def usable(self, moment):
        return moment is None or moment <= self.now


def tile_establishments(user, code, search="", page=1, per_page=50):
    """The establishments the user may act for with the declaration of that code.

    Returns (declaration, rights, total). NotFound when the user holds no right for it.
    """
    declaration = Declaration.get_or_none((Declaration.code == code) & Declaration.is_active)
    if declaration is None:
        raise NotFound()
    base = (
        Habilitation.select(Habilitation, Establishment.siret, Establishment.name, Company.name.alias("company_name"))
        .join(Establishment)
        .join(Company)
        .where(
            (Habilitation.user == user.id)
            & (Habilitation.declaration == declaration.id)
            & (Habilitation.declare | Habilitation.pay)
        )
    )
    if not base.exists():
        raise NotFound()
    term = (search or "").strip()
    if term:
        digits = clean(term)
        if digits.isdigit():
            base = base.where(Establishment.siret.startswith(digits))
        else:
            base = base.where(Company.name.contains(term) | Establishment.name.contains(term))
    total = base.count()
    now = clock.now()
    rows = base.order_by(Establishment.siret).paginate(max(page, 1), per_page).objects()
    rights = [
        Right(
            r.siret, r.name, r.company_name, r.declare, r.active_from if r.declare else None,
            r.pay, r.pay_active_from if r.pay else None, now,
        )
        for r in rows
    ]
    return declaration, rights, total
