"""The Veille Sirene report of an import: for every firm, what changed for its clients, written as
SireneChange rows (db/models/watch.py) under one SireneReport per firm.

Found set-based over all the firms at once (a few queries, whatever the number of companies):
- new establishments: active and not registered in their client company now, not before the import
  (the caller's `opened`), unless an administrator removed them from the company on purpose;
- closed: registered establishments still marked active whose directory row is closed;
- ceased companies: units ceased by this import (`ceased`);
- new names (raison sociale, enseigne) and addresses: the registered value differs from the
  directory's, as « Mettre à jour depuis le référentiel Sirene » compares them.
A change already reported (pending, applied or dismissed) is never written twice: its key is unique
per firm.
"""
import hashlib

from peewee import chunked, fn

from db import clock
from db.bulk import IDS_PER_QUERY, ROWS_PER_BATCH, insert_statement
from db.clients.writes import directory_address, directory_is_active, directory_name
from db.database import database
from db.models import Company, DirectoryEstablishment, DirectoryUnit, Establishment
from db.models.watch import (
    CEASED,
    CLOSED,
    MOVED,
    OPENED,
    PENDING,
    RENAMED,
    SIGN,
    RemovedEstablishment,
    SireneChange,
    SireneReport,
)

DE, DU, E = DirectoryEstablishment, DirectoryUnit, Establishment


def change_key(company_id, kind, siret, after):
    digest = hashlib.md5(after.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]
    return f"{company_id}:{kind}:{siret}:{digest}"


def write_reports(opened, ceased, source):
    """{firm_id: (report id, [(company name, siren, {kind: count})])} of the firms with new changes."""
    found = _opened(opened) + _ceased(ceased) + _renamed() + _establishment_changes()
    if not found:
        return {}
    now = clock.now()
    firms = sorted({row[0] for row in found})
    last = SireneReport.select(fn.MAX(SireneReport.id)).scalar() or 0  # imports run one at a time
    SireneReport.insert_many([{"firm": f, "created_at": now, "source": source} for f in firms]).execute()
    reports = dict(SireneReport.select(SireneReport.firm, SireneReport.id).where(
        SireneReport.firm.in_(firms) & (SireneReport.id > last)).tuples())
    rows = [{"firm": firm, "report": reports[firm], "company": company, "kind": kind, "siret": siret,
             "before": before or "", "after": after or "",
             "key": change_key(company, kind, siret, after or ""), "status": PENDING}
            for firm, company, kind, siret, before, after in found]
    fields = ["firm", "report", "company", "kind", "siret", "before", "after", "key", "status"]
    statement = insert_statement(SireneChange, fields) + " ON CONFLICT DO NOTHING"  # both engines
    cursor = database.cursor()
    for batch in chunked(rows, ROWS_PER_BATCH):
        cursor.executemany(statement, [tuple(row[f] for f in fields) for row in batch])
    return _summaries(list(reports.values()))


def rows_of(query):
    """The query's rows as the driver returns them (tuples, no model): tens of thousands of rows are
    read here, and peewee's row wrapping would cost more than the query."""
    return database.execute_sql(*query.sql()).fetchall()


def _opened(opened):
    """The new establishments, but those removed from their company on purpose."""
    companies = sorted({company for _f, company, _s, _a in opened})
    removed = set()
    for batch in chunked(companies, IDS_PER_QUERY):
        kept_out = RemovedEstablishment
        removed |= set(rows_of(kept_out.select(kept_out.company, kept_out.siret)
                               .where(kept_out.company.in_(batch))))
    return [(firm, company, OPENED, siret, "", address) for firm, company, siret, address in opened
            if (company, siret) not in removed]


def _ceased(ceased):
    found = []
    for batch in chunked(sorted(ceased), IDS_PER_QUERY):
        found += [(firm, company, CEASED, "", name, "") for firm, company, name in rows_of(Company.select(
            Company.firm, Company.id, Company.name).where(Company.siren.in_(batch)))]
    return found


def _renamed():
    query = (Company.select(Company.firm, Company.id, Company.name, DU.denomination)
             .join(DU, on=(DU.siren == Company.siren))
             .where(DU.denomination.is_null(False) & (DU.denomination != Company.name)))
    return [(firm, company, RENAMED, "", name, new) for firm, company, name, new in rows_of(query)]


def _establishment_changes():
    """Registered establishments now closed, and their new enseignes and addresses: one scan."""
    name, address, active = directory_name(), directory_address(), directory_is_active()
    query = (E.select(E.firm, E.company, E.siret, E.is_active, active, E.name, name, E.address, address)
             .join(DE, on=(DE.siret == E.siret))
             .where((E.is_active & ~active) | (E.name != name) | (E.address != address)))
    found = []
    for firm, company, siret, was_active, active_now, old_name, new_name, old_address, new_address in rows_of(
            query):
        if was_active and not active_now:
            found.append((firm, company, CLOSED, siret, old_address, ""))
        if old_name != new_name:
            found.append((firm, company, SIGN, siret, old_name, new_name))
        if old_address != new_address:
            found.append((firm, company, MOVED, siret, old_address, new_address))
    return found


def _summaries(report_ids):
    """Count each report's new changes (reports without any are deleted), per company and kind."""
    counted = (SireneChange.select(SireneChange.report, SireneChange.firm, Company.name, Company.siren,
                                   SireneChange.kind, fn.COUNT(SireneChange.id))
               .join(Company, on=(Company.id == SireneChange.company))
               .where(SireneChange.report.in_(report_ids))
               .group_by(SireneChange.report, SireneChange.firm, Company.id, Company.name, Company.siren,
                         SireneChange.kind).tuples())
    firms, totals = {}, {}
    for report, firm, name, siren, kind, count in counted:
        companies = firms.setdefault(firm, (report, {}))[1]
        companies.setdefault((name, siren), {})[kind] = count
        totals[report] = totals.get(report, 0) + count
    empty = [r for r in report_ids if r not in totals]
    if empty:
        SireneReport.delete().where(SireneReport.id.in_(empty)).execute()
    for report, total in totals.items():
        SireneReport.update(change_count=total).where(SireneReport.id == report).execute()
    return {firm: (report, [(n, s, kinds) for (n, s), kinds in sorted(companies.items())])
            for firm, (report, companies) in firms.items()}

