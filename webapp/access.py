"""Who may open a view, next to authentication: administrators of a firm, people of a firm
(administrators and déclarants), and the portal's support agents. db/access.py checks the same
rules again inside every operation."""
from functools import wraps

from flask import current_app, redirect, request, url_for
from flask_login import current_user

from db import access
from db.access import ADMIN_ONLY, SUPPORT_ONLY, require_admin, require_firm_person, require_support

__all__ = ["ADMIN_ONLY", "FIRM_ONLY", "SUPPORT_ONLY", "admin_required", "firm_required", "support_required"]

FIRM_ONLY = f"{access.FIRM_ONLY} Le support du portail utilise son propre espace."


def _guarded(view, check, on_anonymous):
    """view behind a guard: anonymous visitors get on_anonymous(); for the others check(current_user)
    raises Forbidden with the reason in French (a 403 page), or lets the view run."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        user = current_user._get_current_object()
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
