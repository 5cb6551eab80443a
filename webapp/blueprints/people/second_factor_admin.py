"""The second factor in Gérer les déclarants: the firm-level requirement, and the reset an
administrator makes when a person lost the phone."""
from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user

from db.accounts import second_factor
from db.errors import Invalid
from webapp.access import admin_required

bp = Blueprint("declarant_second_factor", __name__, url_prefix="/gestion/declarants")


@bp.post("/double-authentification")
@admin_required
def required():
    """Require (or not) the second factor for everyone of the firm."""
    firm = second_factor.set_required(current_user, request.form.get("required") == "1")
    flash("La double authentification est désormais exigée pour toutes les personnes du cabinet."
          if firm.second_factor_required else
          "La double authentification est désormais laissée au choix de chacun.", "success")
    return redirect(url_for("declarants.index"))


@bp.post("/<int:user_id>/double-authentification/reinitialiser")
@admin_required
def reset(user_id):
    """A lost phone: remove the person's second factor; the next login enrols a new one."""
    try:
        person = second_factor.reset_by_admin(current_user, user_id)
    except Invalid as exc:
        flash(" ".join(exc.errors.values()), "error")
    else:
        flash(f"La double authentification de {person.full_name} est réinitialisée\u202f; ses sessions "
              "ouvertes sont fermées.", "success")
    return redirect(url_for("declarants.edit", user_id=user_id))
