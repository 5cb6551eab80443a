"""One client company: choosing its establishments, transferring it to another portfolio,
removing it. Each change is planned first (what it will do, with counts, for the confirmation)
then applied in one transaction, with its journal entry.
"""
from dataclasses import dataclass

from peewee import fn

from db import audit, fields
from db.access import require_admin
from db.clients.portfolios import get_portfolio
from db.clients.writes import (
    copy_establishments,
    delete_company,
    delete_habilitations,
    forget_removed,
    inherit_company_declarations,
    inherit_portfolio_declarations,
    move_company,
    remember_removed,
    unregister_establishments,
)
from db.database import database
from db.errors import Invalid, NotFound
from db.identifiers import format_siren
from db.models import (
    Company,
    CompanyDeclaration,
    Declaration,
    DirectoryEstablishment,
    Establishment,
    Habilitation,
    Portfolio,
    PortfolioDeclarant,
    PortfolioDeclaration,
    User,
)
from db.notifications import rights
from db.people.declarants import lock_firm

DE = DirectoryEstablishment


def get_company(actor, company_id):
    """The company of the actor's firm (with its portfolio), or NotFound."""
    require_admin(actor)
    company = (Company.select(Company, Portfolio).join(Portfolio)
               .where((Company.id == company_id) & (Company.firm == actor.firm_id)).first())
    if company is None:
        raise NotFound()
    return company


def habilitation_counts(establishment_ids):
    """{establishment id: number of habilitations} in one grouped query."""
    if not establishment_ids:
        return {}
    return dict(Habilitation.select(Habilitation.establishment, fn.COUNT(Habilitation.id))
                .where(Habilitation.establishment.in_(list(establishment_ids)))
                .group_by(Habilitation.establishment).tuples())


@dataclass
class Choice:
    """One establishment of the directory (or registered but gone from it) on the choice page."""
    siret: str
    address: str
    is_siege: bool
    is_active: bool
    registered: Establishment = None
    habilitations: int = 0


def establishment_choices(actor, company_id):
    """Every establishment of the company in the directory, siège and active ones first, with
    whether it is registered and how many habilitations it carries. Three queries."""
    company = get_company(actor, company_id)
    registered = {e.siret: e for e in Establishment.select().where(Establishment.company == company.id)}
    counts = habilitation_counts([e.id for e in registered.values()])
    choices = [Choice(d.siret, d.address, d.is_siege, d.is_active) for d in
               DE.select().where(DE.siren == company.siren).order_by(DE.is_siege.desc(), DE.siret)]
    known = {c.siret for c in choices}
    choices += [Choice(e.siret, e.address, e.is_siege, e.is_active) for e in registered.values()
                if e.siret not in known]
    for choice in choices:
        choice.registered = registered.get(choice.siret)
        choice.habilitations = counts.get(choice.registered.id, 0) if choice.registered else 0
    choices.sort(key=lambda c: (not c.is_siege, not c.is_active, c.siret))
    return company, choices


@dataclass
class EstablishmentsPlan:
    company: Company
    to_add: list  # SIRETs
    to_remove: list  # Establishment rows
    habilitations_removed: int

    @property
    def changes(self):
        return bool(self.to_add or self.to_remove)


def plan_establishments(actor, company_id, sirets):
    """What registering exactly `sirets` would do. Refuses a SIRET of another company, a closed
    establishment that is not registered yet, and a company left without any establishment."""
    company, choices = establishment_choices(actor, company_id)
    wanted = {s.strip() for s in sirets if s and s.strip()}
    by_siret = {c.siret: c for c in choices}
    if wanted - set(by_siret):
        raise Invalid({"sirets": "Un des établissements choisis n'appartient pas à cette entreprise."})
    if not wanted:
        raise Invalid({"sirets": "Gardez au moins un établissement : pour ne plus suivre l'entreprise, "
                                 "retirez-la du portefeuille."})
    to_add = sorted(s for s in wanted if not by_siret[s].registered)
    closed = [s for s in to_add if not by_siret[s].is_active]
    if closed:
        raise Invalid({"sirets": f"L'établissement {closed[0]} est fermé : il ne peut pas être inscrit."})
    to_remove = [c for c in choices if c.registered and c.siret not in wanted]
    return EstablishmentsPlan(company, to_add, [c.registered for c in to_remove],
                              sum(c.habilitations for c in to_remove))


def set_establishments(actor, company_id, sirets):
    """Register the ticked establishments (they get the company's declarations) and unregister
    the unticked ones with their habilitations, in one transaction."""
    plan = plan_establishments(actor, company_id, sirets)
    company = plan.company
    if not plan.changes:
        return plan
    with database.atomic():
        lock_firm(actor.firm_id)  # rights of unregistered establishments counted out once
        if plan.to_add:
            copy_establishments(company, plan.to_add)
            forget_removed(company, plan.to_add)
            new_ids = Establishment.select(Establishment.id).where(
                (Establishment.company == company.id) & Establishment.siret.in_(plan.to_add))
            inherit_company_declarations(company, [i for (i,) in new_ids.tuples()])
        if plan.to_remove:
            removed = [e.id for e in plan.to_remove]
            rights.rights_removed(actor, _habilitations_of(removed),
                                  f"établissement(s) de {company.name} désinscrit(s)")
            unregister_establishments(company, removed)
            remember_removed(company, [e.siret for e in plan.to_remove])
        audit.record(
            actor,
            "company.establishments",
            f"Établissements de {company.name} ({format_siren(company.siren)}) modifiés",
            obj=company,
            before={"désinscrits": [e.siret for e in plan.to_remove]},
            after={"inscrits": plan.to_add, "habilitations supprimées": plan.habilitations_removed},
        )
    return plan


@dataclass
class TransferPlan:
    company: Company
    target: Portfolio
    declarations_added: list
    habilitations_removed: int
    users_losing: list


def _habilitations_of(establishment_ids):
    return Habilitation.select(Habilitation.id).where(Habilitation.establishment.in_(establishment_ids))


def _company_establishments(company):
    return Establishment.select(Establishment.id).where(Establishment.company == company.id)


def plan_transfer(actor, company_id, target_id):
    """What moving the company to another portfolio of the firm does: the target's declarations
    it does not have yet are added; habilitations of people who are not déclarants of the target
    portfolio are removed (counted, with their names)."""
    company = get_company(actor, company_id)
    target_id = fields.record_id(target_id)
    if target_id is None:
        raise Invalid({"target": "Choisissez le portefeuille de destination."})
    target = get_portfolio(actor, target_id)
    if target.id == company.portfolio_id:
        raise Invalid({"target": "L'entreprise est déjà dans ce portefeuille : choisissez-en un autre."})
    have = CompanyDeclaration.select(CompanyDeclaration.declaration).where(
        CompanyDeclaration.company == company.id
    )
    added = list(Declaration.select().join(PortfolioDeclaration)
                 .where((PortfolioDeclaration.portfolio == target.id) & Declaration.id.not_in(have))
                 .order_by(Declaration.position))
    losing = _losing(company, target)
    counts = dict(
        losing.select(Habilitation.user, fn.COUNT(Habilitation.id)).group_by(Habilitation.user).tuples()
    )
    names = [u.full_name for u in User.select().where(User.id.in_(list(counts)))] if counts else []
    return TransferPlan(company, target, added, sum(counts.values()), sorted(names))


def _losing(company, target):
    staying = PortfolioDeclarant.select(PortfolioDeclarant.user).where(
        PortfolioDeclarant.portfolio == target.id
    )
    return Habilitation.select(Habilitation.id).where(
        Habilitation.establishment.in_(_company_establishments(company)) & Habilitation.user.not_in(staying))


def transfer_company(actor, company_id, target_id):
    """Move the company to another portfolio, in one transaction (see plan_transfer)."""
    plan = plan_transfer(actor, company_id, target_id)
    company, source = plan.company, plan.company.portfolio
    with database.atomic():
        lock_firm(actor.firm_id)  # the rights lost in the move counted out once
        rights.rights_removed(actor, _losing(company, plan.target),
                              f"{company.name} transférée vers le portefeuille « {plan.target.name} », dont "
                              "vous n'êtes pas déclarant")
        delete_habilitations(Habilitation.id.in_(_losing(company, plan.target)))
        move_company(company, plan.target.id)
        company.portfolio = plan.target
        inherit_portfolio_declarations(company)
        audit.record(actor, "company.transfer",
                     f"{company.name} ({format_siren(company.siren)}) transférée de « {source.name} » "
                     f"vers « {plan.target.name} »", obj=company,
                     before={"portefeuille": source.name},
                     after={"portefeuille": plan.target.name,
                            "déclarations ajoutées": [d.label for d in plan.declarations_added],
                            "habilitations supprimées": plan.habilitations_removed})
    return plan


@dataclass
class RemovalPlan:
    company: Company
    establishments: int
    habilitations: int
    declarations: int


def plan_removal(actor, company_id):
    """What removing the company from its portfolio deletes, counted."""
    company = get_company(actor, company_id)
    establishments = _company_establishments(company)
    return RemovalPlan(
        company, establishments.count(),
        Habilitation.select().where(Habilitation.establishment.in_(establishments)).count(),
        CompanyDeclaration.select().where(CompanyDeclaration.company == company.id).count(),
    )


def remove_company(actor, company_id):
    """Remove the company from the portfolio with its establishments and habilitations."""
    plan = plan_removal(actor, company_id)
    company = plan.company
    with database.atomic():
        lock_firm(actor.firm_id)  # its rights counted out once (see writes.delete_habilitations)
        audit.record(actor, "company.remove",
                     f"{company.name} ({format_siren(company.siren)}) retirée du portefeuille "
                     f"« {company.portfolio.name} »", obj=company,
                     before={"siren": company.siren, "raison sociale": company.name,
                             "portefeuille": company.portfolio.name, "établissements": plan.establishments,
                             "habilitations": plan.habilitations})
        rights.rights_removed(actor, _habilitations_of(_company_establishments(company)),
                              f"{company.name} retirée du portefeuille « {company.portfolio.name} »")
        delete_company(company)
    return plan

