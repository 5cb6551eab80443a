"""The Boîte d'envoi of demo mode: the mails the portal queued, with their text and links.

It exists only when PORTAL_MODE is "demo" (404 otherwise): with no SMTP server, this is how a
demonstration follows a validation or recovery link.
"""
import re

from flask import Blueprint, abort, current_app, render_template
from markupsafe import Markup, escape

from db.mail.delivery import outbox

bp = Blueprint("outbox", __name__)

_URL = re.compile(r"https?://[^\s<>\"']+")


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
    """List the latest messages of the outbox, newest first."""
    return render_template("mail/outbox.html", mails=list(outbox(limit=100)))
