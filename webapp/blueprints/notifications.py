"""Vos notifications: the person's notices (newest first, unread marked), marking them read, and the
kinds that also come by mail."""
from urllib.parse import parse_qsl

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from db import notifications
from db.errors import NotFound
from db.fields import record_id
from webapp.access import firm_required
from webapp.templating import nav_url

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.app_template_global()
def notice_url(link):
    """The page a notice points to ("endpoint" or "endpoint?name=value"), or None."""
    endpoint, _, query = (link or "").partition("?")
    try:
        return nav_url(endpoint, **dict(parse_qsl(query))) if endpoint else None
    except Exception:  # noqa: BLE001 - a link kept 12 months may outlive its route's arguments
        return None


@bp.get("")
@firm_required
def index():
    """The person's notices, a page at a time; « Non lues » shows only the unread ones."""
    unread_only = request.args.get("non_lues") == "1"
    found = notifications.page(current_user, request.args.get("page", 1, type=int), unread_only)
    return render_template("notifications/index.html", found=found, unread_only=unread_only,
                           kinds=notifications.KINDS, choosable=notifications.choosable(current_user),
                           mailed=notifications.mail_choices(current_user))


@bp.post("/<notice_id>/lue")
@firm_required
def mark_read(notice_id):
    """Mark one notice read."""
    number = record_id(notice_id)
    if number is None:
        raise NotFound()
    notifications.mark_read(current_user, number)
    return redirect(_back())


@bp.post("/tout-lu")
@firm_required
def mark_all_read():
    """Mark every notice read."""
    if notifications.mark_all_read(current_user):
        flash("Toutes vos notifications sont marquées comme lues.", "success")
    return redirect(_back())


@bp.post("/courriels")
@firm_required
def mail_choices():
    """Keep the kinds of notices the person also wants by mail."""
    chosen = notifications.set_mail_choices(current_user, request.form.getlist("kinds"))
    labels = ", ".join(f"« {notifications.KINDS[k].label} »" for k in sorted(chosen))
    flash(f"Vos choix sont enregistrés : {labels or 'aucune autre notification'} par courriel.", "success")
    return redirect(url_for(".index"))


def _back():
    """The list again, with its filter and page as they were."""
    args = {k: v for k, v in (("non_lues", request.form.get("non_lues")), ("page", request.form.get("page")))
            if v and v.isdigit()}
    return url_for(".index", **args)
