"""Connexion and déconnexion."""
from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from db.accounts import AccountLocked, authenticate
from db.errors import Invalid
from webapp.forms.auth import LoginForm
from webapp.templating import datetime_fr

bp = Blueprint("auth", __name__)


@bp.route("/connexion", methods=["GET", "POST"])
def login():
    """Log in with Siret, Nom, Prénom and Mot de passe."""
    if current_user.is_authenticated:
        return redirect(url_for("menu.home"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = authenticate(form.siret.data, form.nom.data, form.prenom.data, form.password.data)
        except AccountLocked as exc:
            error = f"Trop d'échecs de connexion : le compte est verrouillé jusqu'au {datetime_fr(exc.until)}."
        except Invalid as exc:
            error = exc.errors["__all__"]
        else:
            session.clear()  # a fresh session at login: nothing carried over from before
            login_user(user)
            return redirect(_safe_next() or url_for("menu.home"))
    status = 401 if error else (400 if form.errors else 200)
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/deconnexion", methods=["POST"])
@login_required
def logout():
    """Log out and forget the session."""
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


def _safe_next():
    target = request.args.get("next", "")
    # Only paths of this site: "/x" but not "//evil.example" or "/\evil".
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else None
