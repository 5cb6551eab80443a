"""Flask extensions, created here and bound in create_app."""
from flask import flash, g, redirect, request
from flask_login import LoginManager
from flask_login.utils import login_url
from flask_wtf.csrf import CSRFProtect

from webapp import login_sessions

csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Veuillez vous connecter pour accéder à cette page."
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"
# The cookie names a server-side session (db/accounts/sessions.py): one indexed query per request
# finds it with its user and firm, and refuses it once ended, idle or too old.
login_manager.user_loader(login_sessions.load_user)


@login_manager.unauthorized_handler
def _unauthorized():
    """The login page, saying why when a session just ended."""
    flash(login_sessions.SESSION_ENDED if g.get("session_ended") else login_manager.login_message, "info")
    return redirect(login_url(login_manager.login_view, next_url=request.url))
