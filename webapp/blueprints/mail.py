"""The Boîte d'envoi of demo mode: the mails the portal queued, with their text and links.

It exists only when PORTAL_MODE is "demo" (404 otherwise): with no SMTP server, this is how a
demonstration follows a validation or recovery link. Each browser sees the mails its own requests
caused in its session (its inscription, its recovery requests, its assistance request), and an
administrator those of the firm; nothing else.
"""
import re
import secrets

from flask import Blueprint, abort, current_app, render_template, session
from flask.globals import _cv_app
from flask_login import current_user
from markupsafe import Markup, escape

from db.mail import delivery

bp = Blueprint("outbox", __name__)

_URL = re.compile(r"https?://[^\s<>\"']+")


OUTBOX_KEY = "outbox"  # kept in the browser's session; the mails store its digest


def _origin():
    """The digest of this browser's outbox key, created with the first mail it causes."""
    if OUTBOX_KEY not in session:
        session[OUTBOX_KEY] = secrets.token_urlsafe(16)
    return delivery.origin_of(session[OUTBOX_KEY])


@bp.before_app_request
def _mark_mails_with_the_browser():
    context = _cv_app.get()  # the app and g from their context variable, not through proxies
    if context.app.config["PORTAL_MODE"] == "demo":
        context.g.mail_origin = delivery.caused_by(_origin)


@bp.teardown_app_request
def _forget_the_browser(exc):
    token = _cv_app.get().g.pop("mail_origin", None)
    if token is not None:
        delivery.release(token)


@bp.before_request
def _demo_only():
    if current_app.config["PORTAL_MODE"] != "demo":
        abort(404)


@bp.app_template_filter("autolink")
def autolink(text):
    """Plain text with its web addresses made into links; everything else escaped."""
    parts, last = [], 0
    for match in _URL.finditer(text or ""):
        url = match.group(0).rstrip(".,;:)»")
        parts += [escape(text[last:match.start()]), Markup('<a href="{0}">{0}</a>').format(url)]
        last = match.start() + len(url)
    parts.append(escape((text or "")[last:]))
    return Markup("").join(parts)


@bp.route("/boite-d-envoi")
def index():
    """List the latest messages this browser caused (and, for an administrator, the firm's)."""
    admin_firm = current_user.firm_id if current_user.is_authenticated and current_user.is_admin else None
    origin = delivery.origin_of(session.get(OUTBOX_KEY))
    return render_template("mail/outbox.html", mails=list(delivery.outbox(origin, admin_firm, limit=100)),
                           admin_firm=admin_firm)
