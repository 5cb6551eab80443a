"""« Vos portefeuilles » without a search read in the session's statement (portfolio_list.SESSION_PORTFOLIOS,
db/accounts/sessions.py Extension), on SQLite and PostgreSQL: one statement for the session and the list,
the list the same as read alone, in its order (the default portfolio first, then by name, accents and case
ignored), used once, and nothing for a déclarant or another firm's administrator."""
import datetime

from db import clock
from db.accounts import sessions
from db.clients import portfolio_list, portfolios
from db.models import User
from tests.factories.accounts import NOON
from tests.factories.queries import count_queries

IDLE, LIFETIME = datetime.timedelta(minutes=30), datetime.timedelta(hours=12)
WITH_LIST = (portfolio_list.SESSION_PORTFOLIOS,)


def load(token, with_list=True):
    if not with_list:
        return sessions.load_session_user(token, IDLE, LIFETIME)
    return sessions.load_session_user(token, IDLE, LIFETIME, clock.now(), WITH_LIST, ())


def _token(user):
    clock.freeze(NOON)
    return sessions.open_session(user).session_token


def test_the_list_comes_with_the_session_in_one_statement_in_its_order(admin):
    for name in ("zèbre", "Éléphant", "abeille", "Zoo"):
        portfolios.create_portfolio(admin, name)
    token = _token(admin)
    with count_queries() as statements:
        listing = portfolio_list.list_portfolios(load(token))
    assert statements() == 1
    alone = portfolio_list.list_portfolios(load(token, with_list=False))
    assert listing == alone
    names = [row.portfolio.name for row in listing.rows]
    assert names[0] == "Portefeuille par défaut" and len(names) == len(set(names)) > 5
    assert [name for name in names if name in ("zèbre", "Éléphant", "abeille", "Zoo")] == [
        "abeille", "Éléphant", "zèbre", "Zoo"]
    user = load(token)
    portfolio_list.list_portfolios(user)
    with count_queries() as statements:  # used once: a second read is the list's own statement
        assert portfolio_list.list_portfolios(user) == alone
    assert statements() == 1


def test_a_search_reads_its_own_list(admin):
    portfolios.create_portfolio(admin, "abeille")
    user = load(_token(admin))
    listing = portfolio_list.list_portfolios(user, "nom", "abei")
    assert [row.portfolio.name for row in listing.rows] == ["abeille"]


def test_nothing_is_read_for_a_declarant_or_another_firms_administrator(admin, firm):
    declarant = User.get((User.firm == admin.firm_id) & (User.nom == "LEROY"))
    assert load(_token(declarant)).portfolio_rows == []
    other = load(_token(firm.admin))
    assert other.portfolio_rows and {row[0] for row in other.portfolio_rows}.isdisjoint(
        {row.portfolio.id for row in portfolio_list.list_portfolios(load(_token(admin))).rows})
    alone = portfolio_list.list_portfolios(load(_token(firm.admin), False))
    assert portfolio_list.list_portfolios(other) == alone
