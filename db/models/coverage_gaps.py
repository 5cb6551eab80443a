"""The Couverture's gaps per company × declaration: how many cells (establishment × declaration, the
establishment active) nobody holds Déclarer on, and how many one person holds it on; the same for
Payer. The page reads its totals and where its page starts from these few rows per company, instead
of reading the 240,000 uncovered cells of a grand portfolio, then only the cells of the companies its
page shows. Their sums per portfolio × declaration (PortfolioDeclareGaps, PortfolioPayGaps) give the
page's totals in a few rows.

Counted from the cells' maintained holders (EstablishmentDeclaration.declarers / .payers,
db/models/cell_holders.py), so they take every habilitation with the box ticked whatever its dates
and holder, like those; the page corrects the few cells whose rights are not started, ended, or held
by a deactivated person. A row left at zero by a write stays (it counts nothing). Kept in the same
transactions: cell_holders.add_deltas (Valider's journal lines, every delete of habilitations) adds
each changed cell's move between classes; recount_companies after the cells or the establishments of companies
change (cells inserted or deleted, establishments registered, removed, closed or reopened). A company
moved to another portfolio keeps its rows, and carries their sums from one portfolio to the other
(cell_holders.shift_portfolio_gaps)."""
from peewee import ForeignKeyField, IntegerField, fn

from db.counts import Counter
from db.database import BaseModel
from db.models.catalogue import Declaration
from db.models.portfolio import Company, Establishment, EstablishmentDeclaration, Portfolio


class _CompanyGaps(BaseModel):  # the shape of the two tables below, each right its own table
    company = ForeignKeyField(Company, on_delete="CASCADE", index=False)
    declaration = ForeignKeyField(Declaration, on_delete="CASCADE")
    holders = IntegerField()  # 0 or 1
    cells = IntegerField(default=0)

    class Meta:
        indexes = ((("company", "declaration", "holders"), True),)


class DeclareGaps(_CompanyGaps):
    class Meta:
        table_name = "coverage_gap_declare"


class PayGaps(_CompanyGaps):  # every declaration: the page keeps those with Payer
    class Meta:
        table_name = "coverage_gap_pay"


class _PortfolioGaps(BaseModel):
    portfolio = ForeignKeyField(Portfolio, on_delete="CASCADE", index=False)
    declaration = ForeignKeyField(Declaration, on_delete="CASCADE")
    holders = IntegerField()
    cells = IntegerField(default=0)

    class Meta:
        indexes = ((("portfolio", "declaration", "holders"), True),)


class PortfolioDeclareGaps(_PortfolioGaps):
    class Meta:
        table_name = "coverage_portfolio_gap_declare"


class PortfolioPayGaps(_PortfolioGaps):
    class Meta:
        table_name = "coverage_portfolio_gap_pay"


def cell_gaps(stored):
    """SQL: the cells of active establishments held by 0 or 1 person (stored: ED.declarers or
    ED.payers), per company × declaration × holders: the truth of the tallies."""
    ED = EstablishmentDeclaration
    return (ED.select(Establishment.company, ED.declaration, stored, fn.COUNT(ED.id).alias("count"))
            .join(Establishment, on=(ED.establishment == Establishment.id))
            .where((stored <= 1) & Establishment.is_active)
            .group_by(Establishment.company, ED.declaration, stored))


def _source(model, stored):
    return {model.company: Establishment.company, model.declaration: EstablishmentDeclaration.declaration,
            model.holders: stored}


ED = EstablishmentDeclaration
DECLARE_GAPS = Counter("coverage_gap_declare.cells", DeclareGaps.cells, lambda: cell_gaps(ED.declarers),
                       source=_source(DeclareGaps, ED.declarers))
PAY_GAPS = Counter("coverage_gap_pay.cells", PayGaps.cells, lambda: cell_gaps(ED.payers),
                   source=_source(PayGaps, ED.payers))


def portfolio_sums(gaps):
    """SQL: the companies' gaps (a model above) summed per portfolio × declaration × holders."""
    return (gaps.select(Company.portfolio, gaps.declaration, gaps.holders, fn.SUM(gaps.cells))
            .join(Company, on=(gaps.company == Company.id))
            .group_by(Company.portfolio, gaps.declaration, gaps.holders))


def _sums(model, gaps):
    return Counter(f"{model._meta.table_name}.cells", model.cells, lambda: portfolio_sums(gaps),
                   source={model.portfolio: Company.portfolio, model.declaration: gaps.declaration,
                           model.holders: gaps.holders})


PORTFOLIO_DECLARE_GAPS = _sums(PortfolioDeclareGaps, DeclareGaps)
PORTFOLIO_PAY_GAPS = _sums(PortfolioPayGaps, PayGaps)
# right: (companies' gaps, their counter, the cells' count, portfolios' sums, their counter)
GAPS = {"declarer": (DeclareGaps, DECLARE_GAPS, ED.declarers, PortfolioDeclareGaps, PORTFOLIO_DECLARE_GAPS),
        "payer": (PayGaps, PAY_GAPS, ED.payers, PortfolioPayGaps, PORTFOLIO_PAY_GAPS)}
