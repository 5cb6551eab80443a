"""Gérer vos portefeuilles: the list and its search, add / edit / delete a portfolio, its
déclarants (dual list) and "Composer le portefeuille"."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from db.clients import composition_page, portfolio_deletion, portfolio_list, portfolios
from db.errors import Invalid
from webapp.access import admin_required
from webapp.company_rows import company_rows, spliced
from webapp.composition_form import add_company_panel
from webapp.forms import apply_errors
from webapp.forms.portfolios import PortfolioForm
from webapp.templating import page_or_fragment

bp = Blueprint("portfolios", __name__, url_prefix="/gestion/portefeuilles")
bp.add_app_template_global(company_rows)  # the composition's rows, built in Python (webapp/company_rows.py)
bp.add_app_template_global(add_company_panel)  # its « Ajouter une entreprise » (webapp/composition_form.py)


@bp.route("")
@admin_required
def index():
    """Vos portefeuilles: counts per portfolio, search by name, SIREN, SIRET or raison sociale."""
    listing = portfolio_list.list_portfolios(current_user, request.args.get("critere", "nom"),
                                         request.args.get("valeur", ""))
    return page_or_fragment(
        "clients/portfolios/index.html",
        "clients/portfolios/_results.html",
        listing=listing,
        criteria=portfolio_list.SEARCH_CRITERIA,
    )


@bp.route("/ajouter", methods=["GET", "POST"])
@admin_required
def create():
    """Ajout de portefeuille: name, comment and déclarants (dual list)."""
    form = PortfolioForm()
    chosen = request.form.getlist("declarants")
    if request.method == "POST":
        try:
            portfolio = portfolios.create_portfolio(current_user, form.name.data, form.comment.data, chosen)
        except Invalid as exc:
            return _form_page(form, apply_errors(form, exc), chosen), 422
        flash(f"Portefeuille « {portfolio.name} » créé.", "success")
        return redirect(url_for("portfolios.index"))
    return _form_page(form, None, chosen)


def _form_page(form, error, chosen, portfolio=None):
    options = portfolios.declarant_choices(current_user) if portfolio is None else []
    return render_template(
        "clients/portfolios/form.html",
        form=form,
        error=error,
        options=options,
        chosen=chosen,
        portfolio=portfolio,
    )


@bp.route("/<int:portfolio_id>/modifier", methods=["GET", "POST"])
@admin_required
def edit(portfolio_id):
    """Rename the portfolio or change its comment."""
    portfolio = portfolios.get_portfolio(current_user, portfolio_id)
    form = PortfolioForm(obj=portfolio)
    if request.method == "POST":
        try:
            portfolios.update_portfolio(current_user, portfolio_id, form.name.data, form.comment.data)
        except Invalid as exc:
            return _form_page(form, apply_errors(form, exc), [], portfolio), 422
        flash(f"Portefeuille « {form.name.data.strip()} » enregistré.", "success")
        return redirect(url_for("portfolios.index"))
    return _form_page(form, None, [], portfolio)


@bp.route("/<int:portfolio_id>/supprimer", methods=["GET", "POST"])
@admin_required
def delete(portfolio_id):
    """Delete an empty portfolio (not the default one), after a confirmation."""
    portfolio = portfolios.get_portfolio(current_user, portfolio_id)
    if request.method == "POST":
        try:
            portfolio_deletion.delete_portfolio(current_user, portfolio_id)
        except Invalid as exc:
            flash(exc.errors["__all__"], "error")
            return redirect(url_for("portfolios.index"))
        flash(f"Portefeuille « {portfolio.name} » supprimé.", "success")
        return redirect(url_for("portfolios.index"))
    plan = portfolio_deletion.plan_deletion(current_user, portfolio_id)
    return render_template("clients/portfolios/delete.html", plan=plan)


@bp.route("/<int:portfolio_id>/declarants", methods=["GET", "POST"])
@admin_required
def declarants(portfolio_id):
    """Gérer les déclarants du portefeuille; confirms first when habilitations would go."""
    portfolio = portfolios.get_portfolio(current_user, portfolio_id)
    chosen = request.form.getlist("declarants") if request.method == "POST" else None
    error = None
    if chosen is not None:
        try:
            plan = portfolios.plan_declarants(current_user, portfolio_id, chosen)
            if plan.habilitations_removed and request.form.get("confirm") != "1":
                return render_template("clients/portfolios/declarants_confirm.html", plan=plan, chosen=chosen)
            portfolios.set_declarants(current_user, portfolio_id, chosen)
            flash(f"Déclarants du portefeuille « {portfolio.name} » enregistrés.", "success")
            return redirect(url_for("portfolios.index"))
        except Invalid as exc:
            error = " ".join(exc.errors.values())
    options = portfolios.declarant_choices(current_user)
    selected = chosen if chosen is not None else portfolios.portfolio_declarant_ids(portfolio)
    return render_template(
        "clients/portfolios/declarants.html",
        portfolio=portfolio,
        options=options,
        chosen=selected,
        error=error,
    ), 422 if error else 200


@bp.route("/<int:portfolio_id>/composition")
@admin_required
def compose(portfolio_id):
    """Composer le portefeuille: its companies (filter, pages) and "Ajouter une entreprise"."""
    portfolio, page = composition_page.list_companies(current_user, portfolio_id, request.args.get("q", ""),
                                                 request.args.get("page", 1, type=int))
    return spliced(lambda: page_or_fragment(  # its rows joined as bytes (webapp/company_rows.py)
        "clients/portfolios/compose.html",
        "clients/portfolios/_companies.html",
        portfolio=portfolio,
        cpage=page,
        form=None,  # nothing typed: add_company_panel
    ))
