"""Connexion and déconnexion: throttling per address and per login, address validation, the new
password that a temporary password's holder must choose at the next login; the second factor's
step is in second_factor.py."""
import datetime
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from db import clock
from db.accounts import inscription
from db.accounts.login import (
    EmailNotValidated,
    Throttled,
    authenticate,
    pending_renewal,
    renew_password,
)
from db.errors import Invalid, NotFound
from webapp import login_sessions
from webapp.access import login_required
from webapp.blueprints.accounts import second_factor
from webapp.forms import apply_errors
from webapp.forms.auth import LoginForm
from webapp.forms.recovery import RenewForm
from webapp.mailer import link_with_token, send_queued

bp = Blueprint("auth", __name__)

RENEW_MINUTES = 15
UNVALIDATED = (
    "Votre adresse électronique n'a pas encore été validée : suivez le lien « Validation de votre "
    "adresse électronique » du courriel reçu à l'inscription. Ce lien est valable 60 minutes ; s'il a "
    "expiré ou si vous ne le trouvez pas, demandez-en un nouveau."
)


@bp.route("/connexion", methods=["GET", "POST"])
def login():
    """Log in with SIRET, Nom, Prénom and Mot de passe."""
    if current_user.is_authenticated:
        return redirect(url_for("menu.home"))
    form = LoginForm()
    error, status, resend = None, 200, False
    if form.validate_on_submit():
        try:
            user = authenticate(form.siret.data, form.nom.data, form.prenom.data, form.password.data,
                                ip=request.remote_addr)
        except Throttled as exc:
            error, status = login_sessions.throttled_message(exc), 429
        except EmailNotValidated as exc:
            session["unvalidated"] = exc.user.id
            error, status, resend = UNVALIDATED, 403, True
        except Invalid as exc:
            error, status = exc.errors["__all__"], 401
        else:
            return _logged_in(user)
    elif form.is_submitted():
        status = 422
    return render_template("accounts/auth/login.html", form=form, error=error, resend=resend), status


def _logged_in(user):
    if user.must_change_password:
        login_sessions.fresh()  # nothing carried over from before
        until = clock.now() + datetime.timedelta(minutes=RENEW_MINUTES)
        session["renew"] = {"user": user.id, "version": user.session_version, "until": until.isoformat()}
        return redirect(url_for("auth.renew"))
    return second_factor.next_step(user, _safe_next())


@bp.route("/connexion/nouveau-lien", methods=["POST"])
def resend_validation():
    """Send a new validation link (offered after a correct password on an unvalidated address)."""
    user_id = session.get("unvalidated")
    if user_id is None:
        return redirect(url_for("auth.login"))
    try:
        user = inscription.resend_validation(user_id, link_with_token("inscription.validate_email"))
    except Invalid as exc:
        flash(exc.errors["__all__"], "warning")
        return redirect(url_for("auth.login"))
    send_queued()
    if user is not None:
        flash(f"Un nouveau lien de validation, valable 60 minutes, a été envoyé à {user.email}.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/connexion/nouveau-mot-de-passe", methods=["GET", "POST"])
def renew():
    """After a temporary password: choose a new password and a new secret question."""
    pending = session.get("renew") or {}
    expired = not pending or pending.get("until", "") < clock.now().isoformat()
    user = None if expired else pending_renewal(pending["user"], pending["version"])
    if user is None:
        session.pop("renew", None)
        flash(
            "Reconnectez-vous avec le mot de passe temporaire pour choisir votre nouveau mot de passe.",
            "info",
        )
        return redirect(url_for("auth.login"))
    form, error, status = RenewForm(), None, 200
    if request.method == "POST":
        try:
            user = renew_password(user.id, user.session_version, form.password.data, form.confirmation.data,
                                  form.secret_question.data, form.secret_answer.data)
        except NotFound:
            return redirect(url_for("auth.login"))
        except Invalid as exc:
            error, status = apply_errors(form, exc), 422
        else:
            flash("Votre nouveau mot de passe et votre question secrète sont enregistrés.", "success")
            return second_factor.next_step(user, None)
    return render_template("accounts/auth/renew.html", form=form, user=user, error=error), status


@bp.route("/deconnexion", methods=["POST"])
@login_required
def logout():
    """Log out: the session ends on the server, so the cookie replayed opens nothing."""
    login_sessions.end()
    return redirect(url_for("auth.login"))


def _safe_next():
    """The ?next= target when it is a path of this site, else None. Browsers drop tabs and line
    breaks and read a backslash as "/" before resolving a Location: "/<tab>/evil.example" would leave the
    site, so any control, space or backslash refuses the target, and what remains must be a path."""
    target = request.args.get("next", "")
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if not target.isprintable() or any(character.isspace() for character in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None
