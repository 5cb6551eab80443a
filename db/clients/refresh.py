"""Mettre à jour depuis le référentiel Sirene: compare a client company with the current
directory and apply what changed, only when the administrator validates.

Changes found: a new raison sociale, new active establishments (offered for registration, ticked,
except those an administrator removed from the company on purpose: offered unticked, set aside),
registered establishments now closed (flagged, their habilitations listed for removal),
registered establishments whose address or name changed.
"""
from dataclasses import dataclass, field

from db import audit
from db.clients.companies import get_company, habilitation_counts
from db.clients.search import refresh_search_text
from db.clients.writes import (
    copy_establishments,
    directory_address,
    directory_is_active,
    directory_name,
    directory_postcode,
    directory_street,
    directory_town,
    forget_removed,
    inherit_company_declarations,
    recount_declarations,
    unregister_establishments,
)
from db.database import database
from db.errors import Invalid
from db.identifiers import format_siren
from db.models import (
    Company,
    DirectoryEstablishment,
    DirectoryUnit,
    Establishment,
    Habilitation,
    RemovedEstablishment,
)
from db.notifications import rights
from db.people.declarants import lock_firm

DE = DirectoryEstablishment


@dataclass
class Closed:
    establishment: Establishment
    habilitations: int


@dataclass
class RefreshPlan:
    company: Company
    unit: DirectoryUnit = None
    new_name: str = None
    ceased: bool = False
    new_active: list = field(default_factory=list)  # [(siret, address, is_siege)]
    set_aside: list = field(default_factory=list)  # the same, removed on purpose earlier
    now_closed: list = field(default_factory=list)  # [Closed]
    changed: list = field(default_factory=list)  # [(Establishment, new name, new address)]
    missing: list = field(default_factory=list)  # registered, no longer in the directory
    kept_closed: list = field(default_factory=list)  # closed, kept registered (flagged « fermé »)

    @property
    def has_changes(self):
        return bool(self.new_name or self.new_active or self.now_closed or self.changed)


def plan_refresh(actor, company_id):
    """Compare the company with the directory (three queries)."""
    company = get_company(actor, company_id)
    plan = RefreshPlan(company, DirectoryUnit.get_or_none(DirectoryUnit.siren == company.siren))
    if plan.unit is None:
        raise Invalid({"__all__": f"Le SIREN {format_siren(company.siren)} n'est plus dans le référentiel "
                                  "Sirene local : rien à comparer."})
    plan.ceased = plan.unit.etat == "C"
    if plan.unit.name != company.name:
        plan.new_name = plan.unit.name
    registered = {e.siret: e for e in Establishment.select().where(Establishment.company == company.id)}
    removed = {s for (s,) in RemovedEstablishment.select(RemovedEstablishment.siret).where(
        RemovedEstablishment.company == company.id).tuples()}
    rows = (
        DE.select(
            DE.siret,
            DE.is_siege,
            directory_name().alias("name"),
            directory_address().alias("addr"),
            directory_is_active().alias("active"),
        )
        .where(DE.siren == company.siren)
        .order_by(DE.is_siege.desc(), DE.siret)
        .dicts()
    )
    seen = set()
    closed = []
    for row in rows:
        seen.add(row["siret"])
        current, active = registered.get(row["siret"]), bool(row["active"])
        if current is None:
            if active:
                offered = plan.set_aside if row["siret"] in removed else plan.new_active
                offered.append((row["siret"], row["addr"], bool(row["is_siege"])))
        elif not active and current.is_active:
            closed.append(current)
        elif not active:
            plan.kept_closed.append(current)
        elif (current.address, current.name) != (row["addr"], row["name"]):
            plan.changed.append((current, row["name"], row["addr"]))
    counts = habilitation_counts([e.id for e in closed])
    plan.now_closed = [Closed(e, counts.get(e.id, 0)) for e in closed]
    plan.missing = [e for s, e in registered.items() if s not in seen]
    return plan


def apply_refresh(actor, company_id, register_sirets=(), unregister_ids=()):
    """Apply the comparison: new name and addresses, closed establishments flagged (and the
    chosen ones unregistered with their habilitations), chosen new establishments registered."""
    plan = plan_refresh(actor, company_id)
    company = plan.company
    register = sorted({s for s, _a, _h in plan.new_active + plan.set_aside} & set(register_sirets))
    chosen = {str(i) for i in unregister_ids}
    unregister = [e.id for e in [c.establishment for c in plan.now_closed] + plan.kept_closed
                  if str(e.id) in chosen]
    with database.atomic():
        lock_firm(actor.firm_id)  # rights of closed establishments counted out once
        if plan.new_name:
            Company.update(name=plan.new_name).where(Company.id == company.id).execute()
        if plan.changed or plan.now_closed:
            _copy_directory_fields(company)
        if plan.new_name or plan.changed:
            refresh_search_text(Establishment.company == company.id)
        if register:
            copy_establishments(company, register)
            forget_removed(company, register)
            new_ids = Establishment.select(Establishment.id).where(
                (Establishment.company == company.id) & Establishment.siret.in_(register))
            inherit_company_declarations(company, [i for (i,) in new_ids.tuples()])
        if unregister:
            rights.rights_removed(actor, Habilitation.select(Habilitation.id).where(
                Habilitation.establishment.in_(unregister)),
                f"établissement(s) fermé(s) de {company.name} désinscrit(s)")
            unregister_establishments(company, unregister)
        audit.record(
            actor,
            "company.refresh",
            f"{company.name} ({format_siren(company.siren)}) mise à jour depuis le référentiel Sirene",
            obj=company,
            before={"raison sociale": company.name},
            after={
                "raison sociale": plan.new_name or company.name,
                "inscrits": register,
                "fermés": [c.establishment.siret for c in plan.now_closed],
                "désinscrits": [
                    c.establishment.siret for c in plan.now_closed if c.establishment.id in unregister
                ],
                "adresses mises à jour": [e.siret for e, _n, _a in plan.changed],
            },
        )
        from db.clients.watch import settle  # the Veille Sirene's changes this refresh applied

        settle(actor, company.id)
    return plan, register, unregister


def _copy_directory_fields(company):
    """Name, address and state of every registered establishment from the directory, in one
    UPDATE per field (correlated subqueries, portable)."""
    def from_directory(expression):
        return DE.select(expression).where(DE.siret == Establishment.siret)

    in_directory = Establishment.siret.in_(DE.select(DE.siret).where(DE.siren == company.siren))
    Establishment.update(
        name=from_directory(directory_name()),
        address=from_directory(directory_address()),
        street=from_directory(directory_street()),
        postcode=from_directory(directory_postcode()),
        town=from_directory(directory_town()),
        is_active=from_directory(directory_is_active()),
    ).where((Establishment.company == company.id) & in_directory).execute()
    recount_declarations([company.id])  # closed or reopened establishments leave or join the counts
