"""Gérer les habilitations, « Vue liste »: the guide's list of one line per establishment × service ×
person, its Valider, and "Mêmes habilitations que…". Pending ticks travel with the list's form
(static/habilitations.js keeps them across pages); nothing is written before "Valider"."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from db import habilitations
from db.errors import Conflict, Invalid
from webapp.access import admin_required
from webapp.blueprints.habilitations.grid import LIST_LIMIT, delay_override, validated_message
from webapp.templating import is_htmx, page_or_fragment

bp = Blueprint("habilitation_list", __name__)


def grid_fields():
    """The grid form's values that carry the pending ticks."""
    form = request.form
    return {
        "bulk_declare": form.get("bulk_declare", ""), "bulk_pay": form.get("bulk_pay", ""),
        "toggle_declare": form.get("toggle_declare"), "toggle_pay": form.get("toggle_pay"),
        "changes": form.get("changes", ""), "shown": form.getlist("shown"),
        "declare": form.getlist("declare"), "pay": form.getlist("pay"), "version": form.get("version"),
        "until": form.get("until", ""),
    }


@bp.route("/gestion/habilitations/liste")
@admin_required
def index():
    """Show the search criteria and, once searched, a page of the grid (htmx: the grid only)."""
    screen = habilitations.search(current_user, request.args, delay_override())
    fragment = "habilitations/list/_grid.html" if screen.grid else "habilitations/list/_no_search.html"
    return page_or_fragment("habilitations/list/index.html", fragment,
                            screen=screen, grid=screen.grid, list_limit=LIST_LIMIT)


@bp.route("/gestion/habilitations/liste/apercu", methods=["POST"])
@admin_required
def preview():
    """Count (and list) what the pending ticks change; without JavaScript, the whole page."""
    try:
        screen = habilitations.pending(current_user, request.form, grid_fields(), delay_override(),
                                       with_grid=not is_htmx())
    except Invalid as exc:
        if is_htmx():
            return render_template(
                "habilitations/list/_pending.html", plan=None, error=exc.errors["__all__"]
            ), 422
        return _again(error="; ".join(exc.errors.values())), 422
    return page_or_fragment("habilitations/list/index.html", "habilitations/list/_pending.html",
                            screen=screen, grid=screen.grid, plan=screen.plan, list_limit=LIST_LIMIT)


@bp.route("/gestion/habilitations/liste/valider", methods=["POST"])
@admin_required
def validate():
    """Apply the pending ticks; refuse (409) when another administrator changed them meanwhile."""
    try:
        plan = habilitations.validate(current_user, request.form, grid_fields(), delay_override())
    except Conflict as exc:
        return _again(conflict=exc.details), 409
    except Invalid as exc:
        return _again(error="; ".join(exc.errors.values())), 422
    flash(*validated_message(plan))
    args = {k: v for k, v in request.form.items() if k in ("page", "per_page", *habilitations.CRITERIA_KEYS)}
    return redirect(url_for("habilitation_list.index", search=1, **args))


def _again(**problem):
    """The page again with fresh values and the pending ticks kept, to check and re-apply
    (without them when they are what was refused)."""
    try:
        screen = habilitations.pending(
            current_user, request.form, grid_fields(), delay_override(), with_grid=True
        )
    except (Invalid, Conflict):
        screen = habilitations.pending(current_user, request.form, {}, delay_override(), with_grid=True)
    return render_template("habilitations/list/index.html", screen=screen, grid=screen.grid, plan=screen.plan,
                           list_limit=LIST_LIMIT, **problem)


@bp.route("/gestion/habilitations/memes", methods=["GET", "POST"])
@admin_required
def copy():
    """"Mêmes habilitations que…": preview (GET), then Valider (POST)."""
    if request.method == "GET":
        try:
            screen = habilitations.copy_preview(current_user, request.args)
        except Invalid as exc:
            flash(exc.errors.get("copy") or "; ".join(exc.errors.values()), "error")
            return redirect(url_for("habilitation_list.index", search=1, **_criteria_args(request.args)))
        return render_template("habilitations/list/copy.html", screen=screen, list_limit=LIST_LIMIT)
    try:
        screen = habilitations.copy_apply(
            current_user, request.form, request.form.get("version"), delay_override()
        )
    except Invalid as exc:  # a stale or tampered form: back to the grid, saying why
        flash(exc.errors.get("copy") or "; ".join(exc.errors.values()), "error")
        return redirect(url_for("habilitation_list.index", search=1, **_criteria_args(request.form)))
    except Conflict as exc:
        screen = habilitations.copy_preview(current_user, request.form)
        return render_template(
            "habilitations/list/copy.html", screen=screen, list_limit=LIST_LIMIT, conflict=exc.details
        ), 409
    flash(f"{screen.target.full_name} a désormais les mêmes habilitations que {screen.source.full_name} : "
          f"{screen.plan.summary}.", "success")
    return redirect(url_for("habilitation_list.index", search=1, **_criteria_args(request.form)))


def _criteria_args(values):
    return {k: values[k] for k in habilitations.CRITERIA_KEYS if values.get(k)}
