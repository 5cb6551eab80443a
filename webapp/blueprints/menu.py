"""The home page and the Menu personnalisé."""
from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user

from db.access import is_firm_admin
from db.clients.dashboard import dashboard
from db.declarations import tiles
from webapp.access import current_person, login_required
from webapp.templating import nav_url

bp = Blueprint("menu", __name__)


@bp.route("/")
def home():
    """Send administrators to the Menu personnalisé (their dashboard), déclarants to "Vos déclarations",
    and visitors to the connexion page."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if is_firm_admin(current_user):
        return redirect(url_for("menu.index"))
    return redirect(nav_url("declarations.tiles") or url_for("menu.index"))


@bp.route("/menu")
@login_required
def index():
    """Show the Menu personnalisé: an administrator's dashboard, then the tiles of « Vos déclarations »."""
    user = current_person()  # the person, not the proxy resolved at each use
    board = dashboard(user, current_app.config["REVIEW_MONTHS"]) if is_firm_admin(user) else None
    return render_template("menu/index.html", board=board, tiles=tiles.tiles(user) if user.firm_id else [])
