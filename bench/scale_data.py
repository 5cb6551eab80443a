"""Scale dataset: a firm with thousands of client companies and tens of thousands of
establishments, built set-based in a few seconds. Reusable by every benchmark:

    from bench.scale_data import build_scale_firm
    scale = build_scale_firm(companies=5000, establishments=60000, declarants=20)
    scale.admin, scale.declarants, scale.portfolio, scale.big_siren ...

Synthetic directory rows (SIRENs 7xxxxxxxx with a valid key, addresses in Paris) are written to
the local directory first, then registered the way the portal registers a company: one
INSERT … SELECT from the directory for all establishments, then the declarations inherited from
the portfolio. Run alone it builds the firm in a database and prints how long each step took:

    .venv/bin/python -m bench.scale_data [DATABASE_URL]   (default: a temporary SQLite file)
"""
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field

from peewee import Value, chunked
from stdnum import luhn

from db import clock, schema
from db.accounts import passwords
from db.accounts.firms import create_firm
from db.clients.writes import directory_address, directory_is_active, directory_name
from db.database import database, init_database
from db.declarations import catalogue
from db.models import (
    Company,
    CompanyDeclaration,
    Declaration,
    DirectoryEstablishment,
    DirectoryUnit,
    Establishment,
    EstablishmentDeclaration,
    Portfolio,
    PortfolioDeclarant,
    PortfolioDeclaration,
    User,
)
from db.models.accounts import ROLE_DECLARANT
from db.text import fold

PASSWORD = "Bench-Portail-2026"
CHUNK = 1000
DE = DirectoryEstablishment


def siren_for(number, prefix="7"):
    """The number-th synthetic SIREN: prefix + 7 digits + Luhn key."""
    base = f"{prefix}{number:07d}"
    return base + luhn.calc_check_digit(base)


@dataclass
class ScaleFirm:
    firm: object
    admin: object
    declarants: list
    portfolio: object
    company_count: int
    establishment_count: int
    big_siren: str = None  # in the directory only, for the "add a huge company" benchmark
    timings: dict = field(default_factory=dict)


def _directory(sirens, per_company, prefix_name="SOCIETE"):
    """Units and their active establishments (siège = NIC 00012) in the local directory."""
    now = clock.now()
    units = [{"siren": s, "denomination": f"{prefix_name} {i:05d}", "etat": "A", "nic_siege": "00012",
              "imported_at": now} for i, s in enumerate(sirens)]
    for batch in chunked(units, CHUNK):
        DirectoryUnit.insert_many(batch).on_conflict_ignore().execute()

    def rows():
        for s, count in zip(sirens, per_company, strict=True):
            for n in range(count):
                nic = f"{12 + n * 10:05d}"  # only has to be unique: synthetic establishments
                yield {"siret": s + nic, "siren": s, "nic": nic, "is_siege": n == 0, "etat": "A",
                       "numero": str(n % 200 + 1), "type_voie": "RUE", "libelle_voie": "DE LA REPUBLIQUE",
                       "code_postal": "75011", "commune": "PARIS", "imported_at": now}

    for batch in chunked(rows(), CHUNK):
        DirectoryEstablishment.insert_many(batch).on_conflict_ignore().execute()


def _spread(total, parts):
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def build_scale_firm(companies=5000, establishments=60000, declarants=10, siret="73282932000074",
                     portfolio_name="GRAND PORTEFEUILLE", declaration_codes=("DSN", "DPAE"),
                     big_company_establishments=9000, siren_prefix="7"):
    """Build (in the current database, migrated, catalogue loaded) a firm whose portfolio
    portfolio_name holds `companies` companies with `establishments` establishments in all,
    `declarants` déclarants (all in the portfolio), and, when big_company_establishments > 0, a
    company of that many active establishments known to the directory but not yet a client."""
    timings = {}
    start = time.perf_counter()
    sirens = [siren_for(i, siren_prefix) for i in range(companies)]
    big = siren_for(companies + 1, siren_prefix) if big_company_establishments else None
    with database.atomic():
        _directory(sirens, _spread(establishments, companies))
        if big:
            _directory([big], [big_company_establishments], prefix_name="GRANDE ENTREPRISE")
    timings["directory"] = time.perf_counter() - start

    start = time.perf_counter()
    with database.atomic():
        firm, admin = create_firm(siret, "CABINET DE MESURE", "75011 PARIS",
                                  {"nom": "MESURE", "prenom": "Admin", "email": "admin@mesure.test",
                                   "email_validated_at": clock.now()}, PASSWORD)
        password_hash = passwords.hash_secret(PASSWORD)
        User.insert_many([{
            "firm": firm.id, "role": ROLE_DECLARANT, "nom": f"DECLARANT{i:03d}", "prenom": "Bench",
            "nom_key": f"declarant{i:03d}", "prenom_key": "bench", "email": f"d{i}@mesure.test",
            "password_hash": password_hash, "email_validated_at": clock.now(),
        } for i in range(declarants)]).execute()
        people = list(User.select().where((User.firm == firm.id) & (User.role == ROLE_DECLARANT)).order_by(User.id))
        portfolio = Portfolio.create(firm=firm.id, name=portfolio_name, name_key=fold(portfolio_name))
        PortfolioDeclarant.insert_many([{"portfolio": portfolio.id, "user": u.id} for u in [admin, *people]]).execute()
        codes = list(Declaration.select(Declaration.id).where(Declaration.code.in_(list(declaration_codes))).tuples())
        PortfolioDeclaration.insert_many([{"portfolio": portfolio.id, "declaration": d} for (d,) in codes]).execute()
        for batch in chunked(({"firm": firm.id, "portfolio": portfolio.id, "siren": s, "name": f"SOCIETE {i:05d}",
                               "added_at": clock.now()} for i, s in enumerate(sirens)), CHUNK):
            Company.insert_many(batch).execute()
    timings["firm and companies"] = time.perf_counter() - start

    start = time.perf_counter()
    with database.atomic():
        _register_all(firm.id, portfolio.id)
    timings["establishments and declarations"] = time.perf_counter() - start
    count = Establishment.select().where(Establishment.firm == firm.id).count()
    return ScaleFirm(firm, admin, people, portfolio, companies, count, big, timings)


def _register_all(firm_id, portfolio_id):
    """Every company's active directory establishments, then the portfolio's declarations, in
    four INSERT … SELECT statements (what db/clients.py does for one company)."""
    source = (DE.select(Value(firm_id), Company.id, DE.siret, directory_name(), directory_address(), DE.is_siege,
                        directory_is_active(), Value(clock.now()))
              .join(Company, on=((Company.siren == DE.siren) & (Company.firm == firm_id))))
    Establishment.insert_from(source, [
        Establishment.firm, Establishment.company, Establishment.siret, Establishment.name, Establishment.address,
        Establishment.is_siege, Establishment.is_active, Establishment.registered_at]).execute()
    CompanyDeclaration.insert_from(
        Company.select(Company.id, PortfolioDeclaration.declaration)
        .join(PortfolioDeclaration, on=(PortfolioDeclaration.portfolio == Company.portfolio))
        .where(Company.portfolio == portfolio_id),
        [CompanyDeclaration.company, CompanyDeclaration.declaration]).execute()
    EstablishmentDeclaration.insert_from(
        Establishment.select(Establishment.id, PortfolioDeclaration.declaration)
        .join(Company, on=(Establishment.company == Company.id))
        .join(PortfolioDeclaration, on=(PortfolioDeclaration.portfolio == Company.portfolio))
        .where(Company.portfolio == portfolio_id),
        [EstablishmentDeclaration.establishment, EstablishmentDeclaration.declaration]).execute()


def prepare_database(url):
    """Point the models at url, migrate it and load the catalogue."""
    db = init_database(url)
    db.connect(reuse_if_open=True)
    schema.upgrade()
    catalogue.load_catalogue()
    return db


def main():
    passwords.set_rounds(4)
    url = sys.argv[1] if len(sys.argv) > 1 else "sqlite:///" + os.path.join(tempfile.mkdtemp(), "scale.sqlite3")
    prepare_database(url)
    start = time.perf_counter()
    scale = build_scale_firm()
    print(f"Base : {url}")
    print(f"Cabinet {scale.firm.siret} : {scale.company_count} entreprises, {scale.establishment_count} "
          f"établissements, {len(scale.declarants)} déclarants, en {time.perf_counter() - start:.1f} s")
    for step, seconds in scale.timings.items():
        print(f"  {step:<35} {seconds:6.2f} s")


if __name__ == "__main__":
    main()
