"""Mot de passe oublié (the triplet, then the three ways) and J'ai oublié mon identifiant.

The session keeps only what the person typed (the triplet), never whether it names an account:
the signed session cookie is readable by its holder, and must not answer that question.
"""
import datetime

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for

from db import clock
from db.accounts import recovery
from db.accounts.login import Throttled, check_ip, record_attempt
from db.errors import Invalid, NotFound
from webapp import login_sessions
from webapp.forms import apply_errors
from webapp.forms.recovery import AnswerForm, ForgotLoginForm, NewPasswordForm, TripletForm
from webapp.mailer import absolute_url, link_with_token, send_queued
from webapp.templating import datetime_fr, endpoint_exists

bp = Blueprint("recovery", __name__)


def _triplet():
    return session.get("recovery")


def _secret():
    return current_app.config["SECRET_KEY"]


def _guard():
    """Per-address throttling: every look-up counts, as a guess would."""
    check_ip(request.remote_addr)
    record_attempt(request.remote_addr, False)


@bp.errorhandler(Throttled)
def _throttled(exc):
    text = f"Trop de tentatives depuis votre adresse : réessayez après le {datetime_fr(exc.until)}."
    return render_template("errors/error.html", status=429, title="Trop de tentatives", text=text), 429


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
def start():
    """Mot de passe oublié: the triplet first (SIRET, Nom, Prénom)."""
    form, error = TripletForm(data=_triplet()), None
    if request.method == "POST":
        _guard()
        try:
            session["recovery"] = recovery.check_triplet(request.form)
        except Invalid as exc:
            error = apply_errors(form, exc)
            return render_template("accounts/recovery/start.html", form=form, error=error), 422
        session.pop("recovery_verified", None)
        return redirect(url_for("recovery.options"))
    return render_template("accounts/recovery/start.html", form=form, error=error)


@bp.route("/mot-de-passe-oublie/choix")
def options():
    """The three ways: secret question, link by e-mail, request to the administrators."""
    if not _triplet():
        return redirect(url_for("recovery.start"))
    return _options_page(AnswerForm())


def _options_page(form, status=200, error=None):
    info = recovery.options(_triplet(), _secret())
    return render_template(
        "accounts/recovery/options.html", form=form, info=info, triplet=_triplet(), error=error
    ), status


@bp.route("/mot-de-passe-oublie/question", methods=["POST"])
def answer():
    """Way 1: answer the secret question; five wrong answers and it waits 60 minutes."""
    if not _triplet():
        return redirect(url_for("recovery.start"))
    check_ip(request.remote_addr)
    form = AnswerForm()
    try:
        user = recovery.answer_question(_triplet(), form.secret_answer.data, _secret())
    except recovery.SecretLocked:
        record_attempt(request.remote_addr, False)
        return _options_page(form, 422)
    except Invalid as exc:
        record_attempt(request.remote_addr, False)
        return _options_page(form, 422, apply_errors(form, exc))
    until = clock.now() + datetime.timedelta(minutes=recovery.VERIFIED_MINUTES)
    session["recovery_verified"] = {
        "user": user.id,
        "version": user.session_version,
        "until": until.isoformat(),
    }
    return redirect(url_for("recovery.new_password"))


@bp.route("/mot-de-passe-oublie/nouveau-mot-de-passe", methods=["GET", "POST"])
def new_password():
    """Way 1 (continued): choose the new password; the other sessions of the account end."""
    verified = session.get("recovery_verified") or {}
    try:
        if verified.get("until", "") < clock.now().isoformat():
            raise NotFound()
        user = recovery.verified_user(verified["user"], verified["version"])
    except NotFound:
        session.pop("recovery_verified", None)
        return redirect(url_for("recovery.start"))
    form, error, status = NewPasswordForm(), None, 200
    if request.method == "POST":
        try:
            user = recovery.reset_after_answer(user.id, user.session_version, form.password.data,
                                               form.confirmation.data, absolute_url("auth.login"))
        except Invalid as exc:
            error, status = apply_errors(form, exc), 422
        else:
            return _reset_done(user)
    return render_template("accounts/recovery/new_password.html", form=form, user=user, error=error), status


def _reset_done(user):
    send_queued()
    flash("Votre nouveau mot de passe est enregistré. Vos autres sessions ont été fermées.", "success")
    login_sessions.start(user)
    return redirect(url_for("menu.home"))


@bp.route("/mot-de-passe-oublie/lien", methods=["POST"])
def send_link():
    """Way 2: a single-use link by e-mail, valid 60 minutes (same answer for any triplet)."""
    if not _triplet():
        return redirect(url_for("recovery.start"))
    _guard()
    recovery.send_reset_link(_triplet(), link_with_token("recovery.reset"))
    send_queued()
    return render_template("accounts/recovery/link_sent.html")


@bp.route("/mot-de-passe-oublie/lien/<token>", methods=["GET", "POST"])
def reset(token):
    """Way 2 (continued): choose the new password through the link of the mail."""
    user = recovery.reset_pending(token)
    if user is None:
        return render_template("accounts/recovery/invalid_link.html"), 410
    form, error, status = NewPasswordForm(), None, 200
    if request.method == "POST":
        try:
            user = recovery.reset_with_token(token, form.password.data, form.confirmation.data)
        except NotFound:
            return render_template("accounts/recovery/invalid_link.html"), 410
        except Invalid as exc:
            error, status = apply_errors(form, exc), 422
        else:
            return _reset_done(user)
    return render_template(
        "accounts/recovery/new_password.html", form=form, user=user, error=error, token=token
    ), status


@bp.route("/mot-de-passe-oublie/administrateur", methods=["POST"])
def ask_admin():
    """Way 3: a request to the firm's administrators, who generate a temporary password."""
    if not _triplet():
        return redirect(url_for("recovery.start"))
    _guard()
    requests_url = (
        absolute_url("requests.index") if endpoint_exists("requests.index") else absolute_url("auth.login")
    )
    recovery.ask_administrators(_triplet(), requests_url)
    send_queued()
    return render_template("accounts/recovery/request_sent.html")


@bp.route("/identifiant-oublie", methods=["GET", "POST"])
def forgot_login():
    """J'ai oublié mon identifiant: the triplets mailed to the address (same answer for any address)."""
    form, error = ForgotLoginForm(), None
    if request.method == "POST":
        _guard()
        try:
            recovery.send_login_reminder(form.email.data, absolute_url("auth.login"))
        except Invalid as exc:
            error = apply_errors(form, exc)
            return render_template("accounts/recovery/forgot_login.html", form=form, error=error), 422
        send_queued()
        return render_template("accounts/recovery/login_sent.html")
    return render_template("accounts/recovery/forgot_login.html", form=form, error=error)
