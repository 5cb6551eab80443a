"""Vos déclarations: one tile ("pavé") per declaration the user holds a habilitation for, and,
behind each tile, the establishments the user may act for.

The tiles come from one grouped query on the habilitation index (user, declaration), so that the
page stays fast for a déclarant with hundreds of thousands of habilitations.
"""
import math
from dataclasses import dataclass
from datetime import datetime

from peewee import SQL, Case, fn

from db import clock
from db.errors import NotFound
from db.identifiers import clean
from db.models import Company, Declaration, Establishment, Habilitation


@dataclass
class Tile:
    declaration: Declaration
    establishments: int  # establishments the user holds a right on
    accessible: bool  # at least one right (Déclarer or Payer) is usable now
    next_access: object  # when not accessible: the moment the first right becomes usable
    now: object

    @property
    def hours_left(self):
        """Whole hours until next_access, rounded up ("Accessible sous 24 heure(s)")."""
        if self.next_access is None:
            return 0
        return max(1, math.ceil((self.next_access - self.now).total_seconds() / 3600))


def _usable(habilitation, now):
    """SQL: a right of the habilitation (the model or an alias) is held and its delay is over (NULL
    moment: no delay)."""
    declare = habilitation.declare & (habilitation.active_from.is_null() | (habilitation.active_from <= now))
    pay = habilitation.pay & (habilitation.pay_active_from.is_null() | (habilitation.pay_active_from <= now))
    return declare | pay


def _future(flag, moment, now):
    return Case(None, [(flag & (moment > now), moment)], None)


def tiles(user):
    """The tiles of the user's own habilitations, in the catalogue's order.

    The grouped count reads only the (user, declaration) index; "accessible" is an EXISTS per
    declaration that stops at the first usable right. Only a declaration none of whose rights is
    usable yet costs a scan of its rows, to find when the first one opens.
    """
    now = clock.now()
    usable = Habilitation.alias("usable")
    rows = (
        Habilitation.select(
            Habilitation.declaration,
            fn.COUNT(SQL("*")),
            fn.EXISTS(
                usable.select(SQL("1")).where(
                    (usable.user == user.id)
                    & (usable.declaration == Habilitation.declaration)
                    & _usable(usable, now)
                )
            ),
        )
        .where(Habilitation.user == user.id)
        .group_by(Habilitation.declaration)
        .tuples()
    )
    found = {declaration_id: (count, bool(accessible)) for declaration_id, count, accessible in rows}
    if not found:
        return []
    waiting = [d for d, (_, accessible) in found.items() if not accessible]
    opening = _first_openings(user, waiting, now) if waiting else {}
    declarations = Declaration.select().where(Declaration.id.in_(list(found)) & Declaration.is_active)
    result = []
    for declaration in sorted(declarations, key=lambda d: (d.position, d.label)):
        count, accessible = found[declaration.id]
        next_access = opening.get(declaration.id)
        if accessible or next_access is not None:  # rows holding neither right make no tile
            result.append(Tile(declaration, count, accessible, next_access, now))
    return result


def _first_openings(user, declaration_ids, now):
    """{declaration id: the earliest moment one of the user's rights becomes usable}."""
    rows = (
        Habilitation.select(
            Habilitation.declaration,
            fn.MIN(_future(Habilitation.declare, Habilitation.active_from, now)),
            fn.MIN(_future(Habilitation.pay, Habilitation.pay_active_from, now)),
        )
        .where((Habilitation.user == user.id) & Habilitation.declaration.in_(declaration_ids))
        .group_by(Habilitation.declaration)
        .tuples()
    )
    openings = {}
    for declaration_id, *moments in rows:
        moments = [_as_datetime(m) for m in moments if m is not None]
        if moments:
            openings[declaration_id] = min(moments)
    return openings


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


def _prefix(column, digits):
    """column starts with digits, as a range the (firm, siret) index can serve on both engines
    (LIKE 'x%' cannot use it: SQLite's LIKE ignores case)."""
    return (column >= digits) & (column < digits[:-1] + chr(ord(digits[-1]) + 1))


def tile_establishments(user, code, search="", page=1, per_page=50):
    """The establishments the user may act for with the declaration of that code.

    Returns (declaration, rights, total). NotFound when the user holds no right for it.
    """
    declaration = Declaration.get_or_none((Declaration.code == code) & Declaration.is_active)
    if declaration is None:
        raise NotFound()
    held = Habilitation.select().where(
        (Habilitation.user == user.id) & (Habilitation.declaration == declaration.id)
    )
    base = (
        held.select(Habilitation, Establishment.siret, Establishment.name, Company.name.alias("company_name"))
        .join(Establishment)
        .join(Company)
        # The firm condition lets the planner walk the (firm, siret) index in SIRET order and probe
        # the habilitations, instead of sorting all of a heavy déclarant's rows for one page.
        .where(Establishment.firm == user.firm_id)
    )
    term = (search or "").strip()
    if term:
        digits = clean(term)
        if digits.isdigit():
            # Through the establishments' (firm, siret) index: SQLite would otherwise scan all the
            # déclarant's rights for the count.
            matching = Establishment.select(Establishment.id).where(
                (Establishment.firm == user.firm_id) & _prefix(Establishment.siret, digits)
            )
            base = base.where(Habilitation.establishment.in_(matching))
        else:
            base = base.where(Company.name.contains(term) | Establishment.name.contains(term))
        if not held.exists():
            raise NotFound()
        total = base.count()
    else:
        # Every habilitation row holds a right (rows are deleted when both boxes are unticked),
        # so the count reads only the (user, declaration) index.
        total = held.count()
        if not total:
            raise NotFound()
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
