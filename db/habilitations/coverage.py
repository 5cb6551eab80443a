"""Couverture: per portfolio, the establishments × selected declarations that nobody may Déclarer (or
Payer) today, and those only one person may; each line names the grid's criteria that fix it.

One set-based statement per page, whose cost follows the gaps, not the portfolio: each cell's holders
are a maintained count (EstablishmentDeclaration.declarers / .payers, db/models/cell_holders.py) that
takes every habilitation with the box ticked; the cells counted 0 or 1 come from its index, and the
few habilitations that give no right now (not started, ended, holder deactivated: each set from its
index) are taken away from their cells' counts. The cells kept (0 or 1) come in the company's and the
SIRET's order, with both counts over the portfolio as window sums. A second statement names the only
holder of the page's cells covered once."""
from dataclasses import dataclass

from peewee import JOIN, fn

from db import clock
from db.access import firm_row, require_admin
from db.database import database, is_postgres
from db.errors import NotFound
from db.models import (
    Company,
    Declaration,
    Establishment,
    EstablishmentDeclaration,
    Habilitation,
    Portfolio,
    User,
)

PER_PAGE = 50
RIGHTS = {"declarer": "Déclarer", "payer": "Payer"}
KINDS = {"": "Non couverts ou par une seule personne", "aucun": "Personne", "une": "Une seule personne"}


@dataclass
class Gap:
    company_id: int
    company: str
    establishment_id: int
    siret: str
    establishment: str
    declaration_id: int
    declaration: str
    holders: int  # 0 or 1
    holder: str = ""  # the one person, when holders == 1


@dataclass
class Coverage:
    portfolios: list  # [(id, name)]
    portfolio: Portfolio
    right: str  # "declarer" or "payer"
    kind: str  # "", "aucun" or "une"
    gaps: list
    uncovered: int  # cells nobody may act on, over the portfolio
    single: int  # cells only one person may act on
    page: int
    pages: int


def usable_right(right, now):
    """SQL: the habilitation row gives `right` now (started, not ended), to an active person."""
    H = Habilitation
    if right == "payer":
        held = H.pay & (H.pay_active_from.is_null() | (H.pay_active_from <= now))
    else:
        held = H.declare & (H.active_from.is_null() | (H.active_from <= now))
    return held & (H.active_until.is_null() | (H.active_until > now))


def _not_counting(right, now, firm_id):
    """SQL: per cell, the habilitations its maintained count takes although they give no right now
    (not started, ended, holder deactivated): few rows, each set found by its index."""
    H = Habilitation
    ticked, start = (H.pay, H.pay_active_from) if right == "payer" else (H.declare, H.active_from)
    inactive = User.select(User.id).where((User.firm == firm_id) & ~User.is_active)
    ids = (H.select(H.id).where(ticked & (start > now))
           | H.select(H.id).where(ticked & (H.active_until <= now))
           | H.select(H.id).where(ticked & H.user.in_(inactive)))
    return (H.select(H.establishment.alias("establishment_id"), H.declaration.alias("declaration_id"),
                     fn.COUNT(H.id).alias("n"))
            .where(H.id.in_(ids)).group_by(H.establishment, H.declaration).alias("fix"))


def _cells(portfolio, right, now):
    """The portfolio's cells that nobody or one person may act on now, and those whose count needs
    correcting: read from the maintained count's index, not by counting every cell's holders."""
    ED = EstablishmentDeclaration
    stored = ED.payers if right == "payer" else ED.declarers
    fix = _not_counting(right, now, portfolio.firm_id)
    on_fix = (fix.c.establishment_id == ED.establishment) & (fix.c.declaration_id == ED.declaration)
    candidates = ED.select(ED.id).where(stored <= 1) | ED.select(ED.id).join(fix, on=on_fix)
    holders = stored - fn.COALESCE(fix.c.n, 0)
    query = (ED.select(Company.id.alias("company_id"), Company.name.alias("company_name"),
                       Establishment.id.alias("establishment_id"), Establishment.siret.alias("siret"),
                       Establishment.name.alias("establishment_name"), Declaration.id.alias("declaration_id"),
                       Declaration.label.alias("declaration_label"), holders.alias("holders"),
                       Declaration.position.alias("position"))
             .join(Establishment, on=(ED.establishment == Establishment.id))
             .join(Company, on=(Establishment.company == Company.id))
             .switch(ED).join(Declaration, on=(ED.declaration == Declaration.id))
             .join_from(ED, fix, JOIN.LEFT_OUTER, on=on_fix)
             .where(ED.id.in_(candidates) & (Company.portfolio == portfolio.id) & Establishment.is_active
                    & Declaration.is_active))
    return query.where(Declaration.has_payment) if right == "payer" else query


def coverage(actor, portfolio_id=None, right="declarer", kind="", page=1):
    """The page of the portfolio's cells covered by nobody or one person (kind narrows it), with both
    counts. The firm's default portfolio when none is named; another firm's is NotFound."""
    require_admin(actor)
    if right not in RIGHTS or kind not in KINDS:
        raise NotFound()
    portfolios = list(Portfolio.select(Portfolio.id, Portfolio.name).where(Portfolio.firm == actor.firm_id)
                      .order_by(Portfolio.is_default.desc(), Portfolio.name_key).tuples())
    if portfolio_id is None:
        portfolio = firm_row(actor, Portfolio, portfolios[0][0]) if portfolios else None
    else:
        portfolio = firm_row(actor, Portfolio, portfolio_id)
    if portfolio is None:
        return Coverage(portfolios, None, right, kind, [], 0, 0, 1, 1)
    now = clock.now()
    active_people = User.select(User.id).where((User.firm == actor.firm_id) & User.is_active)
    cells = _cells(portfolio, right, now)
    page = max(1, page)
    rows, uncovered, single = _page(cells, kind, page)
    shown = {"": uncovered + single, "aucun": uncovered, "une": single}[kind]
    pages = max(1, -(-shown // PER_PAGE))
    if page > pages and shown:  # past the last page: show the last one
        page = pages
        rows, _, _ = _page(cells, kind, page)
    gaps = [Gap(*row) for row in rows]
    _name_holders(gaps, right, now, active_people)
    return Coverage(portfolios, portfolio, right, kind, gaps, uncovered, single, page, pages)


WANTED = {"": "holders <= 1", "aucun": "holders = 0", "une": "holders = 1"}


def _page(cells, kind, page):
    """(rows of the page, cells covered by nobody, cells covered once) in one statement: each cell's
    count of people is computed once (a materialised CTE, on both engines) and both totals come with
    the page as window sums over the cells kept."""
    inner, params = cells.sql()
    sql = (
        f"WITH c AS MATERIALIZED ({inner}), "
        "kept AS (SELECT c.*, SUM(CASE WHEN holders = 0 THEN 1 ELSE 0 END) OVER () AS uncovered, "
        "SUM(CASE WHEN holders = 1 THEN 1 ELSE 0 END) OVER () AS single FROM c WHERE holders <= 1) "
        "SELECT company_id, company_name, establishment_id, siret, establishment_name, declaration_id, "
        f"declaration_label, holders, uncovered, single FROM kept WHERE {WANTED[kind]} "
        "ORDER BY company_name, company_id, siret, position, declaration_id LIMIT %s OFFSET %s"
    )
    sql = sql.replace("%s", "?") if not is_postgres() else sql
    found = database.execute_sql(sql, [*params, PER_PAGE, (page - 1) * PER_PAGE]).fetchall()
    if found:
        return [row[:8] for row in found], int(found[0][8]), int(found[0][9])
    totals = database.execute_sql(
        f"WITH c AS MATERIALIZED ({inner}) SELECT SUM(CASE WHEN holders = 0 THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN holders = 1 THEN 1 ELSE 0 END) FROM c", params).fetchone()
    return [], int(totals[0] or 0), int(totals[1] or 0)


def _name_holders(gaps, right, now, active_people):
    """The one person of the page's cells covered once, in one statement."""
    once = sorted({g.establishment_id for g in gaps if g.holders == 1})
    if not once:
        return
    H = Habilitation
    rows = (H.select(H.establishment, H.declaration, User.nom, User.prenom)
            .join(User, on=(H.user == User.id))
            .where(H.establishment.in_(once) & usable_right(right, now) & H.user.in_(active_people)).tuples())
    found = {(establishment, declaration): f"{nom.upper()} {prenom}"
             for establishment, declaration, nom, prenom in rows}
    for gap in gaps:
        gap.holder = found.get((gap.establishment_id, gap.declaration_id), "")
