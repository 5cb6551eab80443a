"""Composer le portefeuille: one page of the portfolio's companies (by raison sociale), filtered by SIREN
or name, with the portfolio's heading. Without a filter, one statement whatever the size of the portfolio
(the page's companies joined to the portfolio and its maintained count of companies)."""
from dataclasses import dataclass
from operator import itemgetter
from typing import NamedTuple

from peewee import JOIN, SQL, fn

from db.access import require_admin
from db.accounts.sessions import Extension
from db.clients.company_search import name_or_siren
from db.clients.portfolios import get_portfolio
from db.errors import NotFound
from db.models import Company, Portfolio
from db.prepared import Prepared

PAGE_SIZE = 50


class CompanyRow(NamedTuple):
    """A company of the page: the columns shown, read as a tuple (a model per row cost ~60 Python calls)."""
    id: int
    siren: str
    name: str
    establishments: int  # the maintained Company.establishment_count

    @property
    def kind(self):  # webapp/company_rows.py writes the same words
        return "Multi-établissement" if self.establishments > 1 else "Mono-établissement"


@dataclass
class Page:
    rows: list
    total: int
    page: int
    pages: int
    query: str

    @property
    def first(self):
        """Rank of the page's first company (1 for "Entreprises 1 à 50 sur 5 000")."""
        return (self.page - 1) * PAGE_SIZE + 1 if self.total else 0

    @property
    def last(self):
        return self.first + len(self.rows) - 1 if self.rows else 0


def _page_of(firm, portfolio, limit, offset):  # the columns shown, not the row (a date costs a conversion)
    return (Company.select(Company.id, Company.siren, Company.name, Company.establishment_count)
            .where((Company.firm == firm) & (Company.portfolio == portfolio))
            .order_by(Company.name, Company.siren).limit(limit).offset(offset))


class Heading(NamedTuple):
    """The portfolio as the page names it, with its maintained count of companies."""
    id: int
    name: str
    company_count: int


def _portfolio_and_page(firm, portfolio, limit, offset):
    """The portfolio's heading on every row, each with a company of the page: the page LEFT JOINed, so
    that an empty (or past the end) page is one row of NULLs. One statement where the portfolio and its
    page were two (each a round trip to PostgreSQL); another firm's portfolio gives no row."""
    page = _page_of(firm, portfolio, limit, offset).alias("page")
    return (Portfolio.select(Portfolio.id, Portfolio.name, Portfolio.company_count, page.c.id, page.c.siren,
                             page.c.name, page.c.establishment_count)
            .join(page, JOIN.LEFT_OUTER, on=SQL("1 = 1"))
            .where((Portfolio.id == portfolio) & (Portfolio.firm == firm))
            .order_by(page.c.name, page.c.siren))


# The unfiltered page 1, shown by every visit and after every company added: its page size written in the
# SQL and no OFFSET. PostgreSQL then plans its prepared statement once per connection: with LIMIT and
# OFFSET as parameters the generic plan is costed for 10 % of the portfolio, so every EXECUTE made a custom
# plan (0.15–0.27 ms of planning for 0.1 ms of execution), the same plan: the index walked in page order.
_FIRST_PAGE = Prepared(lambda firm, folio: _portfolio_and_page(firm, folio, SQL(str(PAGE_SIZE)), None),
                       int, int, server_side=True)
# The other pages: SQL built once; planned on each EXECUTE (the offset's walk costs more than the planning).
_PORTFOLIO_PAGE = Prepared(_portfolio_and_page, int, int, int, int, server_side=True)


def _session_first_page(me, pad, portfolio_id):
    """The unfiltered page 1 read in the session's statement (Extension): a UNION ALL branch keeps no
    order, so each company carries its rank in the page (row_number over the page's order, counted as
    the index is walked: no sort) and the rows are ordered by it once read. The firm is the session's
    user's when an administrator (no row for anyone else)."""
    page = (Company.select(Company.id, Company.siren, Company.name, Company.establishment_count,
                           fn.row_number().over(order_by=[Company.name, Company.siren]).alias("rank"))
            .where((Company.firm == me.admin_firm) & (Company.portfolio == portfolio_id))
            .order_by(Company.name, Company.siren).limit(SQL(str(PAGE_SIZE)))).alias("page")
    return [Portfolio.select(*pad(Portfolio.id, Portfolio.name, Portfolio.company_count, page.c.id,
                                  page.c.siren, page.c.name, page.c.establishment_count, page.c.rank))
            .join(page, JOIN.LEFT_OUTER, on=SQL("1 = 1"))
            .where((Portfolio.id == portfolio_id) & (Portfolio.firm == me.admin_firm))]


_RANK = itemgetter(-1)


def _keep_session_first_page(user, rows):
    user.first_page_rows = sorted(rows, key=_RANK)  # an empty page: one row, its rank NULL, never compared


# « Composer le portefeuille » reads its unfiltered page 1 with the session (db/accounts/sessions.py): one
# statement, not two. Its value: the portfolio's id; list_companies uses its rows once, for that portfolio.
# Its types are its columns' own (varchar: names and SIREN), so that PostgreSQL plans the UNION ALL flat.
SESSION_FIRST_PAGE = Extension("composition", ("integer", "varchar", "integer", "integer", "varchar",
                                               "varchar", "integer", "bigint"),
                               _session_first_page, (int,), _keep_session_first_page)


def list_companies(actor, portfolio_id, query="", page=1):
    """One page of the portfolio's companies (by raison sociale), filtered by SIREN or name (accents
    and case ignored), with the portfolio's Heading; NotFound for another firm's portfolio. One query
    without a filter whatever the size of the portfolio (the portfolio with its maintained count of
    companies, Portfolio.company_count, db/counts.py, and the page; establishments are the maintained
    Company.establishment_count); a page past the end adds one for the last page; a filter reads the
    portfolio, its count and its page."""
    require_admin(actor)
    query = (query or "").strip()
    matching = name_or_siren(query, Company.name, Company.siren)
    if matching is None:
        return _unfiltered(actor, int(portfolio_id), max(1, page))
    found = get_portfolio(actor, portfolio_id)
    portfolio = Heading(found.id, found.name, found.company_count)
    companies = _page_of(actor.firm_id, portfolio.id, None, None).where(matching)
    total = companies.count()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    chosen = companies.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE).tuples() if total else []
    return portfolio, Page([CompanyRow._make(c) for c in chosen], total, page, pages, query)


def _kept_first_page(actor, portfolio_id):
    """The rows of SESSION_FIRST_PAGE read with the session for this portfolio, once; None otherwise
    (or when they are empty: the page's own statement then says whether the portfolio is the firm's)."""
    rows = getattr(actor, "first_page_rows", None)
    if rows is None:
        return None
    actor.first_page_rows = None
    return [row[:7] for row in rows] if rows and rows[0][0] == portfolio_id else None


def _unfiltered(actor, portfolio_id, page):
    rows = _kept_first_page(actor, portfolio_id) if page == 1 else None
    if rows is None:
        rows = (_FIRST_PAGE.cursor(actor.firm_id, portfolio_id) if page == 1 else _PORTFOLIO_PAGE.cursor(
            actor.firm_id, portfolio_id, PAGE_SIZE, (page - 1) * PAGE_SIZE)).fetchall()
    if not rows:
        raise NotFound()
    portfolio = Heading(*rows[0][:3])
    pages = max(1, -(-portfolio.company_count // PAGE_SIZE))
    if page > pages:  # a link to a page that is no more: the last one
        return _unfiltered(actor, portfolio_id, pages)
    companies = [CompanyRow._make(row[3:]) for row in rows] if rows[0][3] is not None else []
    return portfolio, Page(companies, portfolio.company_count, page, pages, "")
