"""Scale dataset: a firm with thousands of client companies and tens of thousands of
establishments, built set-based in a few seconds. Reusable by every benchmark:

    from bench.scale_data import build_scale_firm
    scale = build_scale_firm(companies=5000, establishments=60000, declarants=20)
    scale.admin, scale.declarants, scale.portfolio, scale.big_siren ...

Synthetic directory rows (SIRENs 7xxxxxxxx with a valid key, addresses in Paris) are written to
the local directory first, then registered the way the portal registers a company: one
INSERT … SELECT from the directory for all establishments, then the declarations inherited from
the portfolio. Run alone it builds the firm in a database and prints how long each step took:

    .venv/bin/python -m bench.scale_data [--database URL] [--companies N] [--establishments N]
                                         [--declarants N]
        (default: a temporary SQLite file, 5,000 companies, 60,000 establishments, 10 déclarants)
"""
import time
from dataclasses import dataclass, field

from peewee import Value, chunked

from bench.common import database_url, logged_in_client, parser
from db import clock, counts, models, schema
from db.accounts import passwords
from db.accounts.firms import create_firm
from db.clients.writes import registered_columns
from db.database import database, init_database
from db.declarations import catalogue
from db.models.accounts import ROLE_DECLARANT
from db.text import fold
from tests.factories.directory import valid_siren

PASSWORD = "Bench-Portail-2026"
CHUNK = 1000
DE = models.DirectoryEstablishment


def siren_for(number, prefix="7"):
    """The number-th synthetic SIREN: prefix + 7 digits + Luhn key."""
    return valid_siren(f"{prefix}{number:07d}")


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

    @property
    def summary(self):
        return (f"Cabinet {self.firm.siret} : {self.company_count} entreprises, {self.establishment_count} "
                f"établissements, {len(self.declarants)} déclarants")


# Addresses of the synthetic establishments: 120 towns (one postcode each) and 8 streets, so that a
# search by town, postcode or street finds a few hundred establishments among 60,000, as it would in a
# real portfolio.
_TOWN_NAMES = ("PLERIN", "SAINT-BRIEUC", "LANNION", "GUINGAMP", "DINAN", "LAMBALLE", "PAIMPOL", "LOUDEAC",
               "RENNES", "VANNES", "QUIMPER", "BREST", "LORIENT", "NANTES", "ANGERS", "LE MANS", "LAVAL",
               "CAEN", "ROUEN", "LILLE", "AMIENS", "REIMS", "METZ", "NANCY", "DIJON", "BESANCON", "LYON",
               "GRENOBLE", "NICE", "MARSEILLE", "MONTPELLIER", "TOULOUSE", "BORDEAUX", "LIMOGES", "TOURS",
               "ORLEANS", "POITIERS", "CLERMONT-FERRAND", "PERPIGNAN", "PAU")
TOWNS = [(f"{22190 + 10 * i:05d}" if i < 8 else f"{(i * 7) % 90 + 1:02d}{(i * 131) % 900 + 100:03d}",
          f"{name}" if i < len(_TOWN_NAMES) else f"{name} {i // len(_TOWN_NAMES) + 1}")
         for i, name in enumerate(_TOWN_NAMES * 3)]
STREETS = [("RUE", "DE LA REPUBLIQUE"), ("AV", "JEAN JAURES"), ("BD", "VICTOR HUGO"), ("RUE", "DE LA VALLEE"),
           ("PL", "DU GENERAL DE GAULLE"), ("RUE", "PASTEUR"), ("CHE", "DES VIGNES"), ("ALL", "DES TILLEULS")]


def add_to_directory(sirens, per_company, prefix_name="SOCIETE"):
    """Units and their active establishments (siège = NIC 00012) in the local directory."""
    now = clock.now()
    units = [{"siren": s, "denomination": f"{prefix_name} {i:05d}", "etat": "A", "nic_siege": "00012",
              "imported_at": now} for i, s in enumerate(sirens)]
    for batch in chunked(units, CHUNK):
        models.DirectoryUnit.insert_many(batch).on_conflict_ignore().execute()

    def rows():
        for number, (s, count) in enumerate(zip(sirens, per_company, strict=True)):
            for n in range(count):
                nic = f"{12 + n * 10:05d}"  # only has to be unique: synthetic establishments
                postcode, town = TOWNS[(number + n) % len(TOWNS)]
                yield {"siret": s + nic, "siren": s, "nic": nic, "is_siege": n == 0, "etat": "A",
                       "numero": str(n % 200 + 1), "type_voie": STREETS[n % len(STREETS)][0],
                       "libelle_voie": STREETS[n % len(STREETS)][1], "code_postal": postcode, "commune": town,
                       "enseigne": f"AGENCE {town}" if n % 3 == 0 else None, "imported_at": now}

    for batch in chunked(rows(), CHUNK):
        models.DirectoryEstablishment.insert_many(batch).on_conflict_ignore().execute()


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
        add_to_directory(sirens, _spread(establishments, companies))
        if big:
            add_to_directory([big], [big_company_establishments], prefix_name="GRANDE ENTREPRISE")
    timings["directory"] = time.perf_counter() - start

    start = time.perf_counter()
    with database.atomic():
        firm, admin = create_firm(siret, "CABINET DE MESURE", "75011 PARIS",
                                  {"nom": "MESURE", "prenom": "Admin", "email": "admin@mesure.test",
                                   "email_validated_at": clock.now()}, PASSWORD)
        password_hash = passwords.hash_secret(PASSWORD)
        models.User.insert_many([{
            "firm": firm.id, "role": ROLE_DECLARANT, "nom": f"DECLARANT{i:03d}", "prenom": "Bench",
            "nom_key": f"declarant{i:03d}", "prenom_key": "bench", "email": f"d{i}@mesure.test",
            "password_hash": password_hash, "email_validated_at": clock.now(),
        } for i in range(declarants)]).execute()
        people = list(
            models.User.select()
            .where((models.User.firm == firm.id) & (models.User.role == ROLE_DECLARANT))
            .order_by(models.User.id)
        )
        portfolio = models.Portfolio.create(firm=firm.id, name=portfolio_name, name_key=fold(portfolio_name))
        models.PortfolioDeclarant.insert_many(
            [{"portfolio": portfolio.id, "user": u.id} for u in [admin, *people]]
        ).execute()
        codes = list(
            models.Declaration.select(models.Declaration.id)
            .where(models.Declaration.code.in_(list(declaration_codes)))
            .tuples()
        )
        models.PortfolioDeclaration.insert_many(
            [{"portfolio": portfolio.id, "declaration": d} for (d,) in codes]
        ).execute()
        for batch in chunked(
            (
                {
                    "firm": firm.id,
                    "portfolio": portfolio.id,
                    "siren": s,
                    "name": f"SOCIETE {i:05d}",
                    "added_at": clock.now(),
                }
                for i, s in enumerate(sirens)
            ),
            CHUNK,
        ):
            models.Company.insert_many(batch).execute()
    timings["firm and companies"] = time.perf_counter() - start

    start = time.perf_counter()
    with database.atomic():
        _register_all(firm.id, portfolio.id)
        # Written in bulk, past the portal's operations: the portfolio's maintained counts as they would.
        for counter in (models.PORTFOLIO_COMPANIES, models.PORTFOLIO_ESTABLISHMENTS):
            counts.recount(counter, models.Portfolio.id == portfolio.id)
    timings["establishments and declarations"] = time.perf_counter() - start
    count = models.Establishment.select().where(models.Establishment.firm == firm.id).count()
    return ScaleFirm(firm, admin, people, portfolio, companies, count, big, timings)


def _register_all(firm_id, portfolio_id):
    """Every company's active directory establishments, then the portfolio's declarations, in
    four INSERT … SELECT statements (what db/clients/writes.py does for one company)."""
    columns = registered_columns(models.Company.name)
    source = DE.select(
        Value(firm_id), models.Company.id, *(sql for _, sql in columns), Value(clock.now()),
    ).join(models.Company, on=((models.Company.siren == DE.siren) & (models.Company.firm == firm_id)))
    models.Establishment.insert_from(
        source,
        [models.Establishment.firm, models.Establishment.company, *(field for field, _ in columns),
         models.Establishment.registered_at],
    ).execute()
    models.CompanyDeclaration.insert_from(
        models.Company.select(models.Company.id, models.PortfolioDeclaration.declaration)
        .join(
            models.PortfolioDeclaration,
            on=(models.PortfolioDeclaration.portfolio == models.Company.portfolio),
        )
        .where(models.Company.portfolio == portfolio_id),
        [models.CompanyDeclaration.company, models.CompanyDeclaration.declaration],
    ).execute()
    models.EstablishmentDeclaration.insert_from(
        models.Establishment.select(models.Establishment.id, models.PortfolioDeclaration.declaration)
        .join(models.Company, on=(models.Establishment.company == models.Company.id))
        .join(
            models.PortfolioDeclaration,
            on=(models.PortfolioDeclaration.portfolio == models.Company.portfolio),
        )
        .where(models.Company.portfolio == portfolio_id),
        [models.EstablishmentDeclaration.establishment, models.EstablishmentDeclaration.declaration],
    ).execute()
    companies = models.Company.select(models.Company.id).where(models.Company.firm == firm_id)
    link = models.CompanyDeclaration
    for counter, where in ((models.COMPANY_ESTABLISHMENTS, models.Company.firm == firm_id),
                           (models.COMPANY_DECLARATION_ESTABLISHMENTS, link.company.in_(companies)),
                           (models.PORTFOLIO_COMPANIES, models.Portfolio.firm == firm_id),
                           (models.PORTFOLIO_ESTABLISHMENTS, models.Portfolio.firm == firm_id)):
        counts.recount(counter, where)


def scale_client(url, firm):
    """A test client logged in as the scale firm's administrator (MESURE Admin)."""
    return logged_in_client(url, firm.siret, "MESURE", "Admin", PASSWORD)


def prepare_database(url):
    """Point the models at url, migrate it and load the catalogue."""
    db = init_database(url)
    db.connect(reuse_if_open=True)
    schema.upgrade()
    catalogue.load_catalogue()
    return db


def build_from_arguments(doc, build, **sizes):
    """The command line of a benchmark on a scale dataset: --database, and one option per size
    (--companies… with the defaults given); migrates, builds with build(**sizes), closes the
    connection and says where. Returns (url, scale, seconds the build took)."""
    arguments = parser(doc)
    for name, default in sizes.items():
        arguments.add_argument(f"--{name}", type=int, default=default)
    args = arguments.parse_args()
    url = database_url(args)
    passwords.set_rounds(4)
    prepare_database(url)
    start = time.perf_counter()
    scale = build(**{name: getattr(args, name) for name in sizes})
    database.close()
    print(f"Base : {url.split('@')[-1]}")
    return url, scale, time.perf_counter() - start


def build_and_report(doc, build, **sizes):
    """A scale builder run alone: build, then print what and how long each step took."""
    _, scale, seconds = build_from_arguments(doc, build, **sizes)
    print(f"{scale.summary}, en {seconds:.1f} s")
    for step, step_seconds in scale.timings.items():
        print(f"  {step:<40} {step_seconds:6.2f} s")


if __name__ == "__main__":
    build_and_report(__doc__, build_scale_firm, companies=5000, establishments=60000, declarants=10)
