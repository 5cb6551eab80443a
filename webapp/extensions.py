"""Flask extensions, created here and bound in create_app."""
from flask import current_app, flash, g, redirect, request, session
from flask_login import LoginManager
from flask_login.config import COOKIE_NAME
from flask_login.utils import login_url
from flask_wtf.csrf import CSRFProtect

from webapp import login_sessions


class PortalLoginManager(LoginManager):
    """Flask-Login's manager, whose "strong" session protection only looks at a cookie that carries a
    login (or a remember-me cookie beside it, which the portal never sets). Flask-Login also "protects"
    an anonymous cookie (a CSRF token, flashed messages): it finds no fingerprint there and marks it
    to clear the remember-me cookie, so every anonymous page re-signed and re-sent the session cookie,
    with the deletion of a cookie nobody has. There is nothing to protect in it: an anonymous cookie
    used from another browser logs nobody in."""

    def _session_protection_failed(self):
        remember = current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME)
        if "_user_id" not in session and remember not in request.cookies:
            return False
        return super()._session_protection_failed()


csrf = CSRFProtect()
login_manager = PortalLoginManager()
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
