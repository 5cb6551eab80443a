"""Couverture: the establishments × declarations of a portfolio nobody, or one person only, may act on."""
from flask import Blueprint, request
from flask_login import current_user

from db.fields import record_id
from db.habilitations import coverage as cover
from webapp.access import admin_required
from webapp.templating import page_or_fragment

bp = Blueprint("coverage", __name__)


@bp.get("/gestion/couverture")
@admin_required
def index():
    """A page of the portfolio's uncovered cells (htmx: the result only)."""
    portfolio = request.args.get("portfolio")
    found = cover.coverage(current_user, record_id(portfolio) or 0 if portfolio else None,
                           request.args.get("droit", "declarer"), request.args.get("qui", ""),
                           request.args.get("page", 1, type=int))
    return page_or_fragment("habilitations/coverage/index.html", "habilitations/coverage/_gaps.html",
                            found=found, rights=cover.RIGHTS, kinds=cover.KINDS)
