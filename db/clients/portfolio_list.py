"""« Vos portefeuilles »: the firm's portfolios with their counts, and the search that filters them by
name or by the clients they hold (SIREN, SIRET, raison sociale). Only ever the acting user's firm."""
from dataclasses import dataclass, field
from operator import itemgetter
from typing import NamedTuple

from peewee import fn

from db.access import require_admin
from db.accounts.sessions import Extension
from db.clients.search import digit_prefix
from db.identifiers import clean
from db.models import Company, Establishment, Portfolio
from db.prepared import Prepared
from db.text import fold

MATCHES_SHOWN = 20
SEARCH_CRITERIA = [
    ("nom", "Nom du portefeuille"),
    ("siren", "SIREN"),
    ("siret", "SIRET"),
    ("raison_sociale", "Raison sociale"),
]



class Shown(NamedTuple):
    """A portfolio as « Vos portefeuilles » shows it, read as a tuple (a model per row costs ~60 Python
    calls and converts a date the page never shows)."""
    id: int
    name: str
    comment: str
    is_default: bool
    company_count: int  # maintained (db/counts.py)
    establishment_count: int


class PortfolioRow(NamedTuple):
    portfolio: Shown
    companies: int = 0
    establishments: int = 0


@dataclass
class Listing:
    rows: list
    criterion: str
    value: str
    matches: list = field(default_factory=list)  # [(siren, siret or None, company name, portfolio)]
    more_matches: bool = False


def _firm_portfolios(firm):
    return (Portfolio.select(Portfolio.id, Portfolio.name, Portfolio.comment, Portfolio.is_default,
                             Portfolio.company_count, Portfolio.establishment_count)
            .where(Portfolio.firm == firm).order_by(Portfolio.is_default.desc(), Portfolio.name_key).tuples())


# The list without a search, read on every view of « Vos portefeuilles »: its SQL built once.
_ALL = Prepared(_firm_portfolios, int, server_side=True)
_SHOWN = (Portfolio.id, Portfolio.name, Portfolio.comment, Portfolio.is_default, Portfolio.company_count,
          Portfolio.establishment_count)


def _session_portfolios(me, pad):
    """The list without a search read in the session's statement (Extension): a UNION ALL branch keeps no
    order, so each portfolio carries its rank in the list's order, and the rows are ordered by it once
    read. The sort key is a column of the branch too: a key the branch sorted by without returning it
    would make PostgreSQL wrap the branch in a Subquery Scan copying its ~50 columns again. The firm is
    the session's user's when an administrator (no row for anyone else)."""
    rank = fn.row_number().over(order_by=[Portfolio.is_default.desc(), Portfolio.name_key])
    return [Portfolio.select(*pad(*_SHOWN, Portfolio.name_key, rank)).where(Portfolio.firm == me.admin_firm)]


_RANK = itemgetter(-1)


def _keep_session_portfolios(user, rows):
    user.portfolio_rows = [row[:-2] for row in sorted(rows, key=_RANK)]


# « Vos portefeuilles » without a search reads its list with the session on PostgreSQL (db/accounts/
# sessions.py, webapp/login_sessions.py): one statement, not two. The rows are _ALL's (the same values:
# psycopg2 returns bools and ints as Peewee's fields would), used once by list_portfolios.
SESSION_PORTFOLIOS = Extension("portfolios", ("integer", "varchar", "text", "boolean", "integer", "integer",
                                              "varchar", "bigint"), _session_portfolios, (),
                               _keep_session_portfolios)


def _kept_portfolios(actor):
    """The rows of SESSION_PORTFOLIOS read with the session, once; None otherwise (or when there are none:
    a firm always has its default portfolio, and the list's own statement then reads them)."""
    rows = getattr(actor, "portfolio_rows", None)
    if rows is not None:
        actor.portfolio_rows = None
    return rows or None


def list_portfolios(actor, criterion="nom", value=""):
    """The firm's portfolios with their counts, filtered by a search criterion.

    A search by SIREN, SIRET or raison sociale also returns the matching clients with the
    portfolio holding each of them. The counts are the portfolios' own (maintained, db/counts.py):
    one or two queries whatever the number of rows."""
    require_admin(actor)
    firm = actor.firm_id
    value = (value or "").strip()
    if criterion not in dict(SEARCH_CRITERIA):
        criterion = "nom"
    portfolios = _firm_portfolios(firm)
    matches, more = [], False
    if not value:
        portfolios = _kept_portfolios(actor) or _ALL.execute(firm)
    elif criterion == "nom":
        portfolios = portfolios.where(Portfolio.name_key.contains(fold(value)))
    else:
        matches, more = _client_matches(firm, criterion, value)
        portfolios = portfolios.where(Portfolio.id.in_({m[3] for m in matches}))
    by_id = {p[0]: Shown._make(p) for p in portfolios}
    matches = [(siren, siret, name, by_id[pid]) for siren, siret, name, pid in matches if pid in by_id]
    rows = [PortfolioRow(p, p.company_count, p.establishment_count) for p in by_id.values()]
    return Listing(rows, criterion, value, matches, more)


def _client_matches(firm, criterion, value):
    """[(siren, siret, name, portfolio_id)] of the firm's clients matching the search."""
    if criterion == "raison_sociale":
        query = (Company.select(Company.siren, Company.name, Company.portfolio)
                 .where((Company.firm == firm) & Company.name.contains(value.strip())).order_by(Company.name))
        found = [(s, None, n, p) for s, n, p in query.limit(MATCHES_SHOWN + 1).tuples()]
    else:
        digits = clean(value)
        if not digits.isdigit():
            return [], False
        if criterion == "siren":
            query = (Company.select(Company.siren, Company.name, Company.portfolio)
                     .where((Company.firm == firm) & digit_prefix(Company.siren, digits[:9]))
                     .order_by(Company.siren))
            found = [(s, None, n, p) for s, n, p in query.limit(MATCHES_SHOWN + 1).tuples()]
        else:
            query = (Establishment.select(Company.siren, Establishment.siret, Company.name, Company.portfolio)
                     .join(Company, on=(Establishment.company == Company.id))
                     .where((Establishment.firm == firm) & digit_prefix(Establishment.siret, digits[:14]))
                     .order_by(Establishment.siret))
            found = list(query.limit(MATCHES_SHOWN + 1).tuples())
    return found[:MATCHES_SHOWN], len(found) > MATCHES_SHOWN
