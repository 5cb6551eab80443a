"""Access rules shared by the blueprints."""
from functools import wraps

from flask_login import current_user, login_required

from db.errors import Forbidden

ADMIN_ONLY = (
    "Cette page est réservée aux administrateurs du compte. Vous avez le rôle de déclarant : "
    "demandez à un administrateur (voir « Vos informations personnelles ») de faire cette modification."
)


def admin_required(view):
    """Logged in and administrator of a firm; a déclarant gets 403 with the reason in French."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            raise Forbidden(ADMIN_ONLY)
        return view(*args, **kwargs)

    return wrapped
