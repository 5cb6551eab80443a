"""Bulk files of habilitations: the layout, the export of a portfolio and the blank template
(the import is in csv_import).

Layout (what the portal's CSV procedure uses, here applied at once): `;` separated, UTF-8 with a
BOM, one row per establishment × déclarant of the portfolio, columns Siret (14 digits),
Établissement, Nom, Prénom, then "<service> - Déclarer" and "<service> - Payer" (Payer only for
services that carry payment) holding 1 or 0; an empty cell means "not selected for this
establishment" in an export and "leave as it is" in an import. Export then import of the same
file changes nothing.
"""
import datetime

from peewee import chunked

from db import fields
from db.access import firm_row, require_admin
from db.bulk import IDS_PER_QUERY
from db.csv_files import BOM, rows_text
from db.database import database
from db.errors import NotFound
from db.habilitations.edits import DECLARE, PAY
from db.models import (
    Company,
    Declaration,
    Establishment,
    EstablishmentDeclaration,
    Habilitation,
    Portfolio,
    PortfolioDeclarant,
    PortfolioDeclaration,
    User,
)
from db.text import fold

FIXED = ["Siret", "Établissement", "Nom", "Prénom"]
WORDS = {DECLARE: "Déclarer", PAY: "Payer"}


def portfolio_of(actor, portfolio_id):
    """The firm's portfolio, or NotFound."""
    portfolio_id = fields.record_id(portfolio_id)
    if portfolio_id is None:
        raise NotFound()
    return firm_row(actor, Portfolio, portfolio_id)


def _establishments(portfolio):
    return Establishment.select(Establishment.id).join(Company).where(Company.portfolio == portfolio.id)


def columns(portfolio):
    """[(Declaration, column)] of the portfolio's services, in the catalogue's order."""
    ids = PortfolioDeclaration.select(PortfolioDeclaration.declaration).where(
        PortfolioDeclaration.portfolio == portfolio.id
    )
    used = EstablishmentDeclaration.select(EstablishmentDeclaration.declaration).where(
        EstablishmentDeclaration.establishment.in_(_establishments(portfolio))
    )
    services = Declaration.select().where(Declaration.id.in_(ids) | Declaration.id.in_(used)).order_by(
        Declaration.position, Declaration.id
    )
    out = []
    for service in services:
        out.append((service, DECLARE))
        if service.has_payment:
            out.append((service, PAY))
    return out


def header(cols):
    return FIXED + [f"{d.label} - {WORDS[col]}" for d, col in cols]


def people_of(portfolio):
    return list(
        User.select().join(PortfolioDeclarant, on=(PortfolioDeclarant.user == User.id))
        .where((PortfolioDeclarant.portfolio == portfolio.id) & User.is_active)
        .order_by(User.nom_key, User.prenom_key, User.id)
    )


def filename(portfolio, blank=False):
    stem = "".join(ch if ch.isalnum() else "-" for ch in fold(portfolio.name)).strip("-") or "portefeuille"
    kind = "modele-habilitations" if blank else "habilitations"
    return f"{kind}-{stem}-{datetime.date.today():%Y%m%d}.csv"


def export(actor, portfolio_id, blank=False):
    """(filename, lines): the CSV of a portfolio's habilitations (blank: the template, values
    left empty), produced a chunk of establishments at a time."""
    require_admin(actor)
    portfolio = portfolio_of(actor, portfolio_id)
    cols = columns(portfolio)
    people = people_of(portfolio)
    return filename(portfolio, blank), _lines(portfolio, cols, people, blank)


def _lines(portfolio, cols, people, blank):
    yield BOM + rows_text([header(cols)])
    establishments = (
        Establishment.select(Establishment.id, Establishment.siret, Establishment.name, Company.name)
        .join(Company).where(Company.portfolio == portfolio.id).order_by(Establishment.siret).tuples()
    )
    persons = [(p.id, p.nom, p.prenom) for p in people]
    user_ids = [p[0] for p in persons]
    columns = [(d.id, 0 if col == DECLARE else 1) for d, col in cols]
    for batch in chunked(establishments, IDS_PER_QUERY):
        ids = [row[0] for row in batch]
        # Raw rows: an export reads hundreds of thousands of cells.
        selected = set(
            database.execute(
                EstablishmentDeclaration.select(
                    EstablishmentDeclaration.establishment, EstablishmentDeclaration.declaration
                ).where(EstablishmentDeclaration.establishment.in_(ids))
            ).fetchall()
        )
        held = {}
        if not blank and user_ids:
            query = Habilitation.select(
                Habilitation.establishment, Habilitation.user, Habilitation.declaration,
                Habilitation.declare, Habilitation.pay,
            ).where(Habilitation.establishment.in_(ids) & Habilitation.user.in_(user_ids))
            held = {(e, u, d): ("1" if declare else "0", "1" if pay else "0")
                    for e, u, d, declare, pay in database.execute(query).fetchall()}
        rows = []
        for e_id, siret, name, company in batch:
            offered = [(d, i) if (e_id, d) in selected else None for d, i in columns]
            for u_id, nom, prenom in persons:
                row = [siret, name or company, nom, prenom]
                for column in offered:
                    if blank or column is None:
                        row.append("")
                    else:
                        row.append(held.get((e_id, u_id, column[0]), ("0", "0"))[column[1]])
                rows.append(row)
        yield rows_text(rows)


def portfolios(actor):
    """The firm's portfolios, for the import and export forms."""
    require_admin(actor)
    return list(Portfolio.select().where(Portfolio.firm == actor.firm_id)
                .order_by(Portfolio.is_default.desc(), Portfolio.name_key))
