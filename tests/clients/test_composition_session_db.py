"""Composer le portefeuille's unfiltered page 1 read in the session's statement (composition_page's
SESSION_FIRST_PAGE, db/accounts/sessions.py Extension), on SQLite and PostgreSQL: one statement for the
session and the page, the page the same as read alone, in the page's order, and nothing for anyone else."""
import datetime

import pytest

from db import clock
from db.accounts import sessions
from db.clients import composition_page, portfolios
from db.errors import NotFound
from db.models import Company, User
from tests.factories.accounts import NOON
from tests.factories.directory import add_fake_company, valid_siren
from tests.factories.queries import count_queries

IDLE, LIFETIME = datetime.timedelta(minutes=30), datetime.timedelta(hours=12)
FIRST_PAGE = (composition_page.SESSION_FIRST_PAGE,)


def load(token, portfolio_id=None):
    if portfolio_id is None:
        return sessions.load_session_user(token, IDLE, LIFETIME)
    return sessions.load_session_user(token, IDLE, LIFETIME, clock.now(), FIRST_PAGE, (portfolio_id,))


def _token(user):
    clock.freeze(NOON)
    return sessions.open_session(user).session_token


@pytest.fixture
def grand(admin):
    """A portfolio of 57 companies whose names repeat (ties ordered by SIREN) and run against their ids."""
    portfolio = portfolios.create_portfolio(admin, "GRAND")
    for i in range(57):
        company = add_fake_company(valid_siren(f"8{i:07d}"), 1, admin.firm, portfolio)
        Company.update(name=f"SOCIÉTÉ {(57 - i) % 9}").where(Company.id == company.id).execute()
    return portfolio


def test_page_one_comes_with_the_session_in_one_statement_in_the_page_order(admin, grand):
    token = _token(admin)
    with count_queries() as statements:
        user = load(token, grand.id)
        heading, page = composition_page.list_companies(user, grand.id)
    assert statements() == 1
    alone = composition_page.list_companies(load(token), grand.id)
    assert (heading, page) == alone and len(page.rows) == 50 and page.total == 57
    assert [(row.name, row.siren) for row in page.rows] == sorted((row.name, row.siren) for row in page.rows)
    assert page.rows[0].name == "SOCIÉTÉ 0" and page.rows[-1].name == "SOCIÉTÉ 7"
    with count_queries() as statements:  # used once: a second read is the page's own statement
        assert composition_page.list_companies(user, grand.id) == alone
    assert statements() == 1


def test_an_empty_portfolio_another_portfolio_and_a_filter(admin, grand):
    empty = portfolios.create_portfolio(admin, "VIDE")
    token = _token(admin)
    user = load(token, empty.id)
    assert composition_page.list_companies(user, empty.id) == composition_page.list_companies(
        load(token), empty.id)
    assert composition_page.list_companies(user, empty.id)[1].rows == []
    user = load(token, empty.id)  # rows of another portfolio are not this one's page
    assert composition_page.list_companies(user, grand.id) == composition_page.list_companies(
        load(token), grand.id)
    user = load(token, grand.id)  # a filter or page 2 reads its own
    assert composition_page.list_companies(user, grand.id, "SOCIÉTÉ 3")[1].total == 7
    assert composition_page.list_companies(user, grand.id, page=2)[1].rows[-1].name == "SOCIÉTÉ 8"


def test_nothing_is_read_for_a_declarant_another_firm_or_an_ended_session(admin, grand, firm):
    declarant = User.get((User.firm == admin.firm_id) & (User.nom == "LEROY"))
    assert load(_token(declarant), grand.id).first_page_rows == []
    user = load(_token(firm.admin), grand.id)  # another firm's administrator
    assert user.first_page_rows == []
    with pytest.raises(NotFound):
        composition_page.list_companies(user, grand.id)
    token = _token(admin)
    sessions.end_session(token)
    assert load(token, grand.id) is None
