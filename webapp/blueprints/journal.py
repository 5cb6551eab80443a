"""Journal: who changed what, when, before → after, for the firm's administrators."""
from flask import Blueprint, request
from flask_login import current_user

from db.formats import csv_files
from db.journal import reading
from webapp.access import admin_required
from webapp.downloads import csv_download
from webapp.templating import page_or_fragment

bp = Blueprint("journal", __name__)


@bp.route("/gestion/journal")
@admin_required
def index():
    """Show the journal filtered by period, person, SIRET and service, a page at a time."""
    result = reading.search(current_user, request.args)
    status = 422 if result.criteria.errors else 200
    return page_or_fragment("journal/index.html", "journal/_results.html", result=result), status


@bp.route("/gestion/journal.csv")
@admin_required
def export():
    """Download the filtered journal as CSV (";" separated, UTF-8 with BOM, for spreadsheets)."""
    rows = reading.export(current_user, request.args)
    return csv_download("journal.csv", csv_files.lines(rows), stream=True)
