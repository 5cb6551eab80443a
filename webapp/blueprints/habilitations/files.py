"""The bulk file (companies, establishments, declarations and habilitations in one CSV layout): the
blank template, the export of the current state, the import checked line by line then applied on
Valider, its compte rendu (CSV) and the Historique des imports. The checked file waits in the
database, not in the session, for its uploader's Valider."""
import csv
import io

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from db.errors import Invalid
from db.habilitations import csv_export, csv_import, csv_layout, import_history
from webapp.access import admin_required
from webapp.downloads import csv_download
from webapp.mailer import send_queued
from webapp.request_limits import accepts_upload

bp = Blueprint("habilitation_files", __name__, url_prefix="/gestion/habilitations")
SHOWN_LINES = 500


@bp.get("/modele")
@admin_required
def template():
    """Download the blank template (the header row of the layout)."""
    return _csv(*csv_export.template())


@bp.get("/export")
@admin_required
def export():
    """Download the current state of one portfolio (?portfolio=id), or of the whole firm."""
    return _csv(*csv_export.export(current_user, request.args.get("portfolio")))


def _csv(name, lines):
    return csv_download(name, lines, stream=True)


@bp.route("/import", methods=["GET", "POST"])
@admin_required
@accepts_upload
def upload():
    """The layout and the upload form (GET); check the file and show its preview (POST)."""
    if request.method == "GET":
        return render_template("habilitations/files/import.html", columns=csv_layout.COLUMNS,
                               portfolios=csv_export.portfolios(current_user), max_lines=csv_layout.MAX_LINES)
    upload_file = request.files.get("file")
    data = upload_file.stream.read(csv_layout.MAX_BYTES + 1) if upload_file else b""
    report = csv_import.preview(current_user, data, upload_file.filename if upload_file else "")
    return _preview(report), 422 if report.status == csv_import.KO else 200


@bp.post("/import/<int:import_id>/valider")
@admin_required
def apply(import_id):
    """Valider: apply the good lines of the checked file, then show its compte rendu."""
    try:
        report = csv_import.apply(current_user, import_id, current_app.config["ACCESS_DELAY_HOURS"])
    except Invalid as exc:
        flash(" ".join(exc.errors.values()), "error")
        return redirect(url_for(".upload"))
    if report.stale:
        return _preview(report), 409
    send_queued()
    flash(f"Fichier appliqué : {report.status}. Son compte rendu est gardé dans l’Historique des imports.",
          "success")
    return redirect(url_for(".report", import_id=import_id))


def _preview(report):
    rows = csv_import.report_rows(report.lines)[1:]
    return render_template("habilitations/files/import_preview.html", report=report, rows=rows,
                           shown=SHOWN_LINES)


@bp.get("/import/<int:import_id>/compte-rendu")
@admin_required
def report_file(import_id):
    """Download the compte rendu (CSV) of an import, or of a checked file's preview."""
    name, text = import_history.report_file(current_user, import_id)
    return _csv(name, [text])


@bp.get("/imports")
@admin_required
def history():
    """Historique des imports: who, when, which file, what it changed, its status."""
    rows, total, page, pages = import_history.history(current_user, request.args.get("page", 1, type=int))
    return render_template("habilitations/files/history.html", rows=rows, total=total, page_no=page,
                           pages=pages, counts=import_history.counts)


@bp.get("/imports/<int:import_id>")
@admin_required
def report(import_id):
    """One import: who, when, its counts and its compte rendu line by line."""
    upload = import_history.get_import(current_user, import_id)
    rows = list(csv.reader(io.StringIO(upload.report), delimiter=csv_layout.SEPARATOR))
    return render_template("habilitations/files/report.html", upload=upload, header=rows[:1], rows=rows[1:],
                           shown=SHOWN_LINES, counts=import_history.counts(upload))
