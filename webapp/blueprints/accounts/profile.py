"""Vos informations personnelles: contact details, password, secret question, the firm's
administrators, and the request to become administrator (cooptation)."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from db.accounts import profile
from db.errors import Invalid
from db.people import requests
from webapp import login_sessions
from webapp.access import firm_required
from webapp.forms import apply_errors
from webapp.forms.people import ContactForm, MessageForm, PasswordChangeForm, SecretChangeForm
from webapp.mailer import mail_links, send_queued

bp = Blueprint("profile", __name__, url_prefix="/compte")


def _forms(**bound):
    """The page's four forms; prefixes keep their field ids apart. bound replaces the one posted."""
    forms = {
        "contact": ContactForm(formdata=None, prefix="contact", obj=current_user),
        "password": PasswordChangeForm(formdata=None, prefix="password"),
        "secret": SecretChangeForm(
            formdata=None, prefix="secret", secret_question=current_user.secret_question
        ),
        "cooptation": MessageForm(formdata=None, prefix="cooptation"),
    }
    forms.update(bound)
    return forms


def _page(status=200, **bound):
    return render_template(
        "accounts/profile/index.html",
        forms=_forms(**bound),
        admins=profile.administrators(current_user),
        cooptation=requests.my_cooptation(current_user),
    ), status


def _post(name, form_class, operation, success):
    """Run the operation of one posted form: (result, None), or (None, the page with the form's
    errors next to its fields, 422)."""
    form = form_class(prefix=name)
    try:
        result = operation(form.data)
    except Invalid as exc:
        general = apply_errors(form, exc)
        if general:
            flash(general, "error")
        return None, _page(422, **{name: form})
    send_queued()
    flash(success, "success")
    return result, None


@bp.get("/")
@firm_required
def index():
    """Show one's details, the administrators, and the forms."""
    return _page()


@bp.post("/coordonnees")
@firm_required
def update_contact():
    """Change one's e-mail address and phone numbers."""
    _, refused = _post(
        "contact",
        ContactForm,
        lambda data: profile.update_contact(current_user, data, mail_links()),
        "Vos coordonnées sont enregistrées.",
    )
    return refused or redirect(url_for(".index"))


@bp.post("/mot-de-passe")
@firm_required
def change_password():
    """Change one's password: the other sessions end, this one stays logged in."""
    user, refused = _post(
        "password",
        PasswordChangeForm,
        lambda data: profile.change_password(current_user, data),
        "Votre mot de passe est modifié. Vos autres sessions ont été fermées.",
    )
    if refused:
        return refused
    login_sessions.start(user)  # every session of the old password ended, this one included: a new one
    return redirect(url_for(".index"))


@bp.post("/question-secrete")
@firm_required
def change_secret():
    """Change one's secret question and answer."""
    _, refused = _post("secret", SecretChangeForm, lambda data: profile.change_secret(current_user, data),
                       "Votre question secrète est modifiée.")
    return refused or redirect(url_for(".index"))


@bp.post("/cooptation")
@firm_required
def request_admin():
    """Ask the administrators to become administrator (they answer in Demande en attente)."""
    _, refused = _post(
        "cooptation",
        MessageForm,
        lambda data: requests.ask_cooptation(current_user, data.get("message"), mail_links()),
        "Votre demande a été transmise aux administrateurs du cabinet. Vous serez informé par courriel.",
    )
    return refused or redirect(url_for(".index"))
