"""What a Sirene import changed for the firms' clients, told in « Vos notifications ».

An import never changes a firm's data by itself: the administrator reviews and applies a company's
changes on « Mettre à jour depuis le référentiel Sirene ». So the import compares, for the SIRENs
that firms registered, the directory's active establishments before and after, and tells each firm's
administrators which of their companies have establishments newly closed or newly active, with a
link to that page. One notice per firm and import, whatever the number of companies concerned.
"""
from peewee import chunked

from db.bulk import IDS_PER_QUERY
from db.clients.writes import active_in_directory
from db.identifiers import format_siren
from db.models import Company, DirectoryEstablishment, Establishment, User
from db.models.accounts import ROLE_ADMIN
from db.notifications import notify
from db.notifications.kinds import SIRENE_CHANGES

DE = DirectoryEstablishment
NAMED = 5  # companies named in a notice; the others are counted


def active_of_clients():
    """{siret: siren} of the directory's active establishments of every registered SIREN."""
    registered = Company.select(Company.siren).distinct()
    query = DE.select(DE.siret, DE.siren).where(DE.siren.in_(registered) & active_in_directory())
    return dict(query.tuples())


def notify_changes(before):
    """Compare with active_of_clients() taken before the import; notify the firms concerned.
    Returns the number of notices written."""
    after = active_of_clients()
    opened = {siret: after[siret] for siret in after.keys() - before.keys()}
    closed = {siret: before[siret] for siret in before.keys() - after.keys()}
    if not opened and not closed:
        return 0
    changes = _per_company(opened, closed)
    admins = _administrators({company.firm_id for company in changes})
    written = 0
    for firm_id, companies in _by_firm(changes).items():
        text, link = _notice(companies, changes)
        written += notify(SIRENE_CHANGES, admins.get(firm_id, []), text, link=link, firm_id=firm_id)
    return written


def _per_company(opened, closed):
    """{Company: (registered establishments now closed, active establishments not registered)}."""
    sirens = set(opened.values()) | set(closed.values())
    companies = []
    for batch in chunked(sorted(sirens), IDS_PER_QUERY):
        companies.extend(Company.select(Company.id, Company.firm, Company.siren, Company.name).where(
            Company.siren.in_(batch)))
    registered = set()
    for batch in chunked([c.id for c in companies], IDS_PER_QUERY):
        registered |= set(Establishment.select(Establishment.company, Establishment.siret).where(
            Establishment.company.in_(batch)).tuples())
    changes = {}
    for company in companies:
        now_closed = sum(1 for s, siren in closed.items()
                         if siren == company.siren and (company.id, s) in registered)
        now_open = sum(1 for s, siren in opened.items()
                       if siren == company.siren and (company.id, s) not in registered)
        if now_closed or now_open:
            changes[company] = (now_closed, now_open)
    return changes


def _administrators(firm_ids):
    admins = {}
    for user_id, firm_id in User.select(User.id, User.firm).where(
            User.firm.in_(list(firm_ids)) & (User.role == ROLE_ADMIN) & User.is_active).tuples():
        admins.setdefault(firm_id, []).append(user_id)
    return admins


def _by_firm(changes):
    firms = {}
    for company in sorted(changes, key=lambda c: (c.name, c.siren)):
        firms.setdefault(company.firm_id, []).append(company)
    return firms


def _notice(companies, changes):
    """(text, link) of one firm's notice."""
    parts = []
    for company in companies[:NAMED]:
        now_closed, now_open = changes[company]
        said = [_count(now_closed, "établissement inscrit fermé", "établissements inscrits fermés"),
                _count(now_open, "nouvel établissement actif", "nouveaux établissements actifs")]
        said = ", ".join(p for p in said if p)
        parts.append(f"{company.name} ({format_siren(company.siren)})\u202f: {said}")
    others = len(companies) - NAMED
    if others > 0:
        parts.append(_count(others, "autre entreprise", "autres entreprises"))
    text = ("Référentiel Sirene mis à jour\u202f: " + "\u202f; ".join(parts)
            + ". Vérifiez-les avec « Mettre à jour depuis le référentiel Sirene ».")
    link = f"companies.refresh?company_id={companies[0].id}" if len(companies) == 1 else "portfolios.index"
    return text, link


def _count(number, one, many):
    if not number:
        return ""
    return f"{number} {one}" if number == 1 else f"{number:,} {many}".replace(",", "\u202f")
