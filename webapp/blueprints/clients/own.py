"""The firm itself in the Gestion menu: « Gérer les déclarations » and « Gérer les établissements » of
its own company, through the very views of client companies (the same dual list, the same
establishment chooser), and putting the company back in its Portefeuille par défaut if it left."""
from functools import wraps

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from db.clients import own_company
from db.declarations import selections
from db.errors import Invalid
from webapp.access import admin_required
from webapp.blueprints import declarations as declaration_views
from webapp.blueprints.clients import companies as company_views

bp = Blueprint("own", __name__, url_prefix="/gestion/votre-entreprise")


def with_own_company(view):
    """The view gets the firm's own company; when it is in no portfolio, the page offers to add it."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        company = own_company.own_company(current_user)
        if company is None:
            return render_template("clients/own/missing.html", firm=current_user.firm)
        return view(company, *args, **kwargs)
    return wrapped


@bp.route("/declarations", methods=["GET", "POST"])
@admin_required
@with_own_company
def declarations(company):
    """Gérer les déclarations: the dual list of a one-establishment company, else its establishments,
    each with « Choix des déclarations » (?etablissements=1 shows them for one establishment too)."""
    if request.method == "GET" and (request.args.get("etablissements") or own_company.is_multi(company)):
        return declaration_views.company_establishments(company.id, own=True)
    return declaration_views.manage_selection(selections.OWN, company.id)


@bp.route("/declarations/entreprise", methods=["GET", "POST"])
@admin_required
@with_own_company
def company_declarations(company):
    """The declarations of the company as a whole (among the whole catalogue)."""
    return declaration_views.manage_selection(selections.OWN, company.id)


@bp.route("/etablissements", methods=["GET", "POST"])
@admin_required
@with_own_company
def establishments(company):
    """Gérer les établissements: « Choisir les établissements de l'entreprise » of the firm itself."""
    return company_views.establishments(company.id)


@bp.post("/ajouter")
@admin_required
def add():
    """Put the firm's company back in its Portefeuille par défaut, with its active establishments."""
    try:
        added = own_company.add_own_company(current_user, company_views.online_source())
    except Invalid as exc:
        flash(" ".join(exc.errors.values()), "error")
    else:
        flash(company_views.added_message(added), "success")
    return redirect(url_for("own.declarations"))
