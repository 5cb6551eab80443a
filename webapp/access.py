"""Who may open a view, next to authentication: administrators of a firm, people of a firm
(administrators and déclarants), and the portal's support agents. db/access.py checks the same
rules again inside every operation."""
from functools import wraps

from flask import current_app, redirect, request, url_for
from flask_login import current_user, login_required

from db import access
from db.access import ADMIN_ONLY, SUPPORT_ONLY, require_admin, require_firm_person
from db.errors import Forbidden

__all__ = ["ADMIN_ONLY", "FIRM_ONLY", "SUPPORT_ONLY", "admin_required", "firm_required", "support_required"]

FIRM_ONLY = f"{access.FIRM_ONLY} Le support du portail utilise son propre espace."


def admin_required(view):
    """Logged in and administrator of a firm; a déclarant gets 403 with the reason in French."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        require_admin(current_user)
        return view(*args, **kwargs)

    return wrapped


def firm_required(view):
    """Logged in as a person of a firm (administrator or déclarant); support agents get 403."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        require_firm_person(current_user, FIRM_ONLY)
        return view(*args, **kwargs)

    return wrapped


def support_required(view):
    """Logged in as a support agent; people of a firm get 403, anonymous visitors the support login."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("support.login", next=request.full_path.rstrip("?")))
        if not current_user.is_support:
            raise Forbidden(SUPPORT_ONLY)
        return view(*args, **kwargs)

    return wrapped
