"""Journal: who changed what, when, before → after, for the firm's administrators."""
import csv
import io

from flask import Blueprint, Response, request, stream_with_context
from flask_login import current_user

from db.journal import reading
from webapp.access import admin_required
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

    def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        yield "\ufeff"
        for row in rows:
            writer.writerow(row)
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()

    response = Response(stream_with_context(generate()), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="journal.csv"'
    return response
