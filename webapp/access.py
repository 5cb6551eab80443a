"""Who may open a view, next to authentication: administrators of a firm, people of a firm
(administrators and déclarants), and the portal's support agents. db/access.py checks the same
rules again inside every operation."""
from functools import wraps

from flask import current_app, redirect, request, url_for
from flask.globals import _cv_app, _cv_request
from flask_login.config import EXEMPT_METHODS

from db import access
from db.access import ADMIN_ONLY, SUPPORT_ONLY, require_admin, require_firm_person, require_support

__all__ = ["ADMIN_ONLY", "FIRM_ONLY", "SUPPORT_ONLY", "admin_required", "current_person", "firm_required",
           "login_required", "support_required"]

FIRM_ONLY = f"{access.FIRM_ONLY} Le support du portail utilise son propre espace."


def current_person():
    """What flask_login's current_user stands for (the person logged in, or the anonymous user; None
    outside a request), read from the request's context: through the proxy, each look cost ~8 calls."""
    context = _cv_request.get(None)
    if context is None:
        return None
    g = _cv_app.get().g
    if "_login_user" not in g:
        context.app.login_manager._load_user()
    return g._login_user


def login_required(view):
    """Flask-Login's login_required (OPTIONS and LOGIN_DISABLED let through; an anonymous visitor gets
    the login manager's answer), without its four proxies a request."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        context = _cv_request.get()
        app = context.app
        if context.request.method not in EXEMPT_METHODS and not app.config.get("LOGIN_DISABLED") \
                and not current_person().is_authenticated:
            return app.login_manager.unauthorized()
        return app.ensure_sync(view)(*args, **kwargs)

    return wrapped


def _guarded(view, check, on_anonymous):
    """view behind a guard: anonymous visitors get on_anonymous(); for the others check(current_user)
    raises Forbidden with the reason in French (a 403 page), or lets the view run."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        user = current_person()
        if not user.is_authenticated:
            return on_anonymous()
        check(user)
        return view(*args, **kwargs)

    return wrapped


def _login_page():
    return current_app.login_manager.unauthorized()


def _support_login_page():
    return redirect(url_for("support.login", next=request.full_path.rstrip("?")))


def admin_required(view):
    """Logged in and administrator of a firm; a déclarant gets 403 with the reason in French."""
    return _guarded(view, require_admin, _login_page)


def firm_required(view):
    """Logged in as a person of a firm (administrator or déclarant); support agents get 403."""
    return _guarded(view, lambda user: require_firm_person(user, FIRM_ONLY), _login_page)


def support_required(view):
    """Logged in as a support agent; people of a firm get 403, anonymous visitors the support login."""
    return _guarded(view, require_support, _support_login_page)
