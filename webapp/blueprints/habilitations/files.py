"""Bulk files of habilitations: CSV export of a portfolio, blank template, import with a
checked preview then Valider. The uploaded file waits under instance/ between the preview and
Valider, named by a random token that only the uploader's session knows."""
import os
import secrets
import time

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from db.errors import Conflict, Invalid
from db.habilitations import csv_export, csv_import
from webapp.access import admin_required
from webapp.blueprints.habilitations.grid import LIST_LIMIT, delay_override

bp = Blueprint("habilitation_files", __name__)
SESSION_KEY = "habilitation_import"
KEEP_SECONDS = 24 * 3600


@bp.route("/gestion/habilitations/export")
@admin_required
def export():
    """Download the habilitations of a portfolio (CSV)."""
    return _csv(*csv_export.export(current_user, request.args.get("portfolio")))


@bp.route("/gestion/habilitations/modele")
@admin_required
def template():
    """Download the blank template of a portfolio (CSV, same layout, values empty)."""
    return _csv(*csv_export.export(current_user, request.args.get("portfolio"), blank=True))


def _csv(name, lines):
    response = Response(stream_with_context(lines), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.route("/gestion/habilitations/import", methods=["GET", "POST"])
@admin_required
def upload():
    """Show the import form (GET); check the file and show what it would change (POST)."""
    portfolios = csv_export.portfolios(current_user)
    if request.method == "GET":
        return render_template("habilitations/files/import.html", portfolios=portfolios,
                               chosen=request.args.get("portfolio", ""))
    upload_file = request.files.get("file")
    data = upload_file.stream.read(csv_import.MAX_BYTES + 1) if upload_file else b""
    report = csv_import.check(current_user, request.form.get("portfolio"), data)
    accepted = report.status != csv_import.KO
    token = _store(data, report.portfolio.id, upload_file.filename) if accepted else None
    return _preview(report, token), (422 if report.status == csv_import.KO else 200)


@bp.route("/gestion/habilitations/import/valider", methods=["POST"])
@admin_required
def apply():
    """Apply the good lines of the checked file (the bad ones only with the confirmation)."""
    token, stored = request.form.get("token", ""), session.get(SESSION_KEY) or {}
    data = _load(token) if stored.get("token") == token else None
    if data is None:
        flash("Ce fichier n'est plus disponible : importez-le de nouveau.", "error")
        return redirect(url_for("habilitation_files.upload"))
    try:
        report = csv_import.apply(current_user, stored["portfolio"], data, request.form.get("version"),
                                        request.form.get("accept_partial") == "1", delay_override())
    except (Conflict, Invalid) as exc:
        report = csv_import.check(current_user, stored["portfolio"], data)
        problem = {"conflict": exc.details} if isinstance(exc, Conflict) else {"errors": exc.errors}
        return _preview(report, token, **problem), (409 if isinstance(exc, Conflict) else 422)
    _discard(token)
    flash(f"Import {report.status} : {report.plan.summary} ({len(report.good)} ligne(s) appliquée(s), "
          f"{len(report.bad)} en erreur).", "success")
    return redirect(url_for("habilitation_list.index", portfolio=stored["portfolio"], search=1))


def _preview(report, token, **problem):
    return render_template("habilitations/files/import_preview.html", report=report, token=token,
                           list_limit=LIST_LIMIT, **problem)


def _folder():
    """HABILITATION_IMPORT_DIR (instance/habilitation-imports unless configured), created on first use."""
    path = current_app.config["HABILITATION_IMPORT_DIR"]
    os.makedirs(path, exist_ok=True)
    return path


def _store(data, portfolio_id, name):
    """Keep the checked file for Valider; forget files older than a day."""
    folder, now = _folder(), time.time()
    for entry in os.scandir(folder):
        if entry.is_file() and now - entry.stat().st_mtime > KEEP_SECONDS:
            os.remove(entry.path)
    token = secrets.token_urlsafe(18)
    with open(os.path.join(folder, token + ".csv"), "wb") as fh:
        fh.write(data)
    session[SESSION_KEY] = {"token": token, "portfolio": portfolio_id, "name": name or ""}
    return token


def _load(token):
    if not token or not token.replace("-", "").replace("_", "").isalnum():
        abort(404)
    path = os.path.join(_folder(), token + ".csv")
    if not os.path.exists(path):
        return None
    with open(path, "rb") as fh:
        return fh.read()


def _discard(token):
    path = os.path.join(_folder(), token + ".csv")
    if os.path.exists(path):
        os.remove(path)
    session.pop(SESSION_KEY, None)
