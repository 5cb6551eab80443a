"""The three levels declarations are selected at: portfolio, company, establishment.

Each level knows its link table, what the level above offers, which establishments lie under it,
and how to apply a selection or a removal to the levels below with set-based statements
(INSERT … SELECT … ON CONFLICT DO NOTHING, DELETE … WHERE … IN (subquery)).
"""
from db.identifiers import format_siret
from db.models import (
    Company,
    CompanyDeclaration,
    Declaration,
    Establishment,
    EstablishmentDeclaration,
    Firm,
    Portfolio,
    PortfolioDeclaration,
    cell_holders,
)

PORTFOLIO, COMPANY, ESTABLISHMENT, OWN = "portfolio", "company", "establishment", "own"


class _Level:
    name = ""
    model = None  # the level's own model
    link = None  # its link table to Declaration
    link_owner = None  # the link's foreign key to the level's object

    def target(self, actor, target_id):
        raise NotImplementedError

    def parent_ids(self, target):
        """Query of the declaration ids the level above offers."""
        raise NotImplementedError

    def establishments(self, target):
        """Query of the ids of the establishments under the level."""
        raise NotImplementedError

    def scope(self, target):
        """Condition on Establishment joined to its Company selecting the establishments under the
        level: joins estimate far better than IN (subquery) on PostgreSQL for big reads."""
        raise NotImplementedError

    def add_below(self, target, ids):
        """Apply newly selected declarations to the levels below."""

    def remove_below(self, target, ids):
        """Remove declarations from the levels below."""

    def noun(self, target):
        raise NotImplementedError

    def siret(self, target):
        return None


class _PortfolioLevel(_Level):
    name, model, link, link_owner = PORTFOLIO, Portfolio, PortfolioDeclaration, PortfolioDeclaration.portfolio

    def target(self, actor, target_id):
        return Portfolio.get_or_none((Portfolio.id == target_id) & (Portfolio.firm == actor.firm_id))

    def parent_ids(self, target):
        return Declaration.select(Declaration.id).where(Declaration.is_active)

    def companies(self, target):
        return Company.select(Company.id).where(Company.portfolio == target.id)

    def establishments(self, target):
        return Establishment.select(Establishment.id).where(Establishment.company.in_(self.companies(target)))

    def scope(self, target):
        return Company.portfolio == target.id

    def add_below(self, target, ids):
        pairs = (
            Company.select(Company.id, Declaration.id)
            .join(Declaration, on=Declaration.id.in_(ids))
            .where(Company.portfolio == target.id)
        )
        CompanyDeclaration.insert_from(
            pairs, [CompanyDeclaration.company, CompanyDeclaration.declaration]
        ).on_conflict_ignore().execute()
        _add_to_establishments(self.establishments(target), ids)

    def remove_below(self, target, ids):
        _remove_from_establishments(self.establishments(target), ids)
        CompanyDeclaration.delete().where(
            CompanyDeclaration.company.in_(self.companies(target)) & CompanyDeclaration.declaration.in_(ids)
        ).execute()

    def noun(self, target):
        return f"du portefeuille « {target.name} »"


class _LevelBelow(_Level):
    """A level under another one: its object is read with its parent's, and it offers the
    declarations selected for its parent."""

    parent = None  # the model of the level above
    parent_link = None  # that level's link table to Declaration
    parent_field = ""  # the foreign key to the level above, in the model and in parent_link alike

    def target(self, actor, target_id):
        return (
            self.model.select(self.model, self.parent)
            .join(self.parent)
            .where((self.model.id == target_id) & (self.model.firm == actor.firm_id))
            .first()
        )

    def parent_ids(self, target):
        owner = getattr(self.parent_link, self.parent_field)
        return self.parent_link.select(self.parent_link.declaration).where(
            owner == getattr(target, f"{self.parent_field}_id")
        )


class _CompanyLevel(_LevelBelow):
    name, model, link, link_owner = COMPANY, Company, CompanyDeclaration, CompanyDeclaration.company
    parent, parent_link, parent_field = Portfolio, PortfolioDeclaration, "portfolio"

    def establishments(self, target):
        return Establishment.select(Establishment.id).where(Establishment.company == target.id)

    def scope(self, target):
        return Establishment.company == target.id

    def add_below(self, target, ids):
        _add_to_establishments(self.establishments(target), ids)

    def remove_below(self, target, ids):
        _remove_from_establishments(self.establishments(target), ids)

    def noun(self, target):
        return f"de l'entreprise « {target.name} »"


class _OwnCompanyLevel(_CompanyLevel):
    """The firm itself, as a company of its portfolio ("Gérer les déclarations" of the Gestion menu):
    offered the whole catalogue, as at inscription; a declaration chosen here is added to its
    portfolio's list too (for this company only: the other clients keep theirs)."""

    name = OWN

    def target(self, actor, target_id):
        company = super().target(actor, target_id)
        firm = Firm.get_by_id(actor.firm_id)
        return company if company is not None and company.siren == firm.siret[:9] else None

    def parent_ids(self, target):
        return Declaration.select(Declaration.id).where(Declaration.is_active)

    def add_below(self, target, ids):
        PortfolioDeclaration.insert_many(
            [{"portfolio": target.portfolio_id, "declaration": i} for i in ids]
        ).on_conflict_ignore().execute()
        super().add_below(target, ids)

    def noun(self, target):
        return f"de votre entreprise « {target.name} »"


class _EstablishmentLevel(_LevelBelow):
    name, model = ESTABLISHMENT, Establishment
    link, link_owner = EstablishmentDeclaration, EstablishmentDeclaration.establishment
    parent, parent_link, parent_field = Company, CompanyDeclaration, "company"

    def establishments(self, target):
        return Establishment.select(Establishment.id).where(Establishment.id == target.id)

    def add_below(self, target, ids):  # the cells just linked may hold rights kept from before
        cell_holders.recount_cells((EstablishmentDeclaration.establishment == target.id)
                                   & EstablishmentDeclaration.declaration.in_(ids))

    def scope(self, target):
        return Establishment.id == target.id

    def noun(self, target):
        return f"de l'établissement {format_siret(target.siret)}"

    def siret(self, target):
        return target.siret


LEVELS = {level.name: level for level in (_PortfolioLevel(), _CompanyLevel(), _OwnCompanyLevel(),
                                          _EstablishmentLevel())}


def _add_to_establishments(establishments, ids):
    pairs = (
        Establishment.select(Establishment.id, Declaration.id)
        .join(Declaration, on=Declaration.id.in_(ids))
        .where(Establishment.id.in_(establishments))
    )
    EstablishmentDeclaration.insert_from(
        pairs, [EstablishmentDeclaration.establishment, EstablishmentDeclaration.declaration]
    ).on_conflict_ignore().execute()
    cell_holders.recount_cells(EstablishmentDeclaration.establishment.in_(establishments)
                               & EstablishmentDeclaration.declaration.in_(ids))


def _remove_from_establishments(establishments, ids):
    EstablishmentDeclaration.delete().where(
        EstablishmentDeclaration.establishment.in_(establishments)
        & EstablishmentDeclaration.declaration.in_(ids)
    ).execute()
