"""Flask extensions, created here and bound in create_app."""
from flask import flash, g, redirect, request
from flask.globals import _cv_app, _cv_request
from flask_login import LoginManager
from flask_login.config import COOKIE_NAME
from flask_login.utils import _create_identifier, login_url
from flask_wtf.csrf import CSRFProtect, generate_csrf

from webapp import login_sessions
from webapp.memo import kept_in


class PortalLoginManager(LoginManager):
    """Flask-Login's manager, whose "strong" session protection only looks at a cookie that carries a
    login (or a remember-me cookie beside it, which the portal never sets). Flask-Login also "protects"
    an anonymous cookie (a CSRF token, flashed messages): it finds no fingerprint there and marks it
    to clear the remember-me cookie, so every anonymous page re-signed and re-sent the session cookie,
    with the deletion of a cookie nobody has. There is nothing to protect in it: an anonymous cookie
    used from another browser logs nobody in."""

    def __init__(self):
        super().__init__()
        self._session_identifier_generator = browser_identifier

    def _session_protection_failed(self):
        context = _cv_request.get()  # the request's context itself: Flask's proxies cost ~3 calls a look
        sess = context.session
        remember = context.app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME)
        if "_user_id" not in sess and remember not in context.request.cookies:
            return False
        # The cookie's fingerprint is this browser's (every request of a session but a stolen cookie's):
        # nothing to protect, as Flask-Login concludes after the same comparison.
        if sess and browser_identifier() == sess.get("_id"):
            return False
        return super()._session_protection_failed()

    def _update_remember_cookie(self, response):
        # Flask-Login's after-request hook does nothing when the session holds no "_remember" and the
        # remember-me cookie is not refreshed each request (the portal sets none): said without proxies.
        context = _cv_request.get()
        refreshed = context.app.config.get("REMEMBER_COOKIE_REFRESH_EACH_REQUEST")
        if "_remember" not in context.session and not refreshed:
            return response
        return super()._update_remember_cookie(response)


IDENTIFIERS_KEPT = 10_000  # per worker process: one per address and user agent seen
_identifiers = {}


def browser_identifier():
    """Flask-Login's fingerprint of the browser ("strong" session protection: sha512 of the address, or
    X-Forwarded-For's first, and the user agent), computed by Flask-Login once per address, forwarded-for
    and user agent seen instead of once per request."""
    environ = _cv_request.get().request.environ
    key = (environ.get("HTTP_X_FORWARDED_FOR"), environ.get("REMOTE_ADDR"), environ.get("HTTP_USER_AGENT"))
    return kept_in(_identifiers, key, _create_identifier, IDENTIFIERS_KEPT)


class PortalCSRFProtect(CSRFProtect):
    """Flask-WTF's CSRF protection, which looks at the method first: a GET, HEAD or OPTIONS has nothing
    to check, and Flask-WTF found that out only after looking up the view's exemption (~35 calls)."""

    def protect(self, apply_exemptions=False):
        context = _cv_request.get()
        if context.request.method not in context.app.config["WTF_CSRF_METHODS"]:
            return
        super().protect(apply_exemptions)


SIGNED_TOKENS_KEPT = 10_000  # per worker process: one per session seen


def csrf_token():
    """The pages' CSRF token (templates' csrf_token()): Flask-WTF's generate_csrf, its signature remembered
    per session token. Flask-WTF signs the session's token again on every page (JSON, HMAC, base64, with a
    timestamp); with WTF_CSRF_TIME_LIMIT None (config.py) the timestamp is never checked, so the token
    signed once for a session is as valid as a new one, and is the one a form built later in the request
    gets too (Flask-WTF keeps it in g for the request). The app, g and the session are read from their
    context variables, not through Flask's proxies (~3 calls a look)."""
    context = _cv_request.get(None)
    if context is None:
        return generate_csrf()  # outside a request: Flask-WTF says why
    app, session, g = context.app, context.session, _cv_app.get().g
    config = app.config
    field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if field in g or config.get("WTF_CSRF_TIME_LIMIT") is not None:
        return generate_csrf()
    signed_tokens = app.extensions.setdefault("portal_signed_csrf", {})
    secret = config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
    raw = session.get(field)
    signed = signed_tokens.get((secret, raw)) if raw is not None else None
    if signed is None:
        signed = generate_csrf()  # a first visit's session gets its token here
        if len(signed_tokens) >= SIGNED_TOKENS_KEPT:
            signed_tokens.clear()
        signed_tokens[(secret, session[field])] = signed
    setattr(g, field, signed)
    return signed


csrf = PortalCSRFProtect()
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
