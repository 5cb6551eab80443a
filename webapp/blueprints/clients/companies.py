"""Client companies of a portfolio: Ajouter une entreprise (one SIREN, or several pasted or
uploaded), Choisir les établissements de l'entreprise, Transférer l'entreprise, retirer
l'entreprise, Mettre à jour depuis le référentiel Sirene."""
import csv
import io

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from db.clients import chooser, companies, composition, composition_page, portfolios
from db.clients import refresh as company_refresh
from db.errors import Invalid
from db.sirene.online import SireneApi
from webapp.access import admin_required
from webapp.chooser_rows import chooser_rows
from webapp.forms import apply_errors
from webapp.forms.portfolios import AddCompanyForm, BulkAddForm, TransferForm
from webapp.request_limits import accepts_upload
from webapp.templating import is_htmx, number_fr

bp = Blueprint("companies", __name__, url_prefix="/gestion")
bp.add_app_template_global(chooser_rows)  # the chooser's rows, built in Python (webapp/chooser_rows.py)


def online_source():
    """The API Sirene client when SIRENE_API_URL is configured, else None (local directory only)."""
    config = current_app.config
    if not config["SIRENE_API_URL"]:
        return None
    return SireneApi(config["SIRENE_API_URL"], config["SIRENE_API_KEY"], timeout=config["SIRENE_API_TIMEOUT"])


def added_message(added):
    n = added.establishments
    return f"{added.company.name} ajoutée : {number_fr(n)} établissement{'s' if n > 1 else ''}"


@bp.route("/portefeuilles/<int:portfolio_id>/entreprises", methods=["POST"])
@admin_required
def add(portfolio_id):
    """Ajouter une entreprise by its SIREN; htmx gets the composition back, updated in place."""
    form = AddCompanyForm()
    try:
        added = composition.add_company(current_user, portfolio_id, form.siren.data, online_source())
    except composition.InOtherPortfolio as exc:
        return _composition(portfolio_id, form, apply_errors(form, exc), other=exc), 422
    except Invalid as exc:
        return _composition(portfolio_id, form, apply_errors(form, exc)), 422
    if not is_htmx():
        flash(added_message(added), "success")
        return redirect(url_for("portfolios.compose", portfolio_id=portfolio_id))
    return _composition(portfolio_id, AddCompanyForm(formdata=None), None, added=added)


def _composition(portfolio_id, form, error, other=None, added=None):
    portfolio, page = composition_page.list_companies(current_user, portfolio_id)
    template = "clients/portfolios/_composition.html" if is_htmx() else "clients/portfolios/compose.html"
    message = added_message(added) if added else None
    return render_template(template, portfolio=portfolio, cpage=page, form=form, error=error, other=other,
                           added=added, message=message)


@bp.route("/portefeuilles/<int:portfolio_id>/entreprises/plusieurs", methods=["GET", "POST"])
@admin_required
@accepts_upload
def bulk_add(portfolio_id):
    """Add several companies at once: pasted SIRENs or a CSV file, with a compte rendu per line."""
    portfolio = portfolios.get_portfolio(current_user, portfolio_id)
    form, result, error = BulkAddForm(), None, None
    if request.method == "POST":
        try:
            lines = _submitted_lines(form)
            result = composition.add_companies(current_user, portfolio_id, lines, online_source())
        except Invalid as exc:
            error = apply_errors(form, exc)
    status = 422 if (error or form.errors) else 200
    return render_template("clients/companies/bulk.html", portfolio=portfolio, form=form, result=result,
                           error=error), status


def _submitted_lines(form):
    """The SIRENs of the text area, then of the uploaded CSV (column « siren », or the first one)."""
    lines = (form.sirens.data or "").splitlines()
    upload = request.files.get("file")
    if upload and upload.filename:
        raw = upload.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
        rows = list(csv.reader(io.StringIO(text), delimiter=";" if ";" in text.split("\n", 1)[0] else ","))
        header = [cell.strip().lower() for cell in rows[0]] if rows else []
        column = header.index("siren") if "siren" in header else 0
        body = rows[1:] if "siren" in header else rows
        lines += [row[column] if len(row) > column else "" for row in body]
    return lines


@bp.route("/entreprises/<int:company_id>/etablissements", methods=["GET", "POST"])
@admin_required
def establishments(company_id):
    """Choisir les établissements de l'entreprise: a page of results with the pending ticks of every
    page kept in the form; unticking asks to confirm, with the count of habilitations that go."""
    state, action = chooser.from_request(current_user, company_id, request.values, request.form)
    error = None
    if action == "valider":
        try:
            plan = companies.plan_establishments(current_user, company_id, state.wanted_sirets)
            if plan.to_remove and request.form.get("confirm") != "1":
                return render_template("clients/companies/establishments_confirm.html", plan=plan,
                                       state=state)
            companies.set_establishments(current_user, company_id, state.wanted_sirets)
            flash(_establishments_message(plan), "success" if plan.changes else "info")
            return redirect(url_for("companies.establishments", company_id=company_id))
        except Invalid as exc:
            error = " ".join(exc.errors.values())
    return render_template("clients/companies/establishments.html", company=state.company, state=state,
                           error=error), 422 if error else 200


def _establishments_message(plan):
    if not plan.changes:
        return "Aucune modification : les établissements inscrits sont inchangés."
    return (f"Établissements enregistrés : {number_fr(len(plan.to_add))} inscrit(s), "
            f"{number_fr(len(plan.to_remove))} désinscrit(s), "
            f"{number_fr(plan.habilitations_removed)} habilitation(s) supprimée(s).")


@bp.route("/entreprises/<int:company_id>/transfert", methods=["GET", "POST"])
@admin_required
def transfer(company_id):
    """Transférer l'entreprise: choose the portfolio, read the consequences, then Valider."""
    company = companies.get_company(current_user, company_id)
    form = TransferForm()
    form.target.choices = [
        (str(p.id), p.name) for p in portfolios.other_portfolios(current_user, company.portfolio_id)
    ]
    error = plan = None
    if request.method == "POST":
        try:
            if request.form.get("confirm") == "1":
                done = companies.transfer_company(current_user, company_id, form.target.data)
                flash(f"{company.name} transférée vers le portefeuille « {done.target.name} ».", "success")
                return redirect(url_for("portfolios.compose", portfolio_id=done.target.id))
            plan = companies.plan_transfer(current_user, company_id, form.target.data)
        except Invalid as exc:
            error = apply_errors(form, exc)
    return render_template("clients/companies/transfer.html", company=company, form=form, plan=plan,
                           error=error), 422 if (error or form.target.errors) else 200


@bp.route("/entreprises/<int:company_id>/retirer", methods=["GET", "POST"])
@admin_required
def remove(company_id):
    """Retirer l'entreprise du portefeuille, after a confirmation with the counts."""
    if request.method == "POST":
        plan = companies.remove_company(current_user, company_id)
        flash(f"{plan.company.name} retirée du portefeuille « {plan.company.portfolio.name} » "
              f"({number_fr(plan.establishments)} établissement(s), {number_fr(plan.habilitations)} "
              "habilitation(s) supprimés).", "success")
        return redirect(url_for("portfolios.compose", portfolio_id=plan.company.portfolio_id))
    return render_template(
        "clients/companies/remove.html", plan=companies.plan_removal(current_user, company_id)
    )


@bp.route("/entreprises/<int:company_id>/mise-a-jour", methods=["GET", "POST"])
@admin_required
def refresh(company_id):
    """Mettre à jour depuis le référentiel Sirene: show the differences, apply them on Valider."""
    try:
        if request.method == "POST":
            plan, registered, unregistered = company_refresh.apply_refresh(
                current_user, company_id, request.form.getlist("register"), request.form.getlist("unregister")
            )
            flash(
                f"{plan.new_name or plan.company.name} mise à jour depuis le référentiel Sirene : "
                f"{len(registered)} établissement(s) inscrit(s), {len(unregistered)} désinscrit(s).",
                "success",
            )
            return redirect(url_for("portfolios.compose", portfolio_id=plan.company.portfolio_id))
        plan = company_refresh.plan_refresh(current_user, company_id)
    except Invalid as exc:
        company = companies.get_company(current_user, company_id)
        flash(exc.errors["__all__"], "error")
        return redirect(url_for("portfolios.compose", portfolio_id=company.portfolio_id))
    return render_template("clients/companies/refresh.html", plan=plan)
