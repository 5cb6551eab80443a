"""Importing a bulk file (layout in csv_layout): check every line and keep the file with its preview
(nothing of the firm is written), then Valider applies the good lines in one transaction and keeps
the compte rendu in the Historique des imports; the firm's administrators are notified.

A file is OK when every line is, KO when none can be applied, OK partiel otherwise. Valider checks
the file again first: when the firm changed meanwhile so that a line's outcome differs, nothing is
applied and the new preview is shown (Report.stale).
"""

import datetime
import json
from dataclasses import dataclass, field

from db import audit, clock
from db.access import require_admin
from db.database import database
from db.errors import Invalid, NotFound
from db.habilitations import csv_layout
from db.habilitations.csv_apply import COUNTS, apply_lines
from db.habilitations.csv_check import KO, OK, PARTIAL, check_lines
from db.models import BulkImport, Firm, User
from db.models.accounts import ROLE_ADMIN
from db.notifications import notify
from db.notifications.kinds import IMPORT_DONE

KEEP_PENDING_HOURS = 24
REPORT_COLUMNS = ["Ligne", *csv_layout.COLUMNS[:-1], "Résultat", "Détail"]
NAME_MAX = 255

__all__ = ["KO", "OK", "PARTIAL", "Report", "check", "preview", "apply", "report_rows"]


@dataclass
class Report:
    lines: list = field(default_factory=list)
    order: list = field(default_factory=list)  # the lines in the order of application
    file_error: str = ""
    upload: BulkImport = None
    counts: dict = field(default_factory=dict)
    stale: bool = False  # Valider found the firm changed since the preview: nothing was applied

    def having(self, status):
        return [line for line in self.lines if line.status == status]

    @property
    def status(self):
        good = [line for line in self.lines if line.status != KO]
        if self.file_error or not good:
            return KO
        return OK if len(good) == len(self.lines) and not self.having(PARTIAL) else PARTIAL


def check(actor, data):
    """The Report of a file, every line checked (nothing is written)."""
    require_admin(actor)
    report = Report()
    try:
        report.lines = csv_layout.read(data)
    except csv_layout.FileError as exc:
        report.file_error = str(exc)
        return report
    report.order = check_lines(actor, report.lines)
    return report


def report_rows(lines):
    """The compte rendu: the file's columns, then Résultat and Détail, one row per line."""
    keys = csv_layout.KEYS[:-1]
    return [REPORT_COLUMNS] + [
        [line.number, *(line.get(k) for k in keys), line.status, " ; ".join(line.messages)] for line in lines
    ]


def _report_text(report):
    if report.file_error:
        return csv_layout.write([REPORT_COLUMNS[:1] + ["Résultat", "Détail"], ["", KO, report.file_error]])
    return csv_layout.write(report_rows(report.lines))


def preview(actor, data, filename):
    """Check a file and keep it, with its preview, for Valider (the uploader's, for a day)."""
    report = check(actor, data)
    name = (filename or "fichier.csv").replace("\\", "/").rsplit("/", 1)[-1][:NAME_MAX] or "fichier.csv"
    with database.atomic():
        BulkImport.delete().where(
            BulkImport.applied_at.is_null()
            & (BulkImport.created_at < clock.now() - datetime.timedelta(hours=KEEP_PENDING_HOURS))
        ).execute()
        report.upload = BulkImport.create(
            firm=actor.firm_id,
            actor=actor.id,
            actor_name=actor.full_name,
            filename=name,
            content=data if report.status != KO else None,
            report=_report_text(report),
            **_tallies(report),
        )
    return report


def _tallies(report):
    return {
        "lines": len(report.lines),
        "lines_ok": len(report.having(OK)),
        "lines_partial": len(report.having(PARTIAL)),
        "lines_ko": len(report.having(KO)),
    }


def pending(actor, import_id):
    """The actor's own checked file waiting for Valider, or NotFound."""
    require_admin(actor)
    upload = BulkImport.get_or_none(
        (BulkImport.id == import_id)
        & (BulkImport.firm == actor.firm_id)
        & (BulkImport.actor == actor.id)
        & BulkImport.applied_at.is_null()
    )
    if upload is None or upload.content is None:
        raise NotFound()
    return upload


def apply(actor, import_id, delay_override=None):
    """Valider: the file checked again, then its good lines applied in one transaction."""
    with database.atomic():
        Firm.update(is_active=Firm.is_active).where(
            Firm.id == actor.firm_id
        ).execute()  # one Valider at a time
        upload = pending(actor, import_id)
        report = check(actor, bytes(upload.content))
        report.upload = upload
        if report.status == KO:
            raise Invalid({"__all__": report.file_error or "Aucune ligne correcte : rien n'a été appliqué."})
        text = _report_text(report)
        if text != upload.report:
            BulkImport.update(report=text, **_tallies(report)).where(BulkImport.id == upload.id).execute()
            report.stale = True
            return report
        report.counts = apply_lines(actor, report.order, delay_override)
        _record(actor, upload, report, text)
    return report


def _record(actor, upload, report, text):
    now = clock.now()
    BulkImport.update(
        applied_at=now,
        status=report.status,
        content=None,
        report=text,
        counts=json.dumps(report.counts),
        **_tallies(report),
    ).where(BulkImport.id == upload.id).execute()
    done = ", ".join(f"{label.lower()} : {report.counts[key]}" for key, label in COUNTS if report.counts[key])
    summary = f"Import du fichier « {upload.filename} » : {report.status} ({done or 'aucun changement'})"
    audit.record(
        actor,
        "bulk_file.applied",
        summary,
        obj=upload,
        after={
            "statut": report.status,
            "lignes": len(report.lines),
            **{label: report.counts[key] for key, label in COUNTS},
        },
    )
    admins = User.select(User.id).where(
        (User.firm == actor.firm_id) & (User.role == ROLE_ADMIN) & User.is_active
    )
    notify(
        IMPORT_DONE,
        [u.id for u in admins],
        f"{summary}, par {actor.full_name} ; "
        f"{len(report.having(KO))} ligne(s) en erreur sur {len(report.lines)}.",
        link=f"habilitation_files.report?import_id={upload.id}",
        firm_id=actor.firm_id,
    )
