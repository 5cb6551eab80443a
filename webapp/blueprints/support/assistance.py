"""Besoin d'aide: "Envoyer une demande d'assistance", open to everyone, logged in or not."""
from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user

from db.accounts.rate_limits import TooMany
from db.errors import Invalid
from db.support import assistance
from webapp.forms import apply_errors
from webapp.forms.people import AssistanceForm
from webapp.mailer import send_queued

bp = Blueprint("assistance", __name__, url_prefix="/besoin-d-aide")


def _prefill():
    """A logged-in person of a firm does not type again what the portal knows."""
    if not current_user.is_authenticated or current_user.firm_id is None:
        return {}
    return {"siret": current_user.firm.siret, "nom": current_user.nom, "prenom": current_user.prenom,
            "email": current_user.email}


@bp.route("/", methods=["GET", "POST"])
def new():
    """Envoyer une demande d'assistance: motif, SIRET, name, e-mail and message."""
    form = AssistanceForm(data={"motif": request.args.get("motif", ""), **_prefill()})
    if request.method == "POST":
        try:
            sent = assistance.submit(form.data, current_user, sender=request.remote_addr)
        except Invalid as exc:
            error = apply_errors(form, exc)
            return render_template("support/assistance/new.html", form=form, error=error), 422
        except TooMany as exc:
            return render_template("support/assistance/new.html", form=form, error=str(exc)), 429
        send_queued()
        session["assistance_reference"] = sent.reference
        return redirect(url_for(".sent"))
    return render_template("support/assistance/new.html", form=form)


@bp.get("/demande-envoyee")
def sent():
    """Give the reference of the request just sent."""
    reference = session.pop("assistance_reference", None)
    if reference is None:
        return redirect(url_for(".new"))
    return render_template("support/assistance/sent.html", reference=reference)
