"""The Veille Sirene report of an import: for every firm, what changed for its clients, written as
SireneChange rows (db/models/watch.py) under one SireneReport per firm.

Found set-based over all the firms at once (a few queries, whatever the number of companies; the
client companies' directory rows are read once for the new, closed, renamed and moved establishments):
- new establishments: active and not registered in their client company now, not before the import
  (the caller's snapshot), unless an administrator removed them from the company on purpose;
- closed: registered establishments still marked active whose directory row is closed;
- ceased companies: units ceased by this import (`ceased`);
- new names (raison sociale, enseigne) and addresses: the registered value differs from the
  directory's, as « Mettre à jour depuis le référentiel Sirene » compares them.
A change already reported (pending, applied or dismissed) is never written twice: its key is unique
per firm.
"""
import hashlib

from peewee import JOIN, chunked, fn

from db import clock
from db.bulk import IDS_PER_QUERY, insert_statement
from db.clients.writes import active_in_directory, directory_address, directory_is_active, directory_name
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


def write_reports(unregistered_before, ceased, source):
    """{firm_id: (report id, [(company name, siren, {kind: count})])} of the firms with new changes."""
    found = _establishment_changes(unregistered_before) + _ceased(ceased) + _renamed()
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
    _insert_new(rows)
    return _summaries(list(reports.values()))


def _insert_new(rows):
    """Insert the changes not reported yet, many rows per statement: executemany would cost one
    round trip per row on PostgreSQL (1.2 s for 4,000 changes)."""
    fields = ["firm", "report", "company", "kind", "siret", "before", "after", "key", "status"]
    per_statement = IDS_PER_QUERY // len(fields)  # within SQLite's cap on bound parameters
    one = "(" + ", ".join([database.param] * len(fields)) + ")"
    head = insert_statement(SireneChange, fields).split(" VALUES ")[0]
    cursor = database.cursor()
    for batch in chunked(rows, per_statement):
        values = [row[f] for row in batch for f in fields]
        cursor.execute(f"{head} VALUES {', '.join([one] * len(batch))} ON CONFLICT DO NOTHING", values)


def rows_of(query):
    """The query's rows as the driver returns them (tuples, no model): tens of thousands of rows are
    read here, and peewee's row wrapping would cost more than the query."""
    return database.execute_sql(*query.sql()).fetchall()


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


def _establishment_changes(unregistered_before):
    """New establishments, registered ones now closed, new enseignes and addresses: one statement, the
    client companies' directory rows each read once, with the company's registration of that SIRET
    (if any) and its deliberate removal (if any) beside them.

    A new establishment is active and unregistered now but was not before the import (the caller's
    `unregistered_before`), and was not removed from its company on purpose."""
    name, address, active = directory_name(), directory_address(), directory_is_active()
    R = RemovedEstablishment
    unregistered = E.id.is_null()
    changed = (E.is_active & ~active) | (E.name != name) | (E.address != address)
    query = (DE.select(Company.firm, Company.id, DE.siret, E.id, E.is_active, active, E.name, name, E.address,
                       address)
             .join(Company, on=(Company.siren == DE.siren))
             .join(E, JOIN.LEFT_OUTER, on=((E.company == Company.id) & (E.siret == DE.siret)))
             .join(R, JOIN.LEFT_OUTER, on=((R.company == Company.id) & (R.siret == DE.siret)))
             .where((unregistered & active_in_directory() & R.id.is_null())
                    | (E.id.is_null(False) & changed)))
    found = []
    for (firm, company, siret, registered, was_active, active_now, old_name, new_name, old_address,
         new_address) in rows_of(query):
        if registered is None:
            if (company, siret) not in unregistered_before:
                found.append((firm, company, OPENED, siret, "", new_address))
            continue
        if was_active and not active_now:
            found.append((firm, company, CLOSED, siret, old_address, ""))
        if old_name != new_name:
            found.append((firm, company, SIGN, siret, old_name, new_name))
        if old_address != new_address:
            found.append((firm, company, MOVED, siret, old_address, new_address))
    return found


def _summaries(report_ids):
    """Count each report's new changes (reports without any are deleted), per company and kind."""
    counted = rows_of(SireneChange.select(SireneChange.report, SireneChange.firm, Company.name, Company.siren,
                                          SireneChange.kind, fn.COUNT(SireneChange.id))
                      .join(Company, on=(Company.id == SireneChange.company))
                      .where(SireneChange.report.in_(report_ids))
                      .group_by(SireneChange.report, SireneChange.firm, Company.id, Company.name,
                                Company.siren, SireneChange.kind))
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

