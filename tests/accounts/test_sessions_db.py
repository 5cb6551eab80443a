"""Server-side sessions (db/accounts/sessions.py) on SQLite and PostgreSQL: one query finds the
session with its user and firm; logout, idle time, absolute lifetime, a password change and a
deactivation each end it."""
import datetime

from db import clock
from db.accounts import sessions
from db.models import Firm, User, UserSession
from tests.factories.accounts import NOON, claire
from tests.factories.queries import count_queries

IDLE, LIFETIME = datetime.timedelta(minutes=30), datetime.timedelta(hours=12)


def opened():
    clock.freeze(NOON)
    return sessions.open_session(claire(), ip="203.0.113.7").session_token


def load(token):
    return sessions.load_session_user(token, IDLE, LIFETIME)


def test_a_session_is_found_with_its_user_and_firm_in_one_query(db_engine, demo_firm):
    token = opened()
    with count_queries() as queries:
        user = load(token)
        assert user.full_name == "MOUTIN Claire" and user.firm.siret == demo_firm.siret
    assert queries() == 1
    assert user.get_id() == token
    stored = UserSession.get()
    assert stored.token_hash != token and len(stored.token_hash) == 64 and stored.ip == "203.0.113.7"


def test_logout_ends_it_for_good(db_engine, demo_firm):
    token = opened()
    sessions.end_session(token)
    assert load(token) is None
    assert load("made-up-token") is None and load("") is None and load("x" * 500) is None


def test_idle_time_ends_it_and_each_request_keeps_it_alive(db_engine, demo_firm):
    token = opened()
    for _ in range(4):  # two hours of activity, a request every 29 minutes
        clock.advance(minutes=29)
        assert load(token) is not None
    with count_queries() as queries:
        clock.advance(seconds=30)
        load(token)
    assert queries() == 1  # the last activity is written at most once a minute
    clock.advance(minutes=31)
    assert load(token) is None


def test_the_absolute_lifetime_ends_even_a_busy_session(db_engine, demo_firm):
    token = opened()
    for _ in range(12 * 4 - 1):
        clock.advance(minutes=15)
        assert load(token) is not None
    clock.advance(minutes=16)
    assert load(token) is None


def test_a_password_change_or_a_deactivation_ends_every_session(db_engine, demo_firm):
    token = opened()
    User.update(session_version=User.session_version + 1).where(User.id == claire().id).execute()
    assert load(token) is None
    token = opened()
    assert load(token) is not None
    Firm.update(is_active=False).where(Firm.id == demo_firm.id).execute()
    assert load(token) is None
