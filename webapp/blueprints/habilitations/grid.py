"""Gérer les habilitations: the matrix grid (one line per establishment, a column group per service,
for one déclarant; or one line per person for one SIRET), its pending ticks, Valider, and the
suggestions of the search box. The guide's line-per-service list is « Vue liste » (listing.py)."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from db.clock import long_moment_fr
from db.errors import Conflict, Invalid
from db.habilitations import matrix_operations as matrix
from webapp.access import admin_required
from webapp.matrix_lines import matrix_lines
from webapp.templating import is_htmx, number_fr, page_or_fragment

bp = Blueprint("habilitations", __name__)
LIST_LIMIT = 200  # pending changes listed on demand; the counts cover them all
FORM_LISTS = ("shown", "declare", "pay", "line", "lines_shown", "column", "columns_shown")
bp.add_app_template_global(matrix_lines)  # the grid's lines, built in Python (webapp/matrix_lines.py)


@bp.app_template_global()
def people_options(people, selected):
    """The <option>s of the criteria's déclarant list, (id, name, role) each: 201 in a big firm, built
    here in one pass instead of a template loop on every view of the grid (the same markup)."""
    return Markup("".join(
        f'<option value="{person}"{" selected" if person == selected else ""}>{escape(name)}'
        f'{" (administrateur)" if role == "admin" else ""}</option>' for person, name, role in people))


def delay_override():
    """ACCESS_DELAY_HOURS, when the portal sets one delay for every declaration."""
    return current_app.config["ACCESS_DELAY_HOURS"]


def grid_fields():
    """The grid form's values that carry the pending ticks."""
    form = request.form
    fields = {key: form.getlist(key) for key in FORM_LISTS}
    fields.update({key: form.get(key, "") for key in ("changes", "columns", "version", "confirmed", "until")})
    return fields


@bp.route("/gestion/habilitations")
@admin_required
def index():
    """Show the search criteria and, once they name a déclarant or a SIRET, a page of the grid."""
    state = matrix.search(current_user, request.args)
    fragment = "habilitations/matrix/_grid.html" if state.grid else "habilitations/matrix/_grid_gone.html"
    return page_or_fragment("habilitations/matrix/index.html", fragment,
                            state=state, grid=state.grid, list_limit=LIST_LIMIT)


@bp.route("/gestion/habilitations/apercu", methods=["POST"])
@admin_required
def preview():
    """Count (and list) what the pending ticks change; without JavaScript, the whole page."""
    try:
        state = matrix.pending(current_user, request.form, grid_fields(), with_grid=not is_htmx())
    except Invalid as exc:
        error = "; ".join(exc.errors.values())
        if is_htmx():
            return render_template("habilitations/matrix/_pending.html", plan=None, error=error), 422
        return _again(error=error), 422
    return page_or_fragment("habilitations/matrix/index.html", "habilitations/matrix/_pending.html",
                            state=state, grid=state.grid, plan=state.plan, list_limit=LIST_LIMIT)


@bp.route("/gestion/habilitations/valider", methods=["POST"])
@admin_required
def validate():
    """Apply the pending ticks (a column tick is confirmed first, with its count); refuse (409) when
    another administrator changed them meanwhile."""
    try:
        state = matrix.validate(current_user, request.form, grid_fields(), delay_override())
    except Conflict as exc:
        return _again(conflict=exc.details), 409
    except Invalid as exc:
        return _again(error="; ".join(exc.errors.values())), 422
    if state.needs_confirmation:
        return render_template("habilitations/matrix/confirm.html", state=state, plan=state.plan,
                               fields=grid_fields())
    flash(*validated_message(state.plan))
    return redirect(url_for("habilitations.index", search=1, page=request.form.get("page") or None,
                            **state.criteria.args()))


def validated_message(plan):
    """(message, category) after Valider: what was recorded and, for rights granted, from when."""
    if not (plan.added or plan.removed):
        return "Aucune modification à enregistrer.", "info"
    text = f"Habilitations enregistrées : {plan.summary}"
    if plan.added and plan.usable_from is not None:
        if plan.delay_hours == 0:
            text += ", utilisables immédiatement"
        else:
            text += f", utilisables à partir du {long_moment_fr(plan.usable_from)}"
            if plan.delay_hours:
                text += f", délai d’accès de {number_fr(plan.delay_hours)} heures"
    return text + ".", "success"


def _again(**problem):
    """The page again with fresh values and the pending ticks kept, to check and re-apply (without
    them when they are what was refused)."""
    try:
        state = matrix.pending(current_user, request.form, grid_fields(), with_grid=True)
    except (Invalid, Conflict):
        state = matrix.pending(current_user, request.form, {"version": request.form.get("version")},
                               with_grid=True)
    return render_template("habilitations/matrix/index.html", state=state, grid=state.grid, plan=state.plan,
                           list_limit=LIST_LIMIT, **problem)


@bp.route("/gestion/habilitations/suggestions")
@admin_required
def suggestions():
    """The establishments the search box may mean, as <option>s for its list (on demand)."""
    found = matrix.suggestions(current_user, request.args.get("q", ""))
    return render_template("habilitations/matrix/_suggestions.html", found=found)
