"""Vos déclarations (tiles), and "Gérer les déclarations" of a portfolio, a company, an establishment."""
from flask import Blueprint, flash, redirect, render_template, request
from flask_login import current_user

from db.declarations import selections, tiles
from db.errors import Invalid
from webapp.access import admin_required, current_person, login_required
from webapp.templating import page_or_fragment

bp = Blueprint("declarations", __name__)
PER_PAGE = 50
TITLES = {
    selections.PORTFOLIO: "Gérer les déclarations du portefeuille",
    selections.COMPANY: "Gérer les déclarations de l’entreprise",
    selections.ESTABLISHMENT: "Choix des déclarations",
    selections.OWN: "Gérer les déclarations",
}


@bp.route("/declarations", endpoint="tiles")
@login_required
def tiles_page():
    """Show the tiles of the declarations the user holds a habilitation for."""
    return render_template("declarations/tiles.html", tiles=tiles.tiles(current_person()))


@bp.route("/declarations/<code>")
@login_required
def tile(code):
    """List the establishments the user may act for with one declaration, accessible ones first
    (search, filter Accessibles maintenant / À venir, pages)."""
    search, page = _search_and_page()
    when = request.args.get("quand", "")
    declaration, rights, total = tiles.tile_establishments(current_user, code, search, page, PER_PAGE, when)
    return _paged("declarations/tile.html", "declarations/_tile_rows.html", search, page, total,
                  declaration=declaration, rights=rights, when=when if when in tiles.WHEN else "",
                  summary=tiles.tile_of(current_user, declaration))


@bp.route("/gestion/portefeuilles/<int:portfolio_id>/declarations", methods=["GET", "POST"])
@admin_required
def portfolio(portfolio_id):
    """Gérer les déclarations du portefeuille."""
    return manage_selection(selections.PORTFOLIO, portfolio_id)


@bp.route("/gestion/entreprises/<int:company_id>/declarations", methods=["GET", "POST"])
@admin_required
def company(company_id):
    """Gérer les déclarations de l'entreprise (among the portfolio's)."""
    return manage_selection(selections.COMPANY, company_id)


@bp.route("/gestion/etablissements/<int:establishment_id>/declarations", methods=["GET", "POST"])
@admin_required
def establishment(establishment_id):
    """Choix des déclarations of one establishment (among the company's)."""
    return manage_selection(selections.ESTABLISHMENT, establishment_id)


@bp.route("/gestion/entreprises/<int:company_id>/declarations/etablissements")
@admin_required
def company_establishments(company_id, own=False):
    """Gestion des déclarations: the company's establishments, each with "Choix des déclarations"
    (own: the firm itself, reached from "Gérer les déclarations" of the Gestion menu)."""
    search, page = _search_and_page()
    company, rows, total = selections.company_establishments(current_user, company_id, search, page, PER_PAGE)
    return _paged(
        "declarations/establishments.html",
        "declarations/_establishment_rows.html",
        search,
        page,
        total,
        company=company,
        rows=rows,
        own=own,
    )


def _search_and_page():
    """The search box (q) and the page number of a searched, paginated list."""
    return request.args.get("q", ""), request.args.get("page", 1, type=int)


def _paged(page_template, rows_template, search, page, total, **context):
    """The list's page, or its rows alone for htmx, with the search and the pager's numbers."""
    return page_or_fragment(page_template, rows_template, total=total, search=search, page_no=max(page, 1),
                            pages=max(1, -(-total // PER_PAGE)), **context)


def manage_selection(level, target_id):
    """GET shows the dual list; POST applies it, or asks to confirm a removal first."""
    title = TITLES[level]
    if request.method == "GET":
        selection = selections.load(current_user, level, target_id)
        return render_template("declarations/manage.html", selection=selection, title=title)
    chosen = request.form.getlist("declarations")
    try:
        change = selections.submit(current_user, level, target_id, chosen, request.form.get("confirm") == "1")
    except Invalid as exc:
        selection = selections.load(current_user, level, target_id)
        return render_template(
            "declarations/manage.html", selection=selection, title=title, error=exc.errors
        ), 422
    if change.needs_confirmation:
        return render_template(
            "declarations/confirm.html", change=change, selection=change.selection, title=title
        )
    flash(*_outcome(change))
    return redirect(request.path)


def _outcome(change):
    """The flash message (text, category) after a Valider."""
    if not change.applied:
        return "Aucune modification : la sélection est inchangée.", "info"
    parts = []
    if change.added:
        parts.append(f"{len(change.added)} ajoutée{'s' if len(change.added) > 1 else ''}")
    if change.removed:
        parts.append(f"{len(change.removed)} retirée{'s' if len(change.removed) > 1 else ''}")
        if change.habilitations:
            s = "s" if change.habilitations > 1 else ""
            parts.append(f"{change.habilitations} habilitation{s} supprimée{s}")
    return "Les déclarations ont été enregistrées : " + ", ".join(parts) + ".", "success"

