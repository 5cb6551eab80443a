"""Inscription of a firm, steps 1 to 5 (identity, conditions, establishment, password,
récapitulatif), the live checks of its fields, "Abandonner l'inscription" and the validation of the
address; steps 6 to 9 are in registration.py.

The wizard's state lives in the database (webapp/blueprints/accounts/wizard.py): each step's check in
db.accounts.inscription returns what the draft keeps (hashes only for the password and the answer);
nothing of the firm is written before « Valider l'inscription ».
"""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from db import clock
from db.accounts import inscription
from db.accounts.password_policy import CRITERIA, MAX_LENGTH, MIN_CLASSES, MIN_LENGTH, STRENGTH_LABELS
from db.accounts.rate_limits import TooMany
from db.errors import Invalid, NotFound
from webapp.blueprints.accounts.wizard import forget_state, page, save_state, step, without_session
from webapp.forms import apply_errors
from webapp.forms.inscription import AccessRequestForm, CredentialsForm, IdentityForm
from webapp.mailer import absolute_url, send_queued
from webapp.templating import endpoint_exists

bp = Blueprint("inscription", __name__, url_prefix="/inscription")
SECRET_FIELDS = ("secret_question", "secret_answer")
CONDITIONS_FILE = "conditions-generales-portail-tiers-declarant.html"


@bp.app_template_global()
def password_policy():
    """The shared password policy, for templates/_macros/password.html."""
    return {"criteria": CRITERIA, "labels": STRENGTH_LABELS, "min_length": MIN_LENGTH,
            "max_length": MAX_LENGTH, "min_classes": MIN_CLASSES}


@bp.route("/", methods=["GET", "POST"])
@step(1)
def start(state):
    """Step 1, "Je crée mon compte": SIRET, nom, prénom, téléphones, courriel."""
    identity = state.get("identity") or {}
    form = IdentityForm(data={**identity, "email_confirmation": identity.get("email")})
    if request.method == "POST":
        try:
            identity = inscription.check_identity(request.form)
        except Invalid as exc:
            return page(
                "accounts/inscription/start.html", state, 1, 422, form=form, error=apply_errors(form, exc)
            )
        previous = state.get("identity") or {}
        if any(previous.get(k) != identity[k] for k in ("siret", "nom", "prenom")) and state.get(
            "credentials"
        ):
            # The password must not contain the name or the SIRET: choose it again.
            state.pop("credentials")
            state["reached"] = min(state["reached"], 3)
        state["identity"] = identity
        save_state(state, 1)
        return redirect(url_for("inscription.conditions"))
    return page("accounts/inscription/start.html", state, 1, form=form)


@bp.route("/verifier/<name>", methods=["POST"])
@without_session
def check_field(name):
    """Check one field on blur (htmx): the field comes back with its message, or without."""
    if name in inscription.IDENTITY_FIELDS:
        form, errors = IdentityForm(), inscription.identity_errors(request.form)[1]
    elif name in SECRET_FIELDS:
        form = CredentialsForm()
        errors = inscription.check_secret_pair(
            request.form.get("secret_question"), request.form.get("secret_answer")
        )[2]
    else:
        abort(404)
    apply_errors(form, Invalid({name: errors[name]} if name in errors else {}))
    return render_template(
        "accounts/inscription/_field.html", form=form, name=name
    ), 422 if name in errors else 200


@bp.route("/conditions", methods=["GET", "POST"])
@step(2)
def conditions(state):
    """Step 2: the Conditions générales d'utilisation, "J'accepte" or "Je refuse"."""
    if request.method == "POST":
        if request.form.get("decision") != "accept":
            forget_state()
            return render_template("accounts/inscription/refused.html")
        state["cgu_accepted"] = True
        save_state(state, 2)
        return redirect(url_for("inscription.establishment"))
    return page("accounts/inscription/conditions.html", state, 2)


@bp.route("/conditions/telecharger")
def download_conditions():
    """« Télécharger » the conditions: one HTML file that opens and prints anywhere, without the portal."""
    text = render_template("accounts/inscription/conditions_file.html", downloaded_at=clock.now())
    response = Response(text, content_type="text/html; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{CONDITIONS_FILE}"'
    return response


@bp.route("/etablissement", methods=["GET", "POST"])
@step(3)
def establishment(state):
    """Step 3, "Identification de votre établissement", prefilled from the Sirene directory."""
    found = inscription.establishment(state["identity"]["siret"])
    if request.method == "POST" and not found["registered"]:
        save_state(state, 3)
        return redirect(url_for("inscription.credentials"))
    status = 409 if request.method == "POST" else 200
    return page(
        "accounts/inscription/establishment.html", state, 3, status, found=found, form=AccessRequestForm()
    )


@bp.route("/demande-aux-administrateurs", methods=["POST"])
@step(3)
def request_access(state):
    """Ask the administrators of an already registered SIRET to create the account."""
    form = AccessRequestForm()
    requests_url = (
        absolute_url("requests.index") if endpoint_exists("requests.index") else absolute_url("auth.login")
    )
    try:
        inscription.request_access(state["identity"], form.message.data, requests_url,
                                   sender=request.remote_addr)
    except (Invalid, TooMany) as exc:
        found = inscription.establishment(state["identity"]["siret"])
        error, status = (apply_errors(form, exc), 422) if isinstance(exc, Invalid) else (str(exc), 429)
        return page("accounts/inscription/establishment.html", state, 3, status, found=found, form=form,
                    error=error)
    send_queued()
    forget_state()
    return render_template("accounts/inscription/access_sent.html")


@bp.route("/mot-de-passe", methods=["GET", "POST"])
@step(4)
def credentials(state):
    """Step 4: password and confirmation, secret question and answer."""
    kept = state.get("credentials") or {}
    form = CredentialsForm(data={"secret_question": kept.get("secret_question")})
    if request.method == "POST":
        try:
            state["credentials"] = inscription.check_credentials(request.form, state["identity"], kept)
        except Invalid as exc:
            return page("accounts/inscription/credentials.html", state, 4, 422, form=form, kept=kept,
                         error=apply_errors(form, exc))
        save_state(state, 4)
        return redirect(url_for("inscription.summary"))
    return page("accounts/inscription/credentials.html", state, 4, form=form, kept=kept)


@bp.route("/recapitulatif", methods=["GET", "POST"])
@step(5)
def summary(state):
    """Step 5: the printable récapitulatif of the authentication data → "S'inscrire aux services"."""
    if request.method == "POST":
        save_state(state, 5)
        return redirect(url_for("registration.profile"))
    return page(
        "accounts/inscription/summary.html",
        state,
        5,
        found=inscription.establishment(state["identity"]["siret"]),
    )


@bp.route("/abandonner", methods=["POST"])
def abandon():
    """"Abandonner l'inscription": forget everything typed."""
    forget_state()
    flash("Inscription abandonnée : aucune donnée n'a été enregistrée.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/validation/<token>", methods=["GET", "POST"])
def validate_email(token):
    """Follow the link of the mail (a button confirms, so that mail scanners do not use it up)."""
    if request.method == "POST":
        user = inscription.validate_email(token)
        if user is None:
            return render_template("accounts/inscription/invalid_link.html"), 410
        return render_template("accounts/inscription/validated.html", user=user)
    user = inscription.validation_pending(token)
    if user is None:
        return render_template("accounts/inscription/invalid_link.html"), 410
    return render_template("accounts/inscription/validate.html", user=user, token=token)


@bp.errorhandler(NotFound)
def _gone_from_directory(exc):
    # The SIRET left the directory between two steps: start again from step 1.
    flash(inscription.UNKNOWN_SIRET, "error")
    forget_state()
    return redirect(url_for("inscription.start"))
