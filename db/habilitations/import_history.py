"""Historique des imports: the bulk files applied by the firm (who, when, file name, counts, status)
and their compte rendu, kept as it was produced."""
import json

from db.access import require_admin
from db.errors import NotFound
from db.habilitations.csv_apply import COUNTS
from db.models import BulkImport

PER_PAGE = 50


def history(actor, page=1):
    """(imports of the page, newest first, total, pages): the applied files of the firm."""
    require_admin(actor)
    query = BulkImport.select().where(
        (BulkImport.firm == actor.firm_id) & BulkImport.applied_at.is_null(False))
    total = query.count()
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(1, page), pages)
    rows = list(query.order_by(BulkImport.applied_at.desc(), BulkImport.id.desc()).paginate(page, PER_PAGE))
    return rows, total, page, pages


def get_import(actor, import_id):
    """An applied import of the firm, or the actor's own checked file; NotFound otherwise."""
    require_admin(actor)
    upload = BulkImport.get_or_none((BulkImport.id == import_id) & (BulkImport.firm == actor.firm_id))
    if upload is None or (upload.applied_at is None and upload.actor_id != actor.id):
        raise NotFound()
    return upload


def counts(upload):
    """[(label, count)] of what an applied import changed, the non-zero ones."""
    values = json.loads(upload.counts or "{}")
    return [(label, values[key]) for key, label in COUNTS if values.get(key)]


def report_file(actor, import_id):
    """(filename, CSV text) of the compte rendu of an import (or of a checked file's preview)."""
    upload = get_import(actor, import_id)
    stem = upload.filename.rsplit(".", 1)[0] or "fichier"
    return f"compte-rendu-{stem}.csv", "\ufeff" + upload.report
