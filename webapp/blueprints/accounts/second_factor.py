"""The second step of a login for people with a second factor: the code of the authenticator
application (or a recovery code), and, when the firm requires it, the enrolment of a phone before
anything else. The password step leaves only who and until when in the session."""
import datetime

from flask import Blueprint, flash, redirect, render_template, request, session, url_for

from db import clock
from db.accounts import second_factor
from db.accounts.login import Throttled
from db.errors import Invalid
from db.models import User
from webapp import login_sessions
from webapp.forms import apply_errors
from webapp.forms.second_factor import CodeForm

bp = Blueprint("second_factor", __name__, url_prefix="/connexion")
KEY = "second_factor"
STEP_MINUTES = 5


def next_step(user, target):
    """After the password: the code page, the enrolment the firm requires, or the end of the login."""
    if not second_factor.is_required(user):
        login_sessions.finish(user)
        return redirect(target or url_for("menu.home"))
    login_sessions.fresh()
    until = clock.now() + datetime.timedelta(minutes=STEP_MINUTES)
    session[KEY] = {"user": user.id, "version": user.session_version, "until": until.isoformat(),
                    "next": target}
    step = "second_factor.code" if second_factor.is_enrolled(user) else "second_factor.enrol"
    return redirect(url_for(step))


def _pending():
    """The person between the password and the second factor, or None (expired, password changed)."""
    state = session.get(KEY) or {}
    if state.get("until", "") < clock.now().isoformat():
        return None
    user = User.get_or_none(User.id == state.get("user"))
    if user is None or not user.is_active or user.session_version != state.get("version"):
        return None
    return user


def _again():
    session.pop(KEY, None)
    flash("Reconnectez-vous\u202f: l’étape du code a expiré.", "info")
    return redirect(url_for("auth.login"))


def _done(user, how):
    target = (session.get(KEY) or {}).get("next")
    login_sessions.finish(user, how)
    return redirect(target or url_for("menu.home"))


@bp.route("/code", methods=["GET", "POST"])
def code():
    """Type the code of the authenticator application, or a recovery code."""
    user = _pending()
    if user is None or not second_factor.is_enrolled(user):
        return _again()
    form, error, status = CodeForm(), None, 200
    if request.method == "POST":
        try:
            used = second_factor.verify(user, form.code.data, request.remote_addr)
        except Throttled as exc:
            error, status = login_sessions.throttled_message(exc), 429
        except Invalid as exc:
            error, status = apply_errors(form, exc), 422
        else:
            if used == "recovery":
                flash(f"Vous vous êtes connecté avec un code de secours\u202f; il vous en reste "
                      f"{second_factor.remaining_codes(user)}. Générez-en de nouveaux dans « Vos "
                      "informations personnelles ».", "warning")
            return _done(user, " avec un code de secours" if used == "recovery" else
                         " avec la double authentification")
    return render_template("accounts/second_factor/code.html", form=form, error=error), status


@bp.route("/double-authentification", methods=["GET", "POST"])
def enrol():
    """The firm requires a second factor and this person has none: enrol a phone first."""
    user = _pending()
    if user is None or second_factor.is_enrolled(user):
        return _again()
    form, error, status = CodeForm(), None, 200
    if request.method == "POST":
        try:
            codes = second_factor.confirm_enrolment(user, form.code.data)
        except Invalid as exc:
            error, status = apply_errors(form, exc), 422
        else:
            target = (session.get(KEY) or {}).get("next")
            login_sessions.finish(user, " avec la double authentification")
            return render_template("accounts/second_factor/codes.html", codes=codes,
                                   next_url=target or url_for("menu.home"))
    uri, svg, secret = second_factor.provisioning(user)
    return render_template("accounts/second_factor/enrol.html", form=form, error=error, svg=svg,
                           secret=secret, uri=uri, action=url_for(".enrol"), during_login=True), status
