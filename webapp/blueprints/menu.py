"""The home page and the Menu personnalisé."""
from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

bp = Blueprint("menu", __name__)


@bp.route("/")
def home():
    """Send people to their menu, or to the connexion page."""
    return redirect(url_for("menu.index" if current_user.is_authenticated else "auth.login"))


@bp.route("/menu")
@login_required
def index():
    """Show the Menu personnalisé."""
    return render_template("menu/index.html")
