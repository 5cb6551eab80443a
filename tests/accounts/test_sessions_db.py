"""Server-side sessions (db/accounts/sessions.py) on SQLite and PostgreSQL: one query finds the
session with its user and firm; logout, idle time, absolute lifetime, a password change and a
deactivation each end it."""
import datetime

from db import clock
from db.accounts import sessions
from db.clients import dashboard
from db.declarations import tiles
from db.models import Company, Establishment, Firm, User, UserSession
from tests.factories.accounts import NOON, claire
from tests.factories.habilitations import grant
from tests.factories.queries import count_queries

IDLE, LIFETIME = datetime.timedelta(minutes=30), datetime.timedelta(hours=12)
REVIEW_MONTHS = 12


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


MENU = (tiles.SESSION_TALLY, dashboard.SESSION_DASHBOARD)


def load_for_the_menu(token):
    return sessions.load_session_user(token, IDLE, LIFETIME, clock.now(), MENU,
                                      dashboard.moments(clock.now(), REVIEW_MONTHS))


def granted(demo_firm):
    """Rights of Claire (administrator) and Sophie (déclarante) on the demo firm's first establishments,
    usable in 24 hours: tiles for both, rights coming on the dashboard."""
    clock.freeze(NOON)
    firm_establishments = list(Establishment.select().join(Company).where(Company.firm == demo_firm.id)
                               .order_by(Establishment.id).limit(3))
    grant(claire(), firm_establishments, "SOLTEA_EMPLOYEURS")
    grant(User.get(User.nom == "LEROY"), firm_establishments[:2], "SOLTEA_EMPLOYEURS")


def test_the_menu_reads_the_session_its_tiles_and_its_dashboard_in_one_statement(db_engine, demo_firm):
    granted(demo_firm)
    token = opened()
    with count_queries() as queries:
        user = load_for_the_menu(token)
        shown = tiles.tiles(user), dashboard.dashboard(user, REVIEW_MONTHS)
    assert queries() == 1
    assert user.full_name == "MOUTIN Claire" and user.firm.siret == demo_firm.siret
    alone = load(token)  # what the page read apart, statement by statement, before
    assert shown == (tiles.tiles(alone), dashboard.dashboard(alone, REVIEW_MONTHS))
    assert shown[0][0].establishments == 3 and shown[1].soon_count == 5
    assert shown[1].people == User.select().where(User.firm == demo_firm.id).count()


def test_a_declarant_reads_no_figures_and_an_ended_session_nothing(db_engine, demo_firm):
    granted(demo_firm)
    token = sessions.open_session(User.get(User.nom == "LEROY")).session_token
    user = load_for_the_menu(token)
    [counts] = user.dashboard_rows  # the firm's figures were not read: counted on no firm
    shown = tiles.tiles(user)
    assert not any(counts[1:]) and shown[0].establishments == 2 and shown == tiles.tiles(load(token))
    sessions.end_session(token)
    assert load_for_the_menu(token) is None
