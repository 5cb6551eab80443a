"""Flask extensions, created here and bound in create_app."""
from flask import current_app, flash, g, redirect, request, session
from flask_login import LoginManager
from flask_login.config import COOKIE_NAME
from flask_login.utils import login_url
from flask_wtf.csrf import CSRFProtect, generate_csrf

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


SIGNED_TOKENS_KEPT = 10_000  # per worker process: one per session seen


def csrf_token():
    """The pages' CSRF token (templates' csrf_token()): Flask-WTF's generate_csrf, its signature remembered
    per session token. Flask-WTF signs the session's token again on every page (JSON, HMAC, base64, with a
    timestamp); with WTF_CSRF_TIME_LIMIT None (config.py) the timestamp is never checked, so the token
    signed once for a session is as valid as a new one, and is the one a form built later in the request
    gets too (Flask-WTF keeps it in g for the request)."""
    config = current_app.config
    field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if field in g or config.get("WTF_CSRF_TIME_LIMIT") is not None:
        return generate_csrf()
    signed_tokens = current_app.extensions.setdefault("portal_signed_csrf", {})
    secret = config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    raw = session.get(field)
    signed = signed_tokens.get((secret, raw)) if raw is not None else None
    if signed is None:
        signed = generate_csrf()  # a first visit's session gets its token here
        if len(signed_tokens) >= SIGNED_TOKENS_KEPT:
            signed_tokens.clear()
        signed_tokens[(secret, session[field])] = signed
    setattr(g, field, signed)
    return signed


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
