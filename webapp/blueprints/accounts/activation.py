"""Account activation from the link of the activation mail (public: the link is the credential)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from db.accounts import activation
from db.errors import Invalid, NotFound
from db.identifiers import format_siret
from webapp import login_sessions
from webapp.forms import apply_errors
from webapp.forms.people import SecretsForm

bp = Blueprint("activation", __name__)


@bp.route("/activation/<token>", methods=["GET", "POST"])
def activate(token):
    """Choose a password and a secret question; then log in with the triplet."""
    person = activation.account_for(token)
    if person is None:
        return render_template("accounts/activation/invalid.html"), 404
    form = SecretsForm()
    if request.method == "POST":
        try:
            person = activation.activate(token, form.data)
        except Invalid as exc:
            error = apply_errors(form, exc)
            return render_template(
                "accounts/activation/activate.html", form=form, person=person, error=error
            ), 422
        except NotFound:
            return render_template("accounts/activation/invalid.html"), 404
        if current_user.is_authenticated:
            login_sessions.end()  # someone else's session in this browser must not carry on
        flash(f"Votre compte est activé. Connectez-vous avec le SIRET {format_siret(person.firm.siret)}, "
              f"le nom {person.nom}, le prénom {person.prenom} et votre nouveau mot de passe.", "success")
        return redirect(url_for("auth.login"))
    return render_template("accounts/activation/activate.html", form=form, person=person)
