"""« Double authentification » in Vos informations personnelles: enrol a phone, get new recovery
codes, turn it off (unless the firm requires it)."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from db.accounts import second_factor
from db.errors import Invalid
from webapp.access import firm_required
from webapp.forms import apply_errors
from webapp.forms.second_factor import CodeForm, PasswordForm

bp = Blueprint("second_factor_settings", __name__, url_prefix="/compte/double-authentification")


def _page(status=200, form=None, error=None, **bound):
    """The page; bound: the password form that was posted (codes= or off=), with its errors."""
    user = current_user
    if second_factor.is_enrolled(user):
        forms = {name: PasswordForm(formdata=None, prefix=name) for name in ("codes", "off")} | bound
        return render_template("accounts/second_factor/settings.html", error=error, forms=forms,
                               remaining=second_factor.remaining_codes(user)), status
    uri, svg, secret = second_factor.provisioning(user)
    return render_template("accounts/second_factor/enrol.html", form=form or CodeForm(formdata=None),
                           error=error, svg=svg, secret=secret, uri=uri, action=url_for(".index")), status


@bp.get("/")
@firm_required
def index():
    """The state of the second factor, or the enrolment of a phone."""
    return _page()


@bp.post("/")
@firm_required
def confirm():
    """The first code of the application turns the second factor on; the recovery codes, once."""
    form = CodeForm()
    try:
        codes = second_factor.confirm_enrolment(current_user, form.code.data)
    except Invalid as exc:
        return _page(422, form=form, error=apply_errors(form, exc))
    return render_template("accounts/second_factor/codes.html", codes=codes, next_url=url_for(".index"))


@bp.post("/codes")
@firm_required
def new_codes():
    """Ten new recovery codes (the password first); the old ones stop working."""
    form = PasswordForm(prefix="codes")
    try:
        codes = second_factor.new_recovery_codes(current_user, form.password.data)
    except Invalid as exc:
        return _page(422, error=apply_errors(form, exc), codes=form)
    return render_template("accounts/second_factor/codes.html", codes=codes, next_url=url_for(".index"),
                           renewed=True)


@bp.post("/desactiver")
@firm_required
def disable():
    """Turn the second factor off (the password first), unless the firm requires it."""
    form = PasswordForm(prefix="off")
    try:
        second_factor.disable(current_user, form.password.data)
    except Invalid as exc:
        return _page(422, error=apply_errors(form, exc), off=form)
    flash("La double authentification est désactivée.", "success")
    return redirect(url_for(".index"))
