"""Veille Sirene page: the firm's pending changes (db/clients/watch_report.py writes them after an
import), each applied through the company's refresh plan (db/clients/refresh.py) or dismissed.

Applying a change runs « Mettre à jour depuis le référentiel Sirene » for its company with just that
change chosen: a new establishment registered, a closed one unregistered (with its habilitations),
names and addresses copied (the plan copies them all for the company). Then every pending change of
the company that the plan no longer finds is marked applied too (a closed establishment, until it is
unregistered or the change dismissed). A ceased company is not applied
here: the administrator removes it from its portfolio (its changes go with it) or dismisses it.
"""
import math
from dataclasses import dataclass

from db import audit, clock
from db.access import require_admin
from db.clients import refresh
from db.clients.writes import directory_is_active
from db.database import database
from db.errors import Invalid, NotFound
from db.identifiers import format_siren
from db.models import Company, DirectoryEstablishment, Establishment, Portfolio
from db.models.watch import (
    APPLIED,
    CEASED,
    CLOSED,
    DISMISSED,
    MOVED,
    OPENED,
    PENDING,
    RENAMED,
    SIGN,
    SireneChange,
    SireneReport,
)

PER_PAGE = 50
LABELS = {
    OPENED: "Nouvel établissement actif",
    CLOSED: "Établissement inscrit fermé",
    CEASED: "Entreprise cessée",
    RENAMED: "Nouvelle raison sociale",
    SIGN: "Nouvelle enseigne",
    MOVED: "Nouvelle adresse",
}
STATES = {"a-traiter": (PENDING,), "traites": (APPLIED, DISMISSED)}


@dataclass
class WatchPage:
    state: str
    page: int
    pages: int
    total: int
    changes: list  # SireneChange with .company (and its portfolio) and .report
    latest: SireneReport = None
    pending: int = 0


def page(actor, state="a-traiter", page_number=1, report_id=None):
    """The firm's changes, pending (or already applied / dismissed), newest report first."""
    require_admin(actor)
    state = state if state in STATES else "a-traiter"
    condition = (SireneChange.firm == actor.firm_id) & SireneChange.status.in_(STATES[state])
    if report_id is not None:
        condition &= SireneChange.report == report_id
    total = SireneChange.select().where(condition).count()
    pages = max(1, math.ceil(total / PER_PAGE))
    number = min(max(1, page_number), pages)
    changes = list(
        SireneChange.select(SireneChange, Company, Portfolio, SireneReport)
        .join(Company).join(Portfolio).switch(SireneChange).join(SireneReport)
        .where(condition)
        .order_by(SireneReport.created_at.desc(), Company.name, SireneChange.kind, SireneChange.siret,
                  SireneChange.id)
        .paginate(number, PER_PAGE))
    latest = (SireneReport.select().where(SireneReport.firm == actor.firm_id)
              .order_by(SireneReport.created_at.desc(), SireneReport.id.desc()).first())
    pending = SireneChange.select().where(
        (SireneChange.firm == actor.firm_id) & (SireneChange.status == PENDING)).count()
    return WatchPage(state, number, pages, total, changes, latest, pending)


def _pending_change(actor, change_id):
    require_admin(actor)
    change = SireneChange.get_or_none((SireneChange.id == change_id) & (SireneChange.firm == actor.firm_id))
    if change is None:
        raise NotFound()
    if change.status != PENDING:
        raise Invalid({"__all__": "Ce changement a déjà été traité."})
    return change


def apply_change(actor, change_id):
    """Apply one change through the company's refresh plan; returns the company."""
    change = _pending_change(actor, change_id)
    if change.kind == CEASED:
        raise Invalid({"__all__": "Une entreprise cessée ne se met pas à jour : retirez-la du portefeuille "
                                  "ou ignorez ce changement."})
    register, unregister = [], []
    if change.kind == OPENED:
        register = [change.siret]
    elif change.kind == CLOSED:
        unregister = [i for (i,) in Establishment.select(Establishment.id).where(
            (Establishment.company == change.company_id) & (Establishment.siret == change.siret)).tuples()]
    plan, _registered, _unregistered = refresh.apply_refresh(actor, change.company_id, register, unregister)
    return plan.company  # apply_refresh settled the company's changes in its transaction


def dismiss_change(actor, change_id):
    """« Ignorer »: the change stays in the report as dismissed, and is never offered again."""
    change = _pending_change(actor, change_id)
    company = Company.get_by_id(change.company_id)
    with database.atomic():
        SireneChange.update(status=DISMISSED, decided_by=actor.id, decided_at=clock.now()).where(
            SireneChange.id == change.id).execute()
        audit.record(actor, "sirene.dismiss",
                     f"Veille Sirene : changement ignoré pour {company.name} ({format_siren(company.siren)})",
                     obj=company, siret=change.siret or None,
                     after={"changement": LABELS[change.kind], "avant": change.before, "après": change.after})
    return company


def _registered_but_closed(company_id):
    """SIRETs still registered whose directory row is closed: a « closed » change stays to decide
    (unregister, or « Ignorer » to keep it) even once the refresh flagged it « fermé »."""
    DE = DirectoryEstablishment
    query = (Establishment.select(Establishment.siret).join(DE, on=(DE.siret == Establishment.siret))
             .where((Establishment.company == company_id) & ~directory_is_active()))
    return {s for (s,) in query.tuples()}


def settle(actor, company_id):
    """Mark applied the company's pending changes that its refresh plan no longer finds (after the
    refresh page or a change of the report applied them). Runs in the caller's transaction."""
    pending = list(SireneChange.select().where(
        (SireneChange.company == company_id) & (SireneChange.status == PENDING)))
    if not pending:
        return 0
    try:
        plan = refresh.plan_refresh(actor, company_id)
    except Invalid:  # the SIREN left the directory: nothing to compare with
        return 0
    still = {(OPENED, s, a) for s, a, _h in plan.new_active}
    still |= {(CLOSED, siret, "") for siret in _registered_but_closed(company_id)}
    still |= {(RENAMED, "", plan.new_name)} if plan.new_name else set()
    still |= {(SIGN, e.siret, n) for e, n, _a in plan.changed if n != e.name}
    still |= {(MOVED, e.siret, a) for e, _n, a in plan.changed if a != e.address}
    done = [c.id for c in pending if c.kind != CEASED and (c.kind, c.siret, c.after) not in still]
    if done:
        SireneChange.update(status=APPLIED, decided_by=actor.id, decided_at=clock.now()).where(
            SireneChange.id.in_(done)).execute()
    return len(done)
