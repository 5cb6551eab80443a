"""One journal entry and its lines: an action on habilitations told in one sentence, its lines a page
at a time (a full page, or the fragment that htmx puts under the entry) and as CSV."""
from flask import Blueprint, request
from flask_login import current_user

from db.formats import csv_files
from db.journal import lines
from webapp.access import admin_required
from webapp.downloads import csv_download
from webapp.templating import page_or_fragment

bp = Blueprint("journal_entries", __name__)


@bp.route("/gestion/journal/<int:event_id>")
@admin_required
def entry(event_id):
    """Show an entry of the journal with a page of its lines (another firm's entry is 404)."""
    page = lines.lines_page(current_user, event_id, request.args.get("page"))
    return page_or_fragment("journal/entry.html", "journal/_lines.html", result=page)


@bp.route("/gestion/journal/<int:event_id>/lignes.csv")
@admin_required
def export(event_id):
    """Download every line of an entry as CSV (";" separated, UTF-8 with BOM)."""
    name, rows = lines.export_lines(current_user, event_id)
    return csv_download(name, csv_files.lines(rows), stream=True)
