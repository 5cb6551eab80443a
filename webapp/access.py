"""Access rules shared by the blueprints."""
from functools import wraps

from flask_login import current_user, login_required

from db.access import ADMIN_ONLY, require_admin

__all__ = ["ADMIN_ONLY", "admin_required"]


def admin_required(view):
    """Logged in and administrator of a firm; a déclarant gets 403 with the reason in French."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        require_admin(current_user)
        return view(*args, **kwargs)

    return wrapped
