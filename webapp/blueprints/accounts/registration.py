"""Inscription, steps 6 to 9: « Vous êtes… » and the declarations, the déclarants added before the
end (optional, repeatable), « Validation de l'inscription » then « Valider l'inscription », and the
page that asks to validate the address. The state is the wizard's draft (wizard.py)."""
from flask import Blueprint, current_app, flash, redirect, request, session, url_for

from db.accounts import inscription, registration
from db.errors import Conflict, Invalid
from webapp.blueprints.accounts.wizard import forget_state, page, save_state, step
from webapp.forms import apply_errors
from webapp.forms.inscription import ProfileForm
from webapp.forms.people import NewPersonForm
from webapp.mailer import link_with_token, mail_links, send_queued

bp = Blueprint("registration", __name__, url_prefix="/inscription")
DONE = "inscription_done"


@bp.route("/profil", methods=["GET", "POST"])
@step(6)
def profile(state):
    """Step 6: « Vous êtes… » and the domains of services; a particulier employeur is sent elsewhere."""
    form = ProfileForm(data=state.get("profile"))
    if request.method == "GET":
        return page("accounts/inscription/profile.html", state, 6, form=form)
    try:
        chosen = inscription.check_profile({"kind": request.form.get("kind"),
                                            "domains": request.form.getlist("domains")})
    except Invalid as exc:
        error = apply_errors(form, exc)
        return page("accounts/inscription/profile.html", state, 6, 422, form=form, error=error)
    if chosen["kind"] == inscription.PARTICULIER:
        return page("accounts/inscription/particulier.html", state, 6, places=registration.PARTICULIER_PLACES)
    if chosen["domains"] != (state.get("profile") or {}).get("domains") or not state.get("declarations"):
        state["declarations"] = inscription.proposed_codes(chosen["domains"])
    state["profile"] = chosen
    save_state(state, 6)
    return redirect(url_for("registration.declarations"))


@bp.route("/declarations", methods=["GET", "POST"])
@step(7)
def declarations(state):
    """Step 6 (continued): "Validation de vos déclarations", the list proposed for the domains."""
    if request.method == "POST":
        return redirect(url_for("registration.declarants"))
    chosen = inscription.declarations_of(state.get("declarations") or [])
    return page("accounts/inscription/declarations.html", state, 6, declarations=chosen)


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
            save_state(state)
            return redirect(url_for("registration.declarations"))
    return page("accounts/inscription/edit_declarations.html", state, 6, status,
                options=inscription.declaration_choices(), selected=selected, error=error)


@bp.route("/declarants", methods=["GET", "POST"])
@step(7)
def declarants(state):
    """Step 7, « Inscription des déclarants »: those added so far; « Étape suivante » (none is needed)."""
    if request.method == "POST":
        save_state(state, 7)
        return redirect(url_for("registration.validation"))
    return page("accounts/inscription/declarants.html", state, 7, people=state.get("declarants") or [])


@bp.route("/declarants/nouveau", methods=["GET", "POST"])
@step(7)
def new_declarant(state):
    """« Nouveau déclarant »: the form of Gérer les déclarants; the person is created at the end."""
    form = NewPersonForm()
    if request.method == "POST":
        try:
            person = registration.check_declarant(form.data, state["identity"], state.get("declarants") or [])
        except Invalid as exc:
            return page("accounts/inscription/new_declarant.html", state, 7, 422, form=form,
                        error=apply_errors(form, exc))
        state.setdefault("declarants", []).append(person)
        save_state(state)
        flash(f"{person['nom'].upper()} {person['prenom']} sera inscrit à la validation de l'inscription.",
              "success")
        return redirect(url_for("registration.declarants"))
    return page("accounts/inscription/new_declarant.html", state, 7, form=form)


@bp.route("/declarants/<int:position>/retirer", methods=["POST"])
@step(7)
def remove_declarant(state, position):
    """Take a déclarant out of the list before the end."""
    people = state.get("declarants") or []
    if position < len(people):
        people.pop(position)
        save_state(state)
    return redirect(url_for("registration.declarants"))


@bp.route("/validation", methods=["GET", "POST"])
@step(8)
def validation(state):
    """Step 8, « Validation de l'inscription »: the recap and « Gestion des habilitations pour
    l'entreprise »; « Valider l'inscription » creates everything."""
    if request.method == "GET":
        return _validation_page(state, registration.grant_rows(state))
    posted = {"declare": request.form.getlist("declare"), "pay": request.form.getlist("pay")}
    try:
        user = registration.register(state, posted, link_with_token("inscription.validate_email"),
                                     mail_links(), current_app.config["ACCESS_DELAY_HOURS"])
    except Conflict as exc:
        flash(str(exc), "error")
        return redirect(url_for("inscription.establishment"))
    except Invalid as exc:
        return _validation_page(state, registration.grant_rows(state, posted), " ".join(exc.errors.values()))
    send_queued()
    forget_state()
    session[DONE] = {"email": user.email, "siret": user.firm.siret, "nom": user.nom, "prenom": user.prenom}
    return redirect(url_for("registration.done"))


def _validation_page(state, rows, error=None):
    chosen = inscription.declarations_of(state.get("declarations") or [])
    return page("accounts/inscription/validation.html", state, 8, 422 if error else 200, rows=rows,
                declarations=chosen, found=inscription.establishment(state["identity"]["siret"]),
                kinds=inscription.FIRM_KINDS, with_pay=any(d.has_payment for d in chosen), error=error)


@bp.route("/terminee")
def done():
    """Step 9: the account is created; the mail "Validation de votre adresse électronique" is sent."""
    summary = session.get(DONE)
    if not summary:
        return redirect(url_for("inscription.start"))
    return page("accounts/inscription/done.html", {}, 9, summary=summary)
