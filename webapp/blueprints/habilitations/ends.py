"""« Modifier la date de fin »: the chosen person's rights within the search get a new end (« jusqu'au »)
without being ticked again: the count first (GET), then the change confirmed with that count (POST)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from db.errors import Invalid
from db.habilitations import CRITERIA_KEYS, ends
from webapp.access import admin_required

bp = Blueprint("habilitation_ends", __name__)


def _back(values):
    criteria = {k: values[k] for k in CRITERIA_KEYS if values.get(k)}
    return redirect(url_for("habilitation_list.index", search=1, **criteria))


@bp.get("/gestion/habilitations/date-de-fin")
@admin_required
def index():
    """How many held rights the new end applies to, and the form confirming it."""
    try:
        screen = ends.end_preview(current_user, request.args)
    except Invalid as exc:
        flash(exc.errors["until"], "error")
        return _back(request.args)
    return render_template("habilitations/ends.html", screen=screen)


@bp.post("/gestion/habilitations/date-de-fin")
@admin_required
def change():
    """Set the end of the rights counted; a wrong date or a changed count shows the form again."""
    form = request.form
    try:
        screen = ends.change_end(current_user, form, form.get("until", ""), form.get("held", ""))
    except Invalid as exc:
        return _form_again(form, exc.errors["until"])
    flash(f"Date de fin modifiée pour {screen.held} habilitation{'s' if screen.held > 1 else ''} "
          f"de {screen.person.full_name}.", "success")
    return _back(form)


def _form_again(form, error):
    """The form with its error and the count as it is now; back to the list when no person is chosen."""
    try:
        screen = ends.end_preview(current_user, form)
    except Invalid:
        flash(error, "error")
        return _back(form)
    return render_template("habilitations/ends.html", screen=screen, error=error), 422
