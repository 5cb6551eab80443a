"""Gérer les déclarants (administrators only): list with search, Nouveau déclarant, edit,
deactivate, reactivate, promote, demote, resend the activation link."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from db.errors import Invalid
from db.models.accounts import ROLE_ADMIN, ROLE_DECLARANT
from db.people import declarants
from webapp.access import admin_required
from webapp.forms import apply_errors
from webapp.forms.people import NewPersonForm, PersonForm, SearchForm
from webapp.mailer import mail_links, send_queued
from webapp.templating import page_or_fragment

bp = Blueprint("declarants", __name__, url_prefix="/gestion/declarants")


@bp.app_template_global()
def person_state(user):
    return declarants.state(user)


@bp.app_template_filter()
def phone_fr(number):
    """ "0123456789" -> "01 23 45 67 89"."""
    number = number or ""
    return (
        " ".join(number[i : i + 2] for i in range(0, 10, 2))
        if len(number) == 10 and number.isdigit()
        else number
    )


@bp.get("/")
@admin_required
def index():
    """List the firm's people; the search box updates the list as one types (htmx)."""
    form = SearchForm(request.args)
    page = request.args.get("page", 1, type=int)
    try:
        found, total, term = declarants.list_people(current_user, form.q.data, page)
    except Invalid as exc:
        apply_errors(form, exc)
        found, total, term = [], 0, ""
    context = {"form": form, "people": found, "total": total, "term": term, "page_number": page,
               "pages": max(1, -(-total // declarants.PER_PAGE))}
    return page_or_fragment("people/declarants/index.html", "people/declarants/_results.html", **context), (
        422 if form.q.errors else 200)


@bp.route("/nouveau", methods=["GET", "POST"])
@admin_required
def create():
    """Nouveau déclarant: create the person, who receives an activation link."""
    form = NewPersonForm()
    if request.method == "POST":
        try:
            person = declarants.create_person(current_user, form.data, mail_links())
        except Invalid as exc:
            error = apply_errors(form, exc)
            return render_template("people/declarants/new.html", form=form, error=error), 422
        send_queued()
        flash(
            f"{person.full_name} a été créé. Un lien d'activation a été envoyé à {person.email}.", "success"
        )
        return redirect(url_for(".index"))
    return render_template("people/declarants/new.html", form=form)


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@admin_required
def edit(user_id):
    """Show and edit a person; the page also offers the account's actions."""
    person = declarants.get_person(current_user, user_id)
    form = PersonForm(obj=person)
    if request.method == "POST":
        try:
            changed = declarants.update_person(current_user, user_id, form.data, mail_links())
        except Invalid as exc:
            error = apply_errors(form, exc)
            return render_template("people/declarants/edit.html", form=form, person=person, error=error), 422
        send_queued()
        flash(
            "Modifications enregistrées." if changed else "Aucune modification.",
            "success" if changed else "info",
        )
        return redirect(url_for(".edit", user_id=user_id))
    return render_template("people/declarants/edit.html", form=form, person=person)


def _act(user_id, operation, success):
    """Run one account action, then show the person again (or say why it was refused)."""
    try:
        person = operation()
    except Invalid as exc:
        person = declarants.get_person(current_user, user_id)
        form = PersonForm(formdata=None, obj=person)
        return render_template("people/declarants/edit.html", form=form, person=person,
                               error=apply_errors(form, exc)), 422
    send_queued()
    flash(success.format(name=person.full_name), "success")
    if person.id == current_user.id and not (person.is_active and person.is_admin):
        return redirect(url_for("menu.home"))  # one's own rights just went: leave the Gestion pages
    return redirect(url_for(".edit", user_id=user_id))


@bp.post("/<int:user_id>/desactiver")
@admin_required
def deactivate(user_id):
    """Deactivate the account: no more login, a notification is mailed."""
    return _act(user_id, lambda: declarants.set_active(current_user, user_id, False, mail_links()),
                "Le compte de {name} est désactivé ; la personne en est informée par courriel.")


@bp.post("/<int:user_id>/reactiver")
@admin_required
def reactivate(user_id):
    """Reactivate the account, with a notification."""
    return _act(user_id, lambda: declarants.set_active(current_user, user_id, True, mail_links()),
                "Le compte de {name} est réactivé ; la personne en est informée par courriel.")


@bp.post("/<int:user_id>/nommer-administrateur")
@admin_required
def promote(user_id):
    """Make the person an administrator."""
    return _act(user_id, lambda: declarants.set_role(current_user, user_id, ROLE_ADMIN, mail_links()),
                "{name} est désormais administrateur.")


@bp.post("/<int:user_id>/retirer-administrateur")
@admin_required
def demote(user_id):
    """Make the administrator a déclarant again (never the last active one)."""
    return _act(user_id, lambda: declarants.set_role(current_user, user_id, ROLE_DECLARANT, mail_links()),
                "{name} n'est plus administrateur ; la personne reste déclarant.")


@bp.post("/<int:user_id>/renvoyer-activation")
@admin_required
def resend_activation(user_id):
    """Send a new activation link (the previous one stops working)."""
    return _act(user_id, lambda: declarants.resend_activation(current_user, user_id, mail_links()),
                "Un nouveau lien d'activation a été envoyé à {name}.")
