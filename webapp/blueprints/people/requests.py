"""Demande en attente (administrators only): cooptation, temporary password and access requests,
answered with Accord or Refus. The menu label shows how many requests wait."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from db.errors import Conflict, Invalid
from db.people import requests
from webapp.access import admin_required
from webapp.forms import apply_errors
from webapp.forms.people import NewPersonForm, TemporaryPasswordForm
from webapp.mailer import mail_links, send_queued

bp = Blueprint("requests", __name__, url_prefix="/gestion/demandes")


def _index(status=200, error=None):
    waiting = requests.list_requests(current_user)
    forms = {
        r.id: TemporaryPasswordForm(formdata=None, prefix=f"r{r.id}", email=r.requester_email)
        for r in waiting
        if r.kind == requests.PASSWORD
    }
    return render_template(
        "people/requests/index.html",
        waiting=waiting,
        decided=requests.list_requests(current_user, True),
        kinds=requests.KINDS,
        forms=forms,
        error=error,
    ), status


@bp.get("/")
@admin_required
def index():
    """List the pending requests and the latest answers."""
    return _index()


def _answered(message):
    send_queued()
    flash(message, "success")
    return redirect(url_for(".index"))


def _decide(answer, message):
    """Run one answer (Accord or Refus); the list again with the reason when it is refused, or
    when another administrator answered first."""
    try:
        result = answer()
    except Invalid as exc:
        return _index(422, " ".join(exc.errors.values()))
    except Conflict as exc:
        return _index(409, str(exc))
    return _answered(message(result))


@bp.post("/<int:request_id>/accord-administrateur")
@admin_required
def accept_cooptation(request_id):
    """Accord to a cooptation: the requester becomes administrator."""
    return _decide(lambda: requests.accept_cooptation(current_user, request_id, mail_links()),
                   lambda person: f"Accord enregistré : {person.full_name} est désormais administrateur ; "
                                  "il en est informé par courriel.")


@bp.post("/<int:request_id>/mot-de-passe-provisoire")
@admin_required
def accept_password(request_id):
    """Accord to a password request: show the temporary password once (it is also mailed)."""
    form = TemporaryPasswordForm(prefix=f"r{request_id}")  # one form per request on the page
    try:
        person, password = requests.accept_password(current_user, request_id, form.email.data, mail_links())
    except Invalid as exc:
        return _index(422, f"Demande n° {request_id} : " + " ".join(exc.errors.values()))
    except Conflict as exc:
        return _index(409, str(exc))
    send_queued()
    return render_template("people/requests/temporary_password.html", person=person, password=password)


@bp.route("/<int:request_id>/creer-le-compte", methods=["GET", "POST"])
@admin_required
def accept_access(request_id):
    """Accord to an access request: check the person's details, then create the account."""
    try:
        request_row = requests.get_request(current_user, request_id)
    except Conflict as exc:
        return _index(409, str(exc))
    form = NewPersonForm(data=requests.access_details(request_row))
    if form.is_submitted():
        try:
            person = requests.accept_access(current_user, request_id, form.data, mail_links())
        except Invalid as exc:
            error = apply_errors(form, exc)
            return render_template(
                "people/requests/access.html", form=form, request_row=request_row, error=error
            ), 422
        except Conflict as exc:
            return _index(409, str(exc))
        return _answered(
            f"Accord enregistré : le compte de {person.full_name} est créé ; un lien d'activation "
            f"lui a été envoyé à {person.email}."
        )
    return render_template("people/requests/access.html", form=form, request_row=request_row)


@bp.post("/<int:request_id>/refus")
@admin_required
def refuse(request_id):
    """Refus: the requester is told by mail."""
    return _decide(
        lambda: requests.refuse(current_user, request_id, mail_links()),
        lambda request_row: f"Refus enregistré : {request_row.requester_name} en est informé par courriel.",
    )
