"""Helpers of the people areas (déclarants, demandes, profil, assistance, support): who may
enter, the absolute links their mails carry, and French form errors placed next to their fields."""
from functools import wraps

from flask import current_app, redirect, request, url_for
from flask_login import current_user

from db.errors import Forbidden
from db.mail.people_mails import TOKEN_PLACEHOLDER, Links
from webapp.mailer import absolute_url

FIRM_ONLY = ("Cette page est réservée aux personnes des cabinets inscrits. Le support du portail "
             "utilise son propre espace.")
SUPPORT_ONLY = "Cette page est réservée au support du portail."


def _optional(endpoint):
    return absolute_url(endpoint) if endpoint in current_app.view_functions else ""


def mail_links():
    return Links(
        login=absolute_url("auth.login"),
        activation=absolute_url("activation.activate", token=TOKEN_PLACEHOLDER),
        assistance=_optional("assistance.new"),
        requests=_optional("requests.index"),
    )


def firm_required(view):
    """Logged in as a person of a firm (administrator or déclarant); support agents get 403."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        if current_user.firm_id is None:
            raise Forbidden(FIRM_ONLY)
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
