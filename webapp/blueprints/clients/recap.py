"""Consulter / Imprimer le récapitulatif, of the whole firm or of one portfolio, and its CSV
export (`;` separator, UTF-8 with BOM so that Excel opens it in French)."""
from flask import Blueprint, render_template, request
from flask_login import current_user

from db import clock
from db.clients import recap
from db.formats import csv_files
from webapp.access import admin_required
from webapp.downloads import csv_download
from webapp.templating import datetime_fr

bp = Blueprint("recap", __name__, url_prefix="/gestion")


@bp.route("/recapitulatif")
@admin_required
def firm():
    """Le récapitulatif of every portfolio of the firm."""
    return _page(None)


@bp.route("/portefeuilles/<int:portfolio_id>/recapitulatif")
@admin_required
def portfolio(portfolio_id):
    """Le récapitulatif of one portfolio."""
    return _page(portfolio_id)


def _page(portfolio_id):
    summary = recap.build_recap(current_user, portfolio_id)
    return render_template(
        "clients/recap/recap.html",
        recap=summary,
        autoprint=request.args.get("imprimer") == "1",
        shown=recap.ESTABLISHMENTS_SHOWN,
    )


@bp.route("/recapitulatif.csv")
@admin_required
def firm_csv():
    """The firm's récapitulatif as CSV."""
    return _csv(None, "recapitulatif-cabinet")


@bp.route("/portefeuilles/<int:portfolio_id>/recapitulatif.csv")
@admin_required
def portfolio_csv(portfolio_id):
    """One portfolio's récapitulatif as CSV."""
    return _csv(portfolio_id, f"recapitulatif-portefeuille-{portfolio_id}")


def _csv(portfolio_id, name):
    # Built in the view, while the request's connection is open: a streamed body would outlive it.
    rows = [recap.CSV_HEADER, *(_cells(row) for row in recap.csv_rows(current_user, portfolio_id))]
    return csv_download(f"{name}-{clock.now():%Y%m%d}.csv", csv_files.lines(rows))


def _cells(row):
    (portfolio, siren, name, kind, siret, is_siege, is_active, address,
     nom, prenom, label, declare, pay, active_from, pay_active_from) = row
    return [
        portfolio, siren, name, kind, siret, "Oui" if is_siege else "Non", "Actif" if is_active else "Fermé",
        address, f"{nom.upper()} {prenom}" if nom else "", label or "",
        _yes(declare, nom), _yes(pay, nom), datetime_fr(active_from) if declare else "",
        datetime_fr(pay_active_from) if pay else "",
    ]


def _yes(flag, nom):
    return ("Oui" if flag else "Non") if nom else ""
