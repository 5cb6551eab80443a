"""Revue des habilitations: each person's rights, « Confirmer », the detail per portfolio, the report."""
from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from db.fields import record_id
from db.formats import csv_files
from db.habilitations import review
from webapp.access import admin_required
from webapp.downloads import csv_download
from webapp.templating import page_or_fragment

bp = Blueprint("rights_review", __name__)


def _months():
    return current_app.config["REVIEW_MONTHS"]


@bp.get("/gestion/revue")
@admin_required
def index():
    """Every person with their rights per service, the reviews due first."""
    return render_template("habilitations/review/index.html", found=review.review(current_user, _months()))


@bp.get("/gestion/revue/<user_id>")
@admin_required
def detail(user_id):
    """One person's rights per portfolio and service (unfolded in the list with htmx)."""
    person, rows = review.detail(current_user, record_id(user_id) or 0)
    return page_or_fragment("habilitations/review/detail.html", "habilitations/review/_detail.html",
                            person=person, rows=rows)


@bp.post("/gestion/revue/<user_id>/confirmer")
@admin_required
def confirm(user_id):
    """« Confirmer »: the person's rights are reviewed as they are."""
    person = review.confirm(current_user, record_id(user_id) or 0, _months())
    flash(f"Habilitations de {person.full_name} confirmées : revue enregistrée au journal.", "success")
    return redirect(url_for("rights_review.index"))


@bp.get("/gestion/revue.csv")
@admin_required
def report():
    """The review report: who reviewed whose rights, when (CSV)."""
    return csv_download("revue-des-habilitations.csv", csv_files.lines(review.report_rows(current_user)))
