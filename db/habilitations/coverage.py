"""Couverture: per portfolio, the establishments × selected declarations that nobody may Déclarer (or
Payer) today, and those only one person may; each line names the grid's criteria that fix it.

The cost follows the page, not the portfolio (240,000 cells nobody may Déclarer in a grand one):
1. the companies' gaps (db/models/coverage_gaps.py: cells held by nobody / one person, maintained per
   company × declaration) give the totals and each company's share of the lines, in the page's order;
2. the few habilitations counted there although they give no right now (not started, ended, holder
   deactivated: each set found by its index) correct their cells' classes, at request time;
3. only the cells of the companies the page's 50 lines fall in are read, in the company's, the
   SIRET's and the service's order, each with its true count of holders.
A last statement names the only holder of the page's cells covered once."""
from dataclasses import dataclass

from peewee import JOIN, Select, fn

from db import clock
from db.access import firm_row, require_admin
from db.database import database
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
from db.models.coverage_gaps import GAPS

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
    (not started, ended, holder deactivated): each set found by its own index."""
    H = Habilitation
    ticked, start = (H.pay, H.pay_active_from) if right == "payer" else (H.declare, H.active_from)
    inactive = User.select(User.id).where((User.firm == firm_id) & ~User.is_active)
    rows = [H.select(H.id, H.establishment, H.declaration).where(ticked & condition)
            for condition in (start > now, H.active_until <= now, H.user.in_(inactive))]
    # UNION of the rows themselves (a right both ended and of a deactivated person counts once), not
    # `id IN (…)`, which PostgreSQL joins to the whole habilitation table by a sequential scan
    found = (rows[0] | rows[1] | rows[2]).alias("not_counting")
    cell = (found.c.establishment_id, found.c.declaration_id)
    return Select([found], [*cell, fn.COUNT(found.c.id).alias("n")]).group_by(*cell).alias("fix")


def _fixes(portfolio, right, now):
    """The portfolio's cells whose maintained count takes habilitations giving no right now: (company,
    establishment, declaration, stored count, true count), read from those rights, then their cells."""
    ED = EstablishmentDeclaration
    stored = ED.payers if right == "payer" else ED.declarers
    fix = _not_counting(right, now, portfolio.firm_id)
    # `+ 0`: no index of the portfolio's side to start from. Both engines (PostgreSQL believes a
    # company has 14 establishments) would otherwise read every cell of the portfolio's companies
    # (45,000 for the 9,000-establishment company) instead of the few found from the rights.
    query = (Select([fix], [Establishment.company, fix.c.establishment_id, fix.c.declaration_id, stored,
                            stored - fix.c.n])
             .join(ED, on=(fix.c.establishment_id == ED.establishment)
                   & (fix.c.declaration_id == ED.declaration))
             .join(Establishment, on=(ED.establishment == Establishment.id))
             .join(Company, on=((Establishment.company + 0) == Company.id))
             .join(Declaration, on=(fix.c.declaration_id == Declaration.id))
             .where(((Company.portfolio + 0) == portfolio.id) & Establishment.is_active & _shown(right)))
    return list(database.execute(query).fetchall())


def _shown(right):
    """SQL: the declarations the page shows for the right."""
    return Declaration.is_active & Declaration.has_payment if right == "payer" else Declaration.is_active


def _correct(by_class, stored, true):
    """A cell counted in class `stored` (0, 1, or more: no class) whose true count of holders is `true`."""
    if stored <= 1:
        by_class[stored] -= 1
    if true <= 1:
        by_class[true] += 1


def _totals(portfolio, right, fixes):
    """[cells held by nobody, cells held by one person] over the portfolio: its maintained sums (a row
    per declaration), corrected by the fixes."""
    sums = GAPS[right][3]
    totals = [0, 0]
    for holders, cells in (sums.select(sums.holders, fn.SUM(sums.cells))
                           .join(Declaration, on=(sums.declaration == Declaration.id))
                           .where((sums.portfolio == portfolio.id) & _shown(right))
                           .group_by(sums.holders).tuples()):
        totals[holders] += int(cells or 0)
    for _, _, _, stored, true in fixes:
        _correct(totals, stored, true)
    return totals


def _leading(portfolio, right, fixes, kind, lines, shown):
    """[(company, lines of the kind)] of the first companies in the page's order that hold `lines`
    lines: the companies read in their index's order, by batches, each with its gaps summed (one
    subquery per company read), corrected by the fixes; no further."""
    g = GAPS[right][0].alias("g")
    classes = {"": (0, 1), "aucun": (0,), "une": (1,)}[kind]
    wanted = fn.COALESCE(g.select(fn.SUM(g.cells)).join(Declaration, on=(g.declaration == Declaration.id))
                         .where((g.company == Company.id) & g.holders.in_(classes) & _shown(right)), 0)
    change = {}
    for company, _, _, stored, true in fixes:
        change[company] = change.get(company, 0) + (true in classes) - (stored in classes)
    scope = Company.portfolio == portfolio.id
    if shown < portfolio.company_count:
        # fewer lines than companies (« Une seule personne »): only the companies with gap rows of the
        # kind, or a fix, instead of every company with a subquery each (5,000 in a grand portfolio)
        with_gaps = (g.select(g.company).join(Declaration, on=(g.declaration == Declaration.id))
                     .where(g.holders.in_(classes) & (g.cells > 0) & _shown(right)))
        scope &= Company.id.in_(with_gaps) | Company.id.in_(sorted(change) or [0])
    query = Company.select(Company.id, wanted).where(scope).order_by(Company.name, Company.id)
    found, seen, batch = [], 0, max(PER_PAGE, lines // 10)
    while seen < lines:
        rows = list(query.offset(len(found)).limit(batch).tuples())
        found += [(company, int(n) + change.get(company, 0)) for company, n in rows]
        seen = sum(n for _, n in found)
        if len(rows) < batch:
            break
        batch *= 4  # lines are rare (« Une seule personne »): few statements to reach them
    return found


def _cells(companies, right, now, portfolio):
    """The cells of the given companies with each one's true count of holders, in the page's order."""
    ED = EstablishmentDeclaration
    stored = ED.payers if right == "payer" else ED.declarers
    fix = _not_counting(right, now, portfolio.firm_id)
    on_fix = (fix.c.establishment_id == ED.establishment) & (fix.c.declaration_id == ED.declaration)
    holders = stored - fn.COALESCE(fix.c.n, 0)
    query = (ED.select(Company.id, Company.name, Establishment.id, Establishment.siret, Establishment.name,
                       Declaration.id, Declaration.label, holders)
             .join(Establishment, on=(ED.establishment == Establishment.id))
             .join(Company, on=(Establishment.company == Company.id))
             .switch(ED).join(Declaration, on=(ED.declaration == Declaration.id))
             .join_from(ED, fix, JOIN.LEFT_OUTER, on=on_fix)
             .where(Company.id.in_(companies) & Establishment.is_active & _shown(right))
             .order_by(Company.name, Company.id, Establishment.siret, Declaration.position, Declaration.id))
    return query, holders


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
    fixes = _fixes(portfolio, right, now)
    uncovered, single = _totals(portfolio, right, fixes)
    shown = {"": uncovered + single, "aucun": uncovered, "une": single}[kind]
    pages = max(1, -(-shown // PER_PAGE))
    page = min(max(1, page), pages)  # past the last page: show the last one
    companies = _leading(portfolio, right, fixes, kind, page * PER_PAGE, shown)
    gaps = [Gap(*row) for row in _page(companies, kind, page, right, now, portfolio)]
    _name_holders(gaps, right, now, active_people)
    return Coverage(portfolios, portfolio, right, kind, gaps, uncovered, single, page, pages)


def _page(companies, kind, page, right, now, portfolio):
    """The page's cells: the companies its 50 lines fall in, found from their counts, then only their
    cells read, in order, from the first line of the page."""
    first, seen, chosen, skip = (page - 1) * PER_PAGE, 0, [], 0
    for company, wanted in companies:
        if wanted and seen + wanted > first and seen < first + PER_PAGE:
            skip = skip if chosen else first - seen
            chosen.append(company)
        seen += wanted
    if not chosen:
        return []
    query, holders = _cells(chosen, right, now, portfolio)
    kept = {"": holders <= 1, "aucun": holders == 0, "une": holders == 1}[kind]
    return list(query.where(kept).limit(PER_PAGE).offset(skip).tuples())


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
