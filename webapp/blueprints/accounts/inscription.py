"""Inscription of a tiers déclarant, one URL per step, and the validation of the address.

The wizard's state lives in the signed session (never in hidden fields): each step's check in
db.accounts.inscription returns what the session keeps (hashes only for the password and the answer);
nothing is written to the database before the last "Valider".
"""
from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for

from db.accounts import inscription
from db.accounts.password_policy import CRITERIA, MAX_LENGTH, MIN_CLASSES, MIN_LENGTH, STRENGTH_LABELS
from db.errors import Conflict, Invalid, NotFound
from db.rate_limits import TooMany
from webapp.forms import apply_errors
from webapp.forms.inscription import AccessRequestForm, CredentialsForm, IdentityForm, ProfileForm
from webapp.mailer import absolute_url, link_with_token, send_queued
from webapp.templating import endpoint_exists

bp = Blueprint("inscription", __name__, url_prefix="/inscription")

STEPS = [
    ("inscription.start", "Vos identifiants"),
    ("inscription.conditions", "Conditions générales"),
    ("inscription.establishment", "Votre établissement"),
    ("inscription.credentials", "Mot de passe"),
    ("inscription.summary", "Récapitulatif"),
    ("inscription.profile", "Profil et déclarations"),
    ("inscription.done", "Validation de l'adresse"),
]
KEY = "inscription"
SECRET_FIELDS = ("secret_question", "secret_answer")


@bp.app_template_global()
def password_policy():
    """The shared password policy, for templates/_macros/password.html."""
    return {"criteria": CRITERIA, "labels": STRENGTH_LABELS, "min_length": MIN_LENGTH,
            "max_length": MAX_LENGTH, "min_classes": MIN_CLASSES}


def _state():
    return dict(session.get(KEY) or {"reached": 0})


def _save(state, reached=None):
    if reached is not None:
        state["reached"] = max(state.get("reached", 0), reached)
    session[KEY] = state


def step(number):
    """The view of step `number`, reachable once the steps before it are done."""
    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            state = _state()
            if state.get("reached", 0) < number - 1:
                return redirect(url_for(STEPS[state.get("reached", 0)][0]))
            return view(state, *args, **kwargs)
        return wrapped
    return decorate


def _page(template, state, number, status=200, **context):
    return render_template(template, state=state, steps=STEPS, current=number, **context), status


@bp.route("/", methods=["GET", "POST"])
@step(1)
def start(state):
    """Step 1, "Je crée mon compte": Siret, nom, prénom, téléphones, courriel."""
    identity = state.get("identity") or {}
    form = IdentityForm(data={**identity, "email_confirmation": identity.get("email")})
    if request.method == "POST":
        try:
            identity = inscription.check_identity(request.form)
        except Invalid as exc:
            return _page(
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
        _save(state, 1)
        return redirect(url_for("inscription.conditions"))
    return _page("accounts/inscription/start.html", state, 1, form=form)


@bp.route("/verifier/<name>", methods=["POST"])
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
            session.pop(KEY, None)
            return render_template("accounts/inscription/refused.html")
        state["cgu_accepted"] = True
        _save(state, 2)
        return redirect(url_for("inscription.establishment"))
    return _page("accounts/inscription/conditions.html", state, 2)


@bp.route("/etablissement", methods=["GET", "POST"])
@step(3)
def establishment(state):
    """Step 3, "Identification de votre établissement", prefilled from the Sirene directory."""
    found = inscription.establishment(state["identity"]["siret"])
    if request.method == "POST" and not found["registered"]:
        _save(state, 3)
        return redirect(url_for("inscription.credentials"))
    status = 409 if request.method == "POST" else 200
    return _page(
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
        return _page("accounts/inscription/establishment.html", state, 3, status, found=found, form=form,
                     error=error)
    send_queued()
    session.pop(KEY, None)
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
            return _page("accounts/inscription/credentials.html", state, 4, 422, form=form, kept=kept,
                         error=apply_errors(form, exc))
        _save(state, 4)
        return redirect(url_for("inscription.summary"))
    return _page("accounts/inscription/credentials.html", state, 4, form=form, kept=kept)


@bp.route("/recapitulatif", methods=["GET", "POST"])
@step(5)
def summary(state):
    """Step 5: the printable récapitulatif of the authentication data → "S'inscrire aux services"."""
    if request.method == "POST":
        _save(state, 5)
        return redirect(url_for("inscription.profile"))
    return _page(
        "accounts/inscription/summary.html",
        state,
        5,
        found=inscription.establishment(state["identity"]["siret"]),
    )


@bp.route("/profil", methods=["GET", "POST"])
@step(6)
def profile(state):
    """Step 6: profile ("Votre entreprise", "… et vos clients") and domains of services."""
    form = ProfileForm(data=state.get("profile"))
    if request.method == "POST":
        data = {"profile": request.form.get("profile"), "domains": request.form.getlist("domains")}
        try:
            chosen = inscription.check_profile(data)
        except Invalid as exc:
            return _page(
                "accounts/inscription/profile.html", state, 6, 422, form=form, error=apply_errors(form, exc)
            )
        if chosen["domains"] != (state.get("profile") or {}).get("domains") or not state.get("declarations"):
            state["declarations"] = inscription.proposed_codes(chosen["domains"])
        state["profile"] = chosen
        _save(state, 6)
        return redirect(url_for("inscription.declarations"))
    return _page("accounts/inscription/profile.html", state, 6, form=form)


@bp.route("/declarations")
@step(7)
def declarations(state):
    """Step 6 (continued): "Validation de vos déclarations", the list proposed for the domains."""
    chosen = inscription.declarations_of(state.get("declarations") or [])
    return _page("accounts/inscription/declarations.html", state, 6, declarations=chosen)


@bp.route("/declarations/modifier", methods=["GET", "POST"])
@step(7)
def edit_declarations(state):
    """"Modifier la liste des déclarations" with the dual list."""
    selected, error, status = state.get("declarations") or [], None, 200
    if request.method == "POST":
        try:
            state["declarations"] = inscription.check_declarations(request.form.getlist("declarations"))
        except Invalid as exc:
            selected, error, status = request.form.getlist("declarations"), exc.errors["declarations"], 422
        else:
            _save(state)
            return redirect(url_for("inscription.declarations"))
    return _page("accounts/inscription/edit_declarations.html", state, 6, status,
                 options=inscription.declaration_choices(), selected=selected, error=error)


@bp.route("/valider", methods=["POST"])
@step(7)
def register(state):
    """"Valider": create the firm, its administrator, portfolio and declarations; mail the link."""
    try:
        user = inscription.register(state, link_with_token("inscription.validate_email"))
    except Conflict as exc:
        flash(str(exc), "error")
        return redirect(url_for("inscription.establishment"))
    except Invalid as exc:
        flash(" ".join(exc.errors.values()), "error")
        return redirect(url_for("inscription.start"))
    send_queued()
    session.pop(KEY, None)
    session["inscription_done"] = {"email": user.email, "siret": user.firm.siret, "nom": user.nom,
                                   "prenom": user.prenom}
    return redirect(url_for("inscription.done"))


@bp.route("/terminee")
def done():
    """Step 7: the account is created; the mail "Validation de votre adresse électronique" is sent."""
    summary = session.get("inscription_done")
    if not summary:
        return redirect(url_for("inscription.start"))
    return _page("accounts/inscription/done.html", {}, 7, summary=summary)


@bp.route("/abandonner", methods=["POST"])
def abandon():
    """"Abandonner l'inscription": forget everything typed."""
    session.pop(KEY, None)
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
    session.pop(KEY, None)
    return redirect(url_for("inscription.start"))
