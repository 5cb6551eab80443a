"""The bulk file's blank template and the export of the firm's current state (all its portfolios, or
one) in the same layout (csv_layout): importing an export again changes nothing.

For each portfolio: its declarations, then each company (by name) with its declarations, each of its
establishments with theirs, and the habilitations held on them. Produced a chunk of establishments at
a time, so that a firm of a million habilitations streams in constant memory.
"""
import datetime

from peewee import chunked

from db import fields
from db.access import firm_row, require_admin
from db.bulk import IDS_PER_QUERY
from db.clock import until_fr
from db.database import database
from db.errors import NotFound
from db.habilitations.csv_layout import (
    ADD,
    COMPANY,
    DECLARATION,
    ESTABLISHMENT,
    HABILITATION,
    SET,
    header_text,
    neutral,
    write,
)
from db.models import (
    Company,
    CompanyDeclaration,
    Declaration,
    Establishment,
    EstablishmentDeclaration,
    Habilitation,
    Portfolio,
    PortfolioDeclaration,
    User,
)
from db.text import fold


def portfolio_of(actor, portfolio_id):
    """The firm's portfolio, or NotFound."""
    portfolio_id = fields.record_id(portfolio_id)
    if portfolio_id is None:
        raise NotFound()
    return firm_row(actor, Portfolio, portfolio_id)


def portfolios(actor):
    """The firm's portfolios, default first (the export form's choices)."""
    require_admin(actor)
    return list(Portfolio.select().where(Portfolio.firm == actor.firm_id)
                .order_by(Portfolio.is_default.desc(), Portfolio.name_key))


def filename(portfolio=None, blank=False):
    if blank:
        return "modele-fichier-de-gestion.csv"
    stem = "".join(ch if ch.isalnum() else "-" for ch in fold(portfolio.name)).strip("-") if portfolio else ""
    return f"fichier-de-gestion-{stem or 'cabinet'}-{datetime.date.today():%Y%m%d}.csv"


def template():
    """(filename, lines) of the blank template: the header row."""
    return filename(blank=True), iter([header_text()])


def export(actor, portfolio_id=None):
    """(filename, lines) of the current state of one portfolio, or of the whole firm."""
    require_admin(actor)
    chosen = [portfolio_of(actor, portfolio_id)] if str(portfolio_id or "").strip() else portfolios(actor)
    return filename(chosen[0] if len(chosen) == 1 and portfolio_id else None), _lines(chosen)


def _codes():
    return {d.id: d for d in Declaration.select()}


def _lines(chosen):
    yield header_text()
    catalogue = _codes()
    for portfolio in chosen:
        yield from _portfolio_lines(portfolio, catalogue)


def _portfolio_lines(portfolio, catalogue):
    # Free text is neutralised here, once (neutral): codes, numbers and 0/1 need not be, and the
    # export writes millions of cells. Names of people are letters only (db.fields.name).
    name = neutral(portfolio.name)
    ids = [d for (d,) in PortfolioDeclaration.select(PortfolioDeclaration.declaration)
           .where(PortfolioDeclaration.portfolio == portfolio.id).tuples()]
    yield write(_declaration_rows(catalogue, ids, name), neutralised=True)
    companies = {c[0]: c for c in Company.select(Company.id, Company.siren, Company.name)
                 .where(Company.portfolio == portfolio.id).tuples()}
    company_decls = {}
    for company_id, declaration_id in (CompanyDeclaration.select(CompanyDeclaration.company,
                                                                 CompanyDeclaration.declaration)
                                       .join(Company).where(Company.portfolio == portfolio.id).tuples()):
        company_decls.setdefault(company_id, []).append(declaration_id)
    establishments = (Establishment.select(Establishment.id, Establishment.company, Establishment.siret,
                                           Establishment.name, Establishment.address)
                      .join(Company).where(Company.portfolio == portfolio.id)
                      .order_by(Company.name, Company.siren, Establishment.siret).tuples())
    codes = {d.id: d.code for d in catalogue.values()}  # plain dicts: read a million times
    paying = {d.id for d in catalogue.values() if d.has_payment}
    current = None
    for batch in chunked(database.execute(establishments).fetchall(), IDS_PER_QUERY):
        rows, details = [], _details([row[0] for row in batch])
        for e_id, company_id, siret, label, address in batch:
            _, siren, company_name = companies[company_id]
            if company_id != current:
                current = company_id
                rows.append([COMPANY, ADD, name, siren, "", "", "", "", "", "", "", neutral(company_name)])
                rows += _declaration_rows(catalogue, company_decls.get(company_id, []), name, siren)
            rows.append([ESTABLISHMENT, ADD, name, siren, siret, "", "", "", "", "", "",
                         neutral(" – ".join(p for p in (label, address) if p))])
            selected, held = details
            rows += _declaration_rows(catalogue, selected.get(e_id, []), name, siren, siret)
            rows += [[HABILITATION, SET, name, siren, siret, codes[d], nom, prenom, _box(declare),
                      _box(pay) if d in paying else "", until_fr(until), ""]
                     for d, nom, prenom, declare, pay, until in held.get(e_id, [])]
        yield write(rows, neutralised=True)


def _box(value):
    return "1" if value else "0"


def _declaration_rows(catalogue, ids, portfolio, siren="", siret=""):
    """Déclaration;Ajouter lines of a portfolio, a company or an establishment, in the catalogue's order."""
    return [[DECLARATION, ADD, portfolio, siren, siret, catalogue[d].code, "", "", "", "", "",
             catalogue[d].label]
            for d in sorted(ids, key=lambda d: catalogue[d].position)]


def _details(establishment_ids):
    """({establishment: [declaration ids]},
    {establishment: [(declaration, nom, prénom, declare, pay, end)]})."""
    selected, held = {}, {}
    links = EstablishmentDeclaration.select(EstablishmentDeclaration.establishment,
                                            EstablishmentDeclaration.declaration).where(
        EstablishmentDeclaration.establishment.in_(establishment_ids))
    for e_id, declaration_id in database.execute(links).fetchall():
        selected.setdefault(e_id, []).append(declaration_id)
    rights = (Habilitation.select(Habilitation.establishment, Habilitation.declaration, User.nom, User.prenom,
                                  Habilitation.declare, Habilitation.pay, Habilitation.active_until)
              .join(User, on=(Habilitation.user == User.id))
              .where(Habilitation.establishment.in_(establishment_ids) & User.is_active)
              .order_by(Habilitation.establishment, Habilitation.declaration, User.nom_key, User.prenom_key))
    for e_id, declaration_id, nom, prenom, declare, pay, until in database.execute(rights).fetchall():
        held.setdefault(e_id, []).append((declaration_id, nom, prenom, declare, pay,
                                          Habilitation.active_until.python_value(until)))
    return selected, held
