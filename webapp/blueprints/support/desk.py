"""The support desk's back office: its own login (e-mail + password: agents have no firm SIRET),
the assistance requests, their answers, and handing a firm's administration to a named person.

Support agents only reach these pages (and logout, assistance, static files); firm pages refuse
them, and these pages refuse the people of the firms.
"""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.globals import _cv_request
from flask_login import current_user

from db.accounts.login import Throttled
from db.errors import Forbidden, Invalid
from db.support import agents, assistance
from webapp import login_sessions
from webapp.access import FIRM_ONLY, current_person, support_required
from webapp.forms import apply_errors
from webapp.forms.people import AnswerForm, HandOverForm, SearchForm, SupportLoginForm
from webapp.mailer import mail_links, send_queued
from webapp.templating import page_or_fragment

bp = Blueprint("support", __name__, url_prefix="/support")
OPEN_TO_SUPPORT = {"static", "auth.logout"}


@bp.before_app_request
def _keep_support_in_its_space():
    # The pages open to the support first: a static file loads no person (no statement).
    current = _cv_request.get().request  # the request itself, not through its proxy
    endpoint = current.endpoint
    if endpoint is None or endpoint in OPEN_TO_SUPPORT or current.blueprint in ("support", "assistance"):
        return None
    user = current_person()
    if not (user.is_authenticated and user.is_support):
        return None
    if endpoint in ("menu.home", "auth.login"):
        return redirect(url_for("support.index"))
    raise Forbidden(FIRM_ONLY)


@bp.route("/connexion", methods=["GET", "POST"])
def login():
    """Log in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(url_for(".index") if current_user.is_support else url_for("menu.home"))
    form = SupportLoginForm()
    error, status = None, 200
    if request.method == "POST":
        try:
            agent = agents.authenticate(form.email.data, form.password.data, ip=request.remote_addr)
        except Throttled as exc:
            error, status = login_sessions.throttled_message(exc), 429
        except Invalid as exc:
            error, status = exc.errors["__all__"], 401
        else:
            login_sessions.start(agent)
            return redirect(url_for(".index"))
    return render_template("support/desk/login.html", form=form, error=error), status


@bp.get("/")
@support_required
def index():
    """List the assistance requests by status, with a search."""
    form = SearchForm(request.args)
    status = request.args.get("statut", "open")
    try:
        rows, total, term = assistance.list_requests(
            current_user, status, form.q.data, request.args.get("page", 1, type=int)
        )
    except Invalid as exc:
        apply_errors(form, exc)
        rows, total, term = [], 0, ""
    return page_or_fragment(
        "support/desk/index.html",
        "support/desk/_results.html",
        form=form,
        rows=rows,
        total=total,
        term=term,
        status=status,
        statuses=assistance.STATUSES,
    ), 422 if form.q.errors else 200


def _show(request_id, status=200, answer_form=None, handover_form=None, error=None):
    row = assistance.get_request(current_user, request_id)
    firm, admins = agents.firm_of(current_user, row)
    return render_template(
        "support/desk/show.html",
        row=row,
        firm=firm,
        admins=admins,
        statuses=assistance.STATUSES,
        answer_form=answer_form or AnswerForm(formdata=None, prefix="answer"),
        handover_form=handover_form or HandOverForm(formdata=None, prefix="handover"),
        error=error,
    ), status


@bp.get("/demandes/<int:request_id>")
@support_required
def show(request_id):
    """One request: message, the firm of its SIRET and its administrators, the answer and hand-over forms."""
    return _show(request_id)


@bp.post("/demandes/<int:request_id>/reponse")
@support_required
def answer(request_id):
    """Answer the request: the answer is mailed to the requester."""
    form = AnswerForm(prefix="answer")
    try:
        assistance.answer(current_user, request_id, form.answer.data)
    except Invalid as exc:
        error = apply_errors(form, exc)
        return _show(request_id, 422, answer_form=form, error=error)
    send_queued()
    flash("Votre réponse a été envoyée par courriel.", "success")
    return redirect(url_for(".show", request_id=request_id))


@bp.post("/demandes/<int:request_id>/cloture")
@support_required
def close(request_id):
    """Close the request."""
    try:
        assistance.close(current_user, request_id)
    except Invalid as exc:
        return _show(request_id, 422, error=" ".join(exc.errors.values()))
    flash("La demande est close.", "success")
    return redirect(url_for(".show", request_id=request_id))


@bp.post("/demandes/<int:request_id>/administration")
@support_required
def hand_over(request_id):
    """After an off-line identity check: make the named person administrator of the firm."""
    form = HandOverForm(prefix="handover")
    try:
        person = agents.hand_over(
            current_user, request_id, form.data, request.form.getlist("leaving"), mail_links()
        )
    except Invalid as exc:
        error = apply_errors(form, exc)
        return _show(request_id, 422, handover_form=form, error=error)
    send_queued()
    flash(
        f"{person.full_name} est administrateur du cabinet ; "
        f"un lien d'activation lui a été envoyé à {person.email}.",
        "success",
    )
    return redirect(url_for(".show", request_id=request_id))
