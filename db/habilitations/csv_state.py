"""What the check of a bulk file knows of the firm: its portfolios, people and catalogue, and the
companies, establishments, selected declarations and rights that the file's lines name, read in a
few set-based queries; then kept up to date, line after line, as if the checked lines were applied
(nothing is written).
"""

from dataclasses import dataclass

from peewee import JOIN, chunked, fn

from db.bulk import IDS_PER_QUERY
from db.clients.writes import active_in_directory
from db.database import database
from db.habilitations.csv_refs import fold
from db.identifiers import clean
from db.models import (
    Company,
    CompanyDeclaration,
    Declaration,
    DirectoryEstablishment,
    DirectoryUnit,
    Establishment,
    EstablishmentDeclaration,
    Firm,
    Habilitation,
    Portfolio,
    PortfolioDeclarant,
    PortfolioDeclaration,
    User,
)

DE = DirectoryEstablishment


@dataclass
class Client:
    """A company of the firm, or one a line of the file adds (id None)."""

    id: int
    siren: str
    portfolio: Portfolio
    name: str
    establishments: int  # registered now (after the lines checked so far)


def _chunks(values):
    return chunked(sorted(values), IDS_PER_QUERY)


def _pairs(link, owner, keys):
    """{(key of the owner, declaration id)} of a link table, for the owners of keys {id: key}."""
    pairs = set()
    for batch in _chunks(keys):
        rows = link.select(owner, link.declaration).where(owner.in_(batch)).tuples()
        pairs |= {(keys[o], d) for o, d in rows}
    return pairs


class FirmState:
    def __init__(self, actor, lines):
        self.firm = Firm.get_by_id(actor.firm_id)
        portfolios = list(Portfolio.select().where(Portfolio.firm == self.firm.id))
        self.portfolios = {p.name_key: p for p in portfolios}
        self.portfolio_by_id = {p.id: p for p in portfolios}
        self.catalogue = {}
        for d in Declaration.select().where(Declaration.is_active):
            for name in (d.code, d.label, d.display_name):
                self.catalogue.setdefault(fold(name), d)
        self.people = {
            (u.nom_key, u.prenom_key): u
            for u in User.select().where((User.firm == self.firm.id) & User.is_active)
        }
        self.members = set(
            PortfolioDeclarant.select(PortfolioDeclarant.portfolio, PortfolioDeclarant.user)
            .join(Portfolio)
            .where(Portfolio.firm == self.firm.id)
            .tuples()
        )
        self.portfolio_decls = set(
            PortfolioDeclaration.select(PortfolioDeclaration.portfolio, PortfolioDeclaration.declaration)
            .join(Portfolio)
            .where(Portfolio.firm == self.firm.id)
            .tuples()
        )
        sirets = {clean(line.get("siret")) for line in lines} - {""}
        sirens = {clean(line.get("siren")) for line in lines} | {s[:9] for s in sirets}
        sirens = {s for s in sirens if s.isascii() and s.isdigit() and len(s) == 9}
        self._load_clients(sirens)
        self._load_establishments(sirets)
        self._load_directory(sirens, sirets)
        self._load_rights(lines)

    def _load_clients(self, sirens):
        self.clients = {}
        for batch in _chunks(sirens):
            rows = (
                Company.select(
                    Company.id, Company.siren, Company.portfolio, Company.name, fn.COUNT(Establishment.id)
                )
                .join(Establishment, on=(Establishment.company == Company.id), join_type=JOIN.LEFT_OUTER)
                .where((Company.firm == self.firm.id) & Company.siren.in_(batch))
                .group_by(Company.id, Company.siren, Company.portfolio, Company.name)
                .tuples()
            )
            for company_id, siren, portfolio_id, name, count in rows:
                self.clients[siren] = Client(
                    company_id, siren, self.portfolio_by_id[portfolio_id], name, count
                )
        self.company_decls = _pairs(CompanyDeclaration, CompanyDeclaration.company,
                                    {c.id: c.siren for c in self.clients.values()})

    def _load_establishments(self, sirets):
        self.registered, self.establishment_ids = {}, {}
        for batch in _chunks(sirets):
            for e_id, siret in (
                Establishment.select(Establishment.id, Establishment.siret)
                .where((Establishment.firm == self.firm.id) & Establishment.siret.in_(batch))
                .tuples()
            ):
                self.registered[siret] = siret[:9]
                self.establishment_ids[siret] = e_id
        self.est_decls = _pairs(EstablishmentDeclaration, EstablishmentDeclaration.establishment,
                                {e: s for s, e in self.establishment_ids.items()})

    def _load_directory(self, sirens, sirets):
        self.units, self.directory, self.active_count = {}, {}, {}
        for batch in _chunks(sirens):
            for siren, denomination, nom, prenom, etat in (
                DirectoryUnit.select(
                    DirectoryUnit.siren,
                    DirectoryUnit.denomination,
                    DirectoryUnit.nom,
                    DirectoryUnit.prenom,
                    DirectoryUnit.etat,
                )
                .where(DirectoryUnit.siren.in_(batch))
                .tuples()
            ):
                name = denomination or " ".join(p for p in (nom, prenom) if p) or "[Non diffusible]"
                self.units[siren] = (name, etat != "C")
            self.active_count.update(
                DE.select(DE.siren, fn.COUNT(DE.siret))
                .where(DE.siren.in_(batch) & active_in_directory())
                .group_by(DE.siren)
                .tuples()
            )
        for batch in _chunks(sirets):
            for siret, siren, etat in (
                DE.select(DE.siret, DE.siren, DE.etat).where(DE.siret.in_(batch)).tuples()
            ):
                self.directory[siret] = (siren, etat != "F")

    def _load_rights(self, lines):
        """The rights of the people the file names, on the establishments it names (raw rows: a file
        may name ten thousand cells)."""
        named = {self.people.get((fold(line.get("nom")), fold(line.get("prenom")))) for line in lines}
        users = sorted(u.id for u in named if u is not None)
        self.rights = {}
        by_id = {e: s for s, e in self.establishment_ids.items()}
        if not users:
            return
        # Few people: their rows only; many: every row (the ids must fit the query's parameters).
        whose = Habilitation.user.in_(users) if len(users) <= 200 else True
        columns = (Habilitation.establishment, Habilitation.declaration, Habilitation.user,
                   Habilitation.declare, Habilitation.pay)
        for batch in _chunks(by_id):
            query = Habilitation.select(*columns).where(Habilitation.establishment.in_(batch) & whose)
            for e, d, u, declare, pay in database.execute(query).fetchall():
                self.rights[(by_id[e], d, u)] = (bool(declare), bool(pay))

    # What the lines checked so far change (the file's own effects on what later lines may do).

    def is_own(self, siren):
        return siren == self.firm.siret[:9]

    def sirets_of(self, siren):
        return [s for s, owner in self.registered.items() if owner == siren]

    def add_client(self, siren, portfolio):
        name, _ = self.units[siren]
        self.clients[siren] = Client(None, siren, portfolio, name, self.active_count.get(siren, 0))
        self.company_decls |= {(siren, d) for p, d in self.portfolio_decls if p == portfolio.id}
        for siret, (owner, active) in self.directory.items():
            if owner == siren and active:
                self.register(siret)

    def remove_client(self, siren):
        for siret in self.sirets_of(siren):
            self.unregister(siret)
        self.company_decls = {(s, d) for s, d in self.company_decls if s != siren}
        del self.clients[siren]

    def register(self, siret):
        siren = siret[:9]
        self.registered[siret] = siren
        self.est_decls |= {(siret, d) for s, d in self.company_decls if s == siren}

    def unregister(self, siret):
        del self.registered[siret]
        self.est_decls = {(s, d) for s, d in self.est_decls if s != siret}
        self.rights = {k: v for k, v in self.rights.items() if k[0] != siret}

    def select(self, level, key, declaration_id, selected):
        """Add (or remove) a declaration at a level; it reaches the levels below as the pages do."""
        sirens = (
            [c.siren for c in self.clients.values() if c.portfolio.id == key]
            if level == "portfolio"
            else [key]
            if level == "company"
            else []
        )
        sirets = [key] if level == "establishment" else [s for siren in sirens for s in self.sirets_of(siren)]
        change = set.add if selected else set.discard
        if level == "portfolio":
            change(self.portfolio_decls, (key, declaration_id))
        for siren in sirens:
            change(self.company_decls, (siren, declaration_id))
        for siret in sirets:
            change(self.est_decls, (siret, declaration_id))
        if not selected:
            self.rights = {
                k: v for k, v in self.rights.items() if not (k[0] in sirets and k[1] == declaration_id)
            }
