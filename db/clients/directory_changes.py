"""What a Sirene import changed for the firms' clients: the Veille Sirene report, told in « Vos
notifications ».

An import never changes a firm's data by itself: the administrator applies or dismisses each change
on the Veille Sirene page (db/clients/watch.py), or a whole company's on « Mettre à jour depuis le
référentiel Sirene ». So before the import, the active establishments of the client companies that
they have not registered, and the ceased units among them, are noted; after it,
db/clients/watch_report.py writes one report per firm whose clients changed (new establishments,
closed ones, ceased companies, new names and addresses), and the firm's administrators get
one notice linking to it, whatever the number of companies.
"""
from dataclasses import dataclass

from peewee import SQL, fn

from db.clients.writes import active_in_directory
from db.database import database
from db.identifiers import format_siren
from db.models import Company, DirectoryEstablishment, DirectoryUnit, Establishment, User
from db.models.accounts import ROLE_ADMIN
from db.models.watch import CEASED, CLOSED, MOVED, OPENED, RENAMED, SIGN
from db.notifications import notify
from db.notifications.kinds import SIRENE_CHANGES

DE = DirectoryEstablishment
NAMED = 5  # companies named in a notice; the others are counted
WORDS = {  # kind: (one, many), as a notice counts them
    OPENED: ("nouvel établissement actif", "nouveaux établissements actifs"),
    CLOSED: ("établissement inscrit fermé", "établissements inscrits fermés"),
    CEASED: ("entreprise cessée", "entreprises cessées"),
    RENAMED: ("nouvelle raison sociale", "nouvelles raisons sociales"),
    SIGN: ("nouvelle enseigne", "nouvelles enseignes"),
    MOVED: ("nouvelle adresse", "nouvelles adresses"),
}


@dataclass
class Before:
    unregistered: set  # {(company id, siret)} of active establishments not registered in the company
    ceased: set  # registered SIRENs whose unit is ceased


def unregistered_active():
    """{(company id, siret)} of the directory's active establishments of the client companies that
    are not registered in them: where a new establishment shows. One anti-join; small when companies
    register all their establishments, as most do."""
    registered = Establishment.select(SQL("1")).where(
        (Establishment.company == Company.id) & (Establishment.siret == DE.siret))
    query = (DE.select(Company.id, DE.siret)
             .join(Company, on=(Company.siren == DE.siren))
             .where(active_in_directory() & ~fn.EXISTS(registered)))
    return set(database.execute_sql(*query.sql()).fetchall())  # no models: thousands of rows


def ceased_of_clients():
    registered = Company.select(Company.siren).distinct()
    query = DirectoryUnit.select(DirectoryUnit.siren).where(
        DirectoryUnit.siren.in_(registered) & (DirectoryUnit.etat == "C"))
    return {s for (s,) in database.execute_sql(*query.sql()).fetchall()}


def before_import():
    """What notify_changes compares with: taken just before the directory changes."""
    return Before(unregistered_active(), ceased_of_clients())


def notify_changes(before, source="stock"):
    """Write the firms' reports of what changed since `before`, and notify their administrators.
    Returns the number of notices written."""
    from db.clients.watch_report import write_reports

    reports = write_reports(before.unregistered, ceased_of_clients() - before.ceased, source)
    admins = _administrators(set(reports))
    written = 0
    for firm_id, (report_id, companies) in reports.items():
        written += notify(SIRENE_CHANGES, admins.get(firm_id, []), _notice(companies),
                          link=f"watch.report?report_id={report_id}", firm_id=firm_id)
    return written


def _administrators(firm_ids):
    admins = {}
    for user_id, firm_id in User.select(User.id, User.firm).where(
            User.firm.in_(list(firm_ids)) & (User.role == ROLE_ADMIN) & User.is_active).tuples():
        admins.setdefault(firm_id, []).append(user_id)
    return admins


def _notice(companies):
    """The text of one firm's notice; companies: [(name, siren, {kind: count})] sorted by name."""
    parts = []
    for name, siren, counted in companies[:NAMED]:
        said = ", ".join(_count(counted[kind], *WORDS[kind]) for kind in WORDS if counted.get(kind))
        parts.append(f"{name} ({format_siren(siren)})\u202f: {said}")
    others = len(companies) - NAMED
    if others > 0:
        parts.append(_count(others, "autre entreprise", "autres entreprises"))
    return ("Référentiel Sirene mis à jour\u202f: " + "\u202f; ".join(parts)
            + ". Appliquez ou ignorez chaque changement dans la Veille Sirene.")


def _count(number, one, many):
    return f"{number} {one}" if number == 1 else f"{number:,} {many}".replace(",", "\u202f")
