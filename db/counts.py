"""Counts maintained, not recounted: what big pages show (grid sizes, tiles) is read from rows kept
exact by the writes, instead of counting tens of thousands of rows on every view.

The rule: a write that changes what a count is made of calls its refresh here, inside its own
transaction, naming what it touched (companies, or user × declaration pairs). A refresh recounts
exactly those, set-based (UPDATE … = (SELECT COUNT …), or DELETE then INSERT … SELECT), so that a
count can never drift by a missed increment. check() recounts everything and lists what differs
(`flask --app webapp counts check`, `--repair` rewrites them all); tests/core/test_counts_db.py walks
every write path and asserts check() finds nothing.

Maintained here:
- Company.establishment_count: its registered establishments (the grid's sizes, the composition);
- CompanyDeclaration.establishment_count: its establishments with that declaration selected (the
  sizes of « Vue liste » and of a column of the grid);
- RightTally: per user × declaration, the establishments where the user holds a right, by the moment
  the first one becomes usable (NULL: usable already) — the tiles of « Vos déclarations ».
"""
import datetime
from dataclasses import dataclass

from peewee import SQL, Case, fn

from db import clock
from db.database import database
from db.models import (
    Company,
    CompanyDeclaration,
    Establishment,
    EstablishmentDeclaration,
    Habilitation,
    RightTally,
)

EPOCH = datetime.datetime(1970, 1, 1)  # a held right with no recorded moment: usable since always


def refresh_companies(companies):
    """Recount the establishments of companies (ids, or a query of company ids)."""
    ids = companies if not isinstance(companies, (list, set, tuple)) else list(companies)
    if isinstance(ids, list) and not ids:
        return
    Company.update(establishment_count=_establishments_of(Company)).where(Company.id.in_(ids)).execute()
    CompanyDeclaration.update(establishment_count=_selected_in(CompanyDeclaration)).where(
        CompanyDeclaration.company.in_(ids)
    ).execute()


def _establishments_of(company):
    return Establishment.select(fn.COUNT(SQL("*"))).where(Establishment.company == company.id)


def _selected_in(link):
    # Driven by the company's establishments, each probing the (establishment, declaration) index:
    # grouping the declaration's links instead reads them for every company.
    selected = EstablishmentDeclaration.select(SQL("1")).where(
        (EstablishmentDeclaration.establishment == Establishment.id)
        & (EstablishmentDeclaration.declaration == link.declaration))
    return Establishment.select(fn.COUNT(SQL("*"))).where(
        (Establishment.company == link.company) & fn.EXISTS(selected))


def usable_from_sql(habilitation, now):
    """SQL: when the first right held in a habilitation row becomes usable; NULL when it is already."""
    declare = Case(None, [(habilitation.declare, fn.COALESCE(habilitation.active_from, EPOCH))], None)
    pay = Case(None, [(habilitation.pay, fn.COALESCE(habilitation.pay_active_from, EPOCH))], None)
    first = Case(None, [(declare.is_null(), pay), (pay.is_null(), declare), (declare < pay, declare)], pay)
    return Case(None, [(first <= now, None)], first)


def rights_touched(condition):
    """The (user, declaration) pairs of the habilitations matching condition: read them before
    deleting those rows, then refresh_rights(pairs) after."""
    return set(Habilitation.select(Habilitation.user, Habilitation.declaration).where(condition)
               .distinct().tuples())


def refresh_rights(pairs):
    """Recount the RightTally rows of (user id, declaration id) pairs."""
    by_user = {}
    for user_id, declaration_id in pairs:
        by_user.setdefault(user_id, set()).add(declaration_id)
    now = clock.now()
    for user_id, declarations in by_user.items():
        chosen = sorted(declarations)
        RightTally.delete().where((RightTally.user == user_id) & RightTally.declaration.in_(chosen)).execute()
        RightTally.insert_from(
            _tally(now).where((Habilitation.user == user_id) & Habilitation.declaration.in_(chosen)),
            [RightTally.user, RightTally.declaration, RightTally.usable_from, RightTally.establishments],
        ).execute()


def _tally(now):
    moment = usable_from_sql(Habilitation, now)
    return (
        Habilitation.select(Habilitation.user, Habilitation.declaration, moment, fn.COUNT(SQL("*")))
        .where(Habilitation.declare | Habilitation.pay)
        .group_by(Habilitation.user, Habilitation.declaration, moment)
    )


@dataclass
class Difference:
    what: str
    key: tuple
    stored: object
    counted: object

    def __str__(self):
        return f"{self.what} {self.key} : enregistré {self.stored}, recompté {self.counted}"


def check():
    """Every maintained count compared with a recount: [Difference] (empty when all are exact)."""
    differences = []
    recount = _establishments_of(Company)
    rows = Company.select(Company.id, Company.establishment_count, recount).tuples()
    for company_id, stored, counted in rows:
        if stored != counted:
            differences.append(Difference("Company.establishment_count", (company_id,), stored, counted))
    link = CompanyDeclaration
    rows = link.select(link.company, link.declaration, link.establishment_count, _selected_in(link)).tuples()
    for company_id, declaration_id, stored, counted in rows:
        if stored != counted:
            key = (company_id, declaration_id)
            differences.append(Difference("CompanyDeclaration.establishment_count", key, stored, counted))
    now = clock.now()
    stored = _by_key(RightTally.select(RightTally.user, RightTally.declaration, RightTally.usable_from,
                                       RightTally.establishments).tuples(), now)
    counted = _by_key(database.execute(_tally(now)).fetchall(), now)
    for key in sorted(set(stored) | set(counted), key=str):
        if stored.get(key) != counted.get(key):
            differences.append(Difference("RightTally", key, stored.get(key), counted.get(key)))
    return differences


def _by_key(rows, now):
    """{(user, declaration, moment or None): count}, moments reached counted as usable."""
    out = {}
    for user_id, declaration_id, moment, count in rows:
        if isinstance(moment, str):  # SQLite hands CASE results back as text
            moment = datetime.datetime.fromisoformat(moment)
        key = (user_id, declaration_id, None if moment is None or moment <= now else moment)
        out[key] = out.get(key, 0) + count
    return {key: count for key, count in out.items() if count}


def repair():
    """Recount everything (after an import by hand, or when check() found differences)."""
    with database.atomic():
        refresh_companies(Company.select(Company.id))
        RightTally.delete().execute()
        RightTally.insert_from(
            _tally(clock.now()),
            [RightTally.user, RightTally.declaration, RightTally.usable_from, RightTally.establishments],
        ).execute()

