"""A firm's clients: portfolios, companies, establishments, selected declarations, habilitations.

Link tables are explicit with a unique index on the pair (no ManyToManyField), and carry the
indexes the habilitation grid and the tiles query by.
"""
import datetime

from peewee import (
    SQL,
    BooleanField,
    Case,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
    fn,
)

from db import clock
from db.counts import Counter
from db.database import BaseModel
from db.models.accounts import Firm, User
from db.models.catalogue import Declaration
from db.models.identifier_field import IdentifierField

# Server-side defaults of the columns added after the first schema: INSERT … SELECT statements that
# name their columns (migrations, bulk writes) leave them out.
EMPTY, ZERO = SQL("DEFAULT ''"), SQL("DEFAULT 0")


class Portfolio(BaseModel):
    firm = ForeignKeyField(Firm, backref="portfolios", on_delete="CASCADE")
    name = CharField(max_length=100)
    name_key = CharField(max_length=100)  # lower-cased, for the per-firm uniqueness
    comment = TextField(default="")
    is_default = BooleanField(default=False)
    created_at = DateTimeField(default=clock.now)
    # Maintained counts (PORTFOLIO_COMPANIES, PORTFOLIO_ESTABLISHMENTS below; db/counts.py).
    company_count = IntegerField(default=0)
    establishment_count = IntegerField(default=0)

    class Meta:
        indexes = ((("firm", "name_key"), True),)


class PortfolioDeclarant(BaseModel):
    """A déclarant (or administrator) who works on the portfolio's clients."""

    portfolio = ForeignKeyField(Portfolio, backref="declarant_links", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="portfolio_links", on_delete="CASCADE")

    class Meta:
        indexes = ((("portfolio", "user"), True),)


class PortfolioDeclaration(BaseModel):
    portfolio = ForeignKeyField(Portfolio, backref="declaration_links", on_delete="CASCADE")
    declaration = ForeignKeyField(Declaration, on_delete="CASCADE")

    class Meta:
        indexes = ((("portfolio", "declaration"), True),)


class FirmDeclaration(BaseModel):
    """Declarations the firm files for itself (chosen at inscription)."""

    firm = ForeignKeyField(Firm, backref="declaration_links", on_delete="CASCADE")
    declaration = ForeignKeyField(Declaration, on_delete="CASCADE")

    class Meta:
        indexes = ((("firm", "declaration"), True),)


class Company(BaseModel):
    """A client company (SIREN) of the firm; in exactly one of the firm's portfolios."""

    # firm and portfolio lead the two indexes below: no index of their own to feed on every write
    firm = ForeignKeyField(Firm, backref="companies", on_delete="CASCADE", index=False)
    portfolio = ForeignKeyField(Portfolio, backref="companies", on_delete="RESTRICT", index=False)
    siren = IdentifierField(max_length=9)
    name = CharField(max_length=200)
    added_at = DateTimeField(default=clock.now)
    establishment_count = IntegerField(default=0, constraints=[ZERO])  # maintained: db/counts.py

    class Meta:
        indexes = (
            (("firm", "siren"), True),
            (("portfolio", "name", "siren"), False),  # the composition page's order (migration 0990)
        )


class CompanyDeclaration(BaseModel):
    company = ForeignKeyField(Company, backref="declaration_links", on_delete="CASCADE", index=False)
    declaration = ForeignKeyField(Declaration, on_delete="CASCADE")
    # its establishments with it selected (db/counts.py)
    establishment_count = IntegerField(default=0, constraints=[ZERO])

    class Meta:
        indexes = ((("company", "declaration"), True),)


class Establishment(BaseModel):
    """A registered establishment (SIRET) of a client company.

    The firm is repeated here so that every grid query can be scoped to the firm by index.
    """

    # firm and company lead the indexes below: no index of their own to feed for each of the 9,000
    # establishments of a company added at once
    firm = ForeignKeyField(Firm, on_delete="CASCADE", index=False)
    company = ForeignKeyField(Company, backref="establishments", on_delete="CASCADE", index=False)
    siret = IdentifierField(max_length=14)
    name = CharField(max_length=200, default="")
    address = TextField(default="")  # one line: street, postcode and town
    street = TextField(default="", constraints=[EMPTY])  # the address line ("10 RUE DE LA VALLEE")
    postcode = CharField(max_length=10, default="", constraints=[EMPTY])
    town = CharField(max_length=200, default="", constraints=[EMPTY])
    # SIRET, enseigne, address line, postcode, town and company name, as one text that the engine's
    # full-text index reads (db/clients/search.py); written with the row, refreshed when they change.
    search_text = TextField(default="", constraints=[EMPTY])
    is_siege = BooleanField(default=False)
    is_active = BooleanField(default=True)
    registered_at = DateTimeField(default=clock.now)

    class Meta:
        indexes = (
            (("firm", "siret"), True),
            (("company", "is_siege", "siret"), False),
            (("company", "siret"), False),  # the grid's pages of one company, in SIRET order
        )


class EstablishmentDeclaration(BaseModel):
    # establishment and declaration lead the two indexes below: no index of their own (migration 0800)
    establishment = ForeignKeyField(Establishment, backref="declaration_links", on_delete="CASCADE",
                                    index=False)
    declaration = ForeignKeyField(Declaration, on_delete="CASCADE", index=False)
    # Maintained counts of the habilitations giving Déclarer / Payer on the cell, whatever their dates
    # and their holder (db/models/cell_holders.py). Not indexed (migration 0900): every Valider updates
    # them, and unindexed they stay heap-only updates on PostgreSQL (the table has a fillfactor).
    declarers = IntegerField(default=0, constraints=[SQL("DEFAULT 0")])
    payers = IntegerField(default=0, constraints=[SQL("DEFAULT 0")])

    class Meta:
        indexes = (
            (("establishment", "declaration"), True),
            (("declaration", "establishment"), False),
        )


class Habilitation(BaseModel):
    """Right of one user on one establishment for one declaration: Déclarer and/or Payer.

    A right becomes usable at active_from (granted_at + the declaration's access delay);
    Payer has its own dates because it can be granted later than Déclarer.
    """

    # user and establishment lead the two indexes below: no index of their own to feed on every write
    user = ForeignKeyField(User, backref="habilitations", on_delete="CASCADE", index=False)
    establishment = ForeignKeyField(Establishment, backref="habilitations", on_delete="CASCADE", index=False)
    declaration = ForeignKeyField(Declaration, on_delete="CASCADE")
    declare = BooleanField(default=False)
    pay = BooleanField(default=False)
    granted_at = DateTimeField(null=True)
    # Indexed: the Couverture finds the few rights not started yet by them (db/habilitations/coverage.py)
    active_from = DateTimeField(null=True, index=True)
    pay_granted_at = DateTimeField(null=True)
    pay_active_from = DateTimeField(null=True)  # indexed where set (below)
    # « Jusqu'au »: the moment both rights stop being usable (exclusive: the day after the date people
    # chose, at midnight in Paris); NULL: no end. An ended row stays until removed, out of the tiles.
    active_until = DateTimeField(null=True)  # indexed where set (below)

    class Meta:
        indexes = (
            (("establishment", "declaration", "user"), True),
            (("user", "declaration"), False),
        )


# Partial (migration 0910): the queries compare these moments with now, which implies they are set, and
# a right with no end and no Payer (most of them) then writes no entry in either index.
for _moment in (Habilitation.active_until, Habilitation.pay_active_from):
    Habilitation.add_index(Habilitation.index(_moment, name=f"habilitation_{_moment.column_name}_set")
                           .where(_moment.is_null(False)))


class RightTally(BaseModel):
    """Maintained tally of a user's establishments with a right (Déclarer or Payer) for a declaration,
    by the moment the first of them becomes usable (EPOCH: since always; a moment passed is usable
    now) and the moment they end (NULL: never). The tiles read it instead of grouping the rights
    (USER_DECLARATION_RIGHTS below), and compare both moments with now: a right leaves the tiles
    the moment it ends, with no job to run."""

    user = ForeignKeyField(User, on_delete="CASCADE")
    declaration = ForeignKeyField(Declaration, on_delete="CASCADE")
    usable_from = DateTimeField(null=True)
    usable_until = DateTimeField(null=True)
    establishments = IntegerField(default=0)

    class Meta:
        indexes = ((("user", "declaration", "usable_from"), False),)


# Maintained counts (db/counts.py), declared next to the columns that hold them.
# "Vos portefeuilles", kept by db/clients/writes.py (register, move and delete companies, register and
# unregister establishments), which every write path of companies goes through.
PORTFOLIO_COMPANIES = Counter(
    "portfolio.companies", Portfolio.company_count,
    lambda: Company.select(fn.COUNT(Company.id)).where(Company.portfolio == Portfolio.id),
)
PORTFOLIO_ESTABLISHMENTS = Counter(
    "portfolio.establishments", Portfolio.establishment_count,
    lambda: Establishment.select(fn.COUNT(Establishment.id))
    .join(Company, on=(Establishment.company == Company.id)).where(Company.portfolio == Portfolio.id),
)
# The sizes of the habilitation grid and of « Vue liste »: kept by db/clients/writes.py too, and by
# the choices of declarations (db/declarations/selections.py).
COMPANY_ESTABLISHMENTS = Counter(
    "company.establishments", Company.establishment_count,
    lambda: Establishment.select(fn.COUNT(Establishment.id)).where(Establishment.company == Company.id),
)


def _selected_in_company():
    # Driven by the company's establishments, each probing the (establishment, declaration) index:
    # grouping the declaration's links instead reads them for every company.
    link = CompanyDeclaration
    selected = EstablishmentDeclaration.select(SQL("1")).where(
        (EstablishmentDeclaration.establishment == Establishment.id)
        & (EstablishmentDeclaration.declaration == link.declaration))
    return Establishment.select(fn.COUNT(Establishment.id)).where(
        (Establishment.company == link.company) & fn.EXISTS(selected))


COMPANY_DECLARATION_ESTABLISHMENTS = Counter(
    "company_declaration.establishments", CompanyDeclaration.establishment_count, _selected_in_company)

EPOCH = datetime.datetime(1970, 1, 1)  # a right held with no recorded moment: usable since always


def first_usable(habilitation):
    """SQL: when the first right held in a habilitation row becomes usable (EPOCH: since always)."""
    declare = Case(None, [(habilitation.declare, fn.COALESCE(habilitation.active_from, EPOCH))], None)
    pay = Case(None, [(habilitation.pay, fn.COALESCE(habilitation.pay_active_from, EPOCH))], None)
    return Case(None, [(declare.is_null(), pay), (pay.is_null(), declare), (declare < pay, declare)], pay)


# The tiles of « Vos déclarations »: a tally per user × declaration × moment, recounted by every write
# of habilitations (Valider, the files, leaving a portfolio, a company moved or removed, a declaration
# no longer selected): see db/clients/writes.delete_habilitations.
_MOMENT = first_usable(Habilitation)
USER_DECLARATION_RIGHTS = Counter(
    "user_declaration.rights", RightTally.establishments,
    lambda: Habilitation.select(Habilitation.user, Habilitation.declaration, _MOMENT,
                                Habilitation.active_until, fn.COUNT(Habilitation.id))
    .where(Habilitation.declare | Habilitation.pay)
    .group_by(Habilitation.user, Habilitation.declaration, _MOMENT, Habilitation.active_until),
    source={RightTally.user: Habilitation.user, RightTally.declaration: Habilitation.declaration,
            RightTally.usable_from: _MOMENT, RightTally.usable_until: Habilitation.active_until},
)
