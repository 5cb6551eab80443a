"""Flask extensions, created here and bound in create_app."""
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from db.accounts.login import load_session_user

csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Veuillez vous connecter pour accéder à cette page."
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"


@login_manager.user_loader
def _load_user(session_id):
    # The session holds "id:session_version": a password change bumps the version and so
    # logs out every other session of the account.
    try:
        user_id, version = (int(part) for part in session_id.split(":"))
    except ValueError:
        return None
    return load_session_user(user_id, version)
