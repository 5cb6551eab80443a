"""Vos déclarations: one tile ("pavé") per declaration the user holds a habilitation for, and,
behind each tile, the establishments the user may act for.

The tiles read the maintained tally of rights (RightTally), so that the page stays fast for a
déclarant with hundreds of thousands of habilitations.
"""
import math
from dataclasses import dataclass, field
from typing import NamedTuple

from peewee import Case

from db import clock
from db.accounts.sessions import Extension
from db.clients.search import matching
from db.errors import NotFound
from db.models import Company, Declaration, Establishment, Habilitation, RightTally
from db.prepared import Prepared


class TileDeclaration(NamedTuple):
    """The declaration of a tile, with what the tiles show and sort by: read as a tuple (a Declaration
    model built from its eight columns cost ~50 Python calls a tile)."""
    id: int
    code: str
    label: str
    description: str
    position: int


@dataclass
class Tile:
    declaration: TileDeclaration
    establishments: int  # establishments the user holds a right on (not ended)
    available: int  # of which a right (Déclarer or Payer) is usable now
    upcoming: list  # [(moment, establishments)] whose first right becomes usable then, soonest first
    now: object
    ending: list = field(default_factory=list)  # [(end, establishments)] of rights with an end, soonest first

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


def _ended(until, now):
    return until is not None and until <= now


def tiles(user):
    """The tiles of the user's own habilitations, in the catalogue's order: how many establishments
    are accessible now, how many from which moment, and until when those with an end last.

    Read from the maintained tally (RightTally: user × declaration × moment the first right becomes
    usable × moment it ends, db/counts.py), a handful of rows whatever the number of habilitations:
    no grouping of a heavy déclarant's 48,000 rights on every view. A right whose end has come is
    left out here, at read time: it leaves the tiles the moment it ends, with no job to run."""
    now = clock.now()
    found, declarations = {}, {}
    rows = getattr(user, "tally_rows", None)
    if rows is None:
        rows = _TALLY.cursor(user.id)
    else:  # read with the session (SESSION_TALLY), for this one use: a later call reads afresh
        user.tally_rows = None
    for moment, until, count, *values in rows:
        moment, until = _moment(moment), _moment(until)
        if _ended(until, now) or (until is not None and moment is not None and until <= moment):
            continue
        if values[0] not in declarations:
            declarations[values[0]] = TileDeclaration._make(values)
        declaration = declarations[values[0]]
        available, upcoming, ending = found.setdefault(declaration.id, [0, {}, {}])
        if moment is None or moment <= now:
            found[declaration.id][0] += count
        else:
            upcoming[moment] = upcoming.get(moment, 0) + count
        if until is not None:
            ending[until] = ending.get(until, 0) + count
    result = []
    for declaration in sorted(declarations.values(), key=lambda d: (d.position, d.label)):
        available, upcoming, ending = found[declaration.id]
        later = sorted(upcoming.items())
        result.append(Tile(declaration, available + sum(n for _, n in later), available, later, now,
                           sorted(ending.items())))
    return result


# A user's tally rows with their (active) declarations, in one statement built once (db/prepared.py),
# read as tuples: Peewee's joined rows (a RightTally and a Declaration per row) cost ~600 calls a page.
# The declaration's columns are TileDeclaration's, stored as they are read (ints and text on both engines).
_DECLARATION = (Declaration.id, Declaration.code, Declaration.label, Declaration.description,
                Declaration.position)
_TALLY = Prepared(lambda user_id: RightTally.select(RightTally.usable_from, RightTally.usable_until,
                                                    RightTally.establishments, *_DECLARATION)
                  .join(Declaration).where((RightTally.user == user_id) & Declaration.is_active),
                  int, server_side=True)
_moment = RightTally.usable_from.python_value  # a stored moment (text on SQLite) as a datetime
TALLY_COLUMNS = (RightTally.usable_from, RightTally.usable_until, RightTally.establishments, *_DECLARATION)


def _session_tally(me, pad):
    return [RightTally.select(*pad(*TALLY_COLUMNS)).join(Declaration)
            .where((RightTally.user == me.user_id) & Declaration.is_active)]


def _keep_session_tally(user, rows):
    user.tally_rows = rows


# The pages that show tiles read the user's tally rows (_TALLY's columns) with the session
# (db/accounts/sessions.py): one statement, not two, each statement being a round trip and an
# executor's start on PostgreSQL; tiles(user) uses them once.
# Its types are its columns' own (code and label: varchar), so that PostgreSQL plans the UNION ALL flat.
SESSION_TALLY = Extension("tally", ("timestamp", "timestamp", "integer", "integer", "varchar", "varchar",
                                    "text", "integer"), _session_tally, (), _keep_session_tally)


def tile_of(user, declaration):
    """The user's tile of that declaration (its counts), None when it has none."""
    return next((t for t in tiles(user) if t.declaration.id == declaration.id), None)


WHEN = {"maintenant": "Accessibles maintenant", "a-venir": "À venir"}


def _usable(habilitation, now):
    """SQL: a right of the habilitation is held and its delay is over (NULL moment: no delay)."""
    declare = habilitation.declare & (habilitation.active_from.is_null() | (habilitation.active_from <= now))
    pay = habilitation.pay & (habilitation.pay_active_from.is_null() | (habilitation.pay_active_from <= now))
    return declare | pay


def not_ended(habilitation, now):
    """SQL: the habilitation has no end, or its end has not come (an end is exclusive)."""
    return habilitation.active_until.is_null() | (habilitation.active_until > now)


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
    until: object = None  # « jusqu'au » (exclusive moment), None: no end

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
    now = clock.now()
    held = Habilitation.select().where(
        (Habilitation.user == user.id) & (Habilitation.declaration == declaration.id)
        & not_ended(Habilitation, now)
    )
    if not held.exists():
        raise NotFound()
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
            r.active_until,
        )
        for r in rows
    ]
    return declaration, rights, total
