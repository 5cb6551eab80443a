"""Opening and closing a logged-in session: one place for every login (connexion, support desk,
new password, second factor) and every logout.

The cookie is Flask's signed one; what makes it a login is the server-side session it names
(db/accounts/sessions.py), checked on every request by the user loader, ended for good at logout."""
import datetime

from flask import current_app, g, request, session
from flask.globals import _cv_request
from flask_login import current_user, login_user, logout_user

from db import clock
from db.accounts import sessions
from db.accounts.login import complete_login
from db.clients import composition_page, dashboard, portfolio_list
from db.clock import datetime_fr
from db.database import is_postgres
from db.declarations import tiles

# What survives the fresh session of a login: the messages to show next, and the demo outbox's key
# (the newcomer who signed up still reads the mails this browser caused).
CARRIED = ("_flashes", "outbox")
SESSION_ENDED = ("Votre session a pris fin (déconnexion, inactivité prolongée ou durée maximale "
                 "atteinte)\u202f: reconnectez-vous pour continuer.")


def limits(config):
    """(idle, lifetime) of a session, from SESSION_IDLE_MINUTES and SESSION_LIFETIME_HOURS."""
    return (datetime.timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
            datetime.timedelta(hours=config["SESSION_LIFETIME_HOURS"]))


# What pages read in the session's statement (db/accounts/sessions.py Extension), with their values at a
# moment (None: this request reads nothing more): the tiles' tally where « Vos déclarations » shows, the
# administrator's dashboard on the Menu personnalisé (the view reads it with the same REVIEW_MONTHS), the
# unfiltered page 1 of « Composer le portefeuille » (the view's other pages read their own).
_TILES = ((tiles.SESSION_TALLY,), lambda now, config: ())
_MENU = ((tiles.SESSION_TALLY, dashboard.SESSION_DASHBOARD),
         lambda now, config: dashboard.moments(now, config["REVIEW_MONTHS"]))


def _first_page_only(now, config):
    """The portfolio's id for « Composer le portefeuille » unfiltered on page 1 on PostgreSQL (a statement is
    a round trip there; on SQLite two plain statements cost less Python than the extension's); None for any
    other request (a filter, another page: the view reads that page apart)."""
    if not is_postgres():
        return None
    current = _cv_request.get().request  # the request itself, not through its proxy (~10 calls)
    args = current.args
    unfiltered = args.get("page") in (None, "1") and not args.get("q", "").strip()
    return (current.view_args["portfolio_id"],) if unfiltered else None


def _list_only(now, config):
    """() for « Vos portefeuilles » without a search on PostgreSQL (as _first_page_only: a statement is a
    round trip there); None for a search, whose list the view reads apart, and on SQLite."""
    if not is_postgres():
        return None
    return None if _cv_request.get().request.args.get("valeur", "").strip() else ()


EXTENDED_PAGES = {"declarations.tiles": _TILES, "declarations.tile": _TILES, "menu.index": _MENU,
                  "portfolios.compose": ((composition_page.SESSION_FIRST_PAGE,), _first_page_only),
                  "portfolios.index": ((portfolio_list.SESSION_PORTFOLIOS,), _list_only)}


def load_user(token):
    """Flask-Login's user loader: the user of a live server-side session, or None."""
    config = current_app.config  # each lookup through Flask's proxies costs ~3 calls
    idle, lifetime = limits(config)
    extensions, values = EXTENDED_PAGES.get(_cv_request.get().request.endpoint, ((), None))
    now = clock.now()
    values = values and values(now, config)
    if values is not None:
        user = sessions.load_session_user(token, idle, lifetime, now, extensions, values)
    else:
        user = sessions.load_session_user(token, idle, lifetime, now)
    if user is None:
        g.session_ended = True  # the login page says why
    return user


def fresh():
    """A fresh cookie at a login step: nothing of the anonymous one but CARRIED."""
    carried = {key: session[key] for key in CARRIED if key in session}
    session.clear()
    session.update(carried)


def start(user):
    """After a complete login: a fresh cookie, a new server-side session, the person logged in."""
    fresh()
    sessions.open_session(user, ip=request.remote_addr)
    login_user(user)


def finish(user, how=""):
    """The login is complete (password, and the second factor when there is one): journaled, the
    last login noted, the session opened."""
    complete_login(user, request.remote_addr, how)
    start(user)


def throttled_message(exc):
    """Why a login must wait, and until when: the address, or these credentials from this address
    (the same words for a real and an unknown login)."""
    when = datetime_fr(exc.until)
    if exc.scope == "address":
        return f"Trop de tentatives depuis votre adresse\u202f: réessayez après le {when}."
    return f"Trop d’échecs de connexion avec ces identifiants\u202f: réessayez après le {when}."


def end():
    """Log out: the server-side session ends (the cookie, replayed, opens nothing), the cookie is emptied."""
    if current_user.is_authenticated:
        sessions.end_session(current_user.session_token)
    logout_user()
    session.clear()
