"""Veille Sirene: what the last imports of the directory changed for the firm's clients, each change
applied (through the company's refresh plan) or dismissed (« Ignorer »)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from db.clients import watch
from db.errors import Invalid
from webapp.access import admin_required

bp = Blueprint("watch", __name__, url_prefix="/gestion/veille-sirene")


@bp.get("")
@admin_required
def report():
    """The pending changes (or, ?etat=traites, those already applied or dismissed), paged."""
    report_id = request.args.get("report_id", type=int)
    found = watch.page(current_user, request.args.get("etat", "a-traiter"),
                       request.args.get("page", 1, type=int), report_id)
    return render_template("clients/watch/report.html", found=found, labels=watch.LABELS,
                           report_id=report_id)


@bp.post("/<int:change_id>/appliquer")
@admin_required
def apply(change_id):
    """Apply one change with « Mettre à jour depuis le référentiel Sirene »'s plan."""
    return _decide(watch.apply_change, change_id, "{} mise à jour depuis le référentiel Sirene.")


@bp.post("/<int:change_id>/ignorer")
@admin_required
def dismiss(change_id):
    """« Ignorer »: kept as dismissed, never offered again."""
    return _decide(watch.dismiss_change, change_id, "Changement de {} ignoré : il ne sera plus proposé.")


def _decide(operation, change_id, message):
    try:
        company = operation(current_user, change_id)
        flash(message.format(company.name), "success")
    except Invalid as exc:
        flash(exc.errors["__all__"], "error")
    return redirect(url_for("watch.report", page=request.form.get("page", 1, type=int)))
