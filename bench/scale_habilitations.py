"""Scale dataset for the habilitation grid: engineer 4's scale firm (bench/scale_data.py: 5,000
companies / 60,000 establishments in one portfolio) extended with déclarants, services, a second
portfolio holding a company of 9,000 establishments with 20 déclarants, and about 1,000,000
habilitations, all written set-based (INSERT … SELECT).

    from bench.scale_habilitations import build_habilitation_scale
    scale = build_habilitation_scale()   # in the current database (migrated, catalogue loaded)

Run alone it builds the dataset and prints how long each step took:

    .venv/bin/python -m bench.scale_habilitations [--database URL] [--companies N] [--establishments N]
        [--declarants N]   (default: a temporary SQLite file, the sizes above)
"""
import datetime
import time
from dataclasses import dataclass, field

from peewee import Value

from bench.common import database_url
from bench.scale_data import build_and_report, build_scale_firm, prepare_database
from db import clock, counts, models
from db.accounts import passwords
from db.clients import composition
from db.database import database
from db.text import fold

CODES = ("DSN", "DPAE", "TESE", "DUCS", "SOLTEA_EMPLOYEURS")  # five services, three with Payer
BIG_PORTFOLIO = "GRAND COMPTE"


@dataclass
class HabilitationScale:
    firm: object
    admin: object
    declarants: list
    portfolio: object  # 5,000 companies / 60,000 establishments, every déclarant
    big_portfolio: object  # one company of 9,000 establishments, 20 déclarants
    big_company: object
    establishments: int = 0
    habilitations: int = 0
    timings: dict = field(default_factory=dict)

    @property
    def summary(self):
        return (f"{self.establishments} établissements, {len(self.declarants)} déclarants, "
                f"{self.habilitations} habilitations")


def build_habilitation_scale(companies=5000, establishments=60000, declarants=200, big_establishments=9000,
                             big_declarants=20, spread=20):
    """Build the dataset; each déclarant holds DSN (Déclarer and Payer) on 1/spread of the
    60,000 establishments, and half of the big company's déclarants hold every service there."""
    timings = {}
    start = time.perf_counter()
    scale = build_scale_firm(companies=companies, establishments=establishments, declarants=declarants,
                             declaration_codes=CODES, big_company_establishments=big_establishments)
    timings["scale firm (bench/scale_data.py)"] = time.perf_counter() - start

    start = time.perf_counter()
    with database.atomic():
        big = models.Portfolio.create(firm=scale.firm.id, name=BIG_PORTFOLIO, name_key=fold(BIG_PORTFOLIO))
        people = [scale.admin, *scale.declarants[:big_declarants - 1]]
        models.PortfolioDeclarant.insert_many([{"portfolio": big.id, "user": u.id} for u in people]).execute()
        codes = [d.id for d in models.Declaration.select().where(models.Declaration.code.in_(list(CODES)))]
        models.PortfolioDeclaration.insert_many(
            [{"portfolio": big.id, "declaration": d} for d in codes]
        ).execute()
    added = composition.add_company(scale.admin, big.id, scale.big_siren)  # the portal's own operation
    timings[f"company of {big_establishments} establishments"] = time.perf_counter() - start

    start = time.perf_counter()
    with database.atomic():
        _grant_spread(scale.portfolio.id, spread)
        _grant_big(big.id, [u.id for u in people[: len(people) // 2]])
        counts.recount(models.USER_DECLARATION_RIGHTS)  # the tiles' tally of the rights just written
        counts.recount(models.USER_DECLARATION_BOXES)  # the grid's tally of the boxes just written
        models.cell_holders.recount_cells(None)  # the Couverture's holders per cell
    timings["habilitations"] = time.perf_counter() - start
    database.execute_sql("ANALYZE")  # planner statistics, as a live database would have them
    count = models.Habilitation.select().count()
    total = models.Establishment.select().where(models.Establishment.firm == scale.firm.id).count()
    return HabilitationScale(scale.firm, scale.admin, scale.declarants, scale.portfolio, big, added.company,
                             total, count, timings)


def find_habilitation_scale(siret="73282932000074"):
    """The dataset a previous build left in the current database (--reuse), or None."""
    firm = models.Firm.get_or_none(models.Firm.siret == siret)
    big = firm and models.Portfolio.get_or_none((models.Portfolio.firm == firm.id)
                                                & (models.Portfolio.name == BIG_PORTFOLIO))
    if big is None:
        return None
    people = list(models.User.select().where(models.User.firm == firm.id).order_by(models.User.id))
    portfolio = models.Portfolio.get((models.Portfolio.firm == firm.id)
                                     & (models.Portfolio.name == "GRAND PORTEFEUILLE"))
    company = models.Company.get(models.Company.portfolio == big.id)
    total = models.Establishment.select().where(models.Establishment.firm == firm.id).count()
    return HabilitationScale(firm, people[0], people[1:], portfolio, big, company, total,
                             models.Habilitation.select().count())


def _grant_columns():
    return [
        models.Habilitation.user,
        models.Habilitation.establishment,
        models.Habilitation.declaration,
        models.Habilitation.declare,
        models.Habilitation.pay,
        models.Habilitation.granted_at,
        models.Habilitation.active_from,
        models.Habilitation.pay_granted_at,
        models.Habilitation.pay_active_from,
    ]


def _moments():
    granted = clock.now() - datetime.timedelta(days=3)
    return Value(granted), Value(granted + datetime.timedelta(hours=24))


def _modulo(column, n):
    # Integer division on both engines; peewee's % operator means LIKE.
    return column - (column / n) * n


def _grant_spread(portfolio_id, spread):
    """DSN, Déclarer and Payer, for each déclarant on the establishments whose id matches his modulo."""
    granted, active = _moments()
    dsn = models.Declaration.get(models.Declaration.code == "DSN").id
    rows = (
        models.EstablishmentDeclaration.select(
            models.PortfolioDeclarant.user,
            models.EstablishmentDeclaration.establishment,
            models.EstablishmentDeclaration.declaration,
            Value(True),
            Value(True),
            granted,
            active,
            granted,
            active,
        )
        .join(
            models.Establishment,
            on=(models.EstablishmentDeclaration.establishment == models.Establishment.id),
        )
        .join(models.Company, on=(models.Establishment.company == models.Company.id))
        .join(models.PortfolioDeclarant, on=(models.PortfolioDeclarant.portfolio == models.Company.portfolio))
        .where(
            (models.Company.portfolio == portfolio_id)
            & (models.EstablishmentDeclaration.declaration == dsn)
            & (_modulo(models.Establishment.id, spread) == _modulo(models.PortfolioDeclarant.user, spread))
        )
    )
    models.Habilitation.insert_from(rows, _grant_columns()).execute()


def _grant_big(portfolio_id, user_ids):
    """Every service (Payer where it applies) on every establishment of the big portfolio."""
    granted, active = _moments()
    rows = (
        models.EstablishmentDeclaration.select(
            models.PortfolioDeclarant.user,
            models.EstablishmentDeclaration.establishment,
            models.EstablishmentDeclaration.declaration,
            Value(True),
            models.Declaration.has_payment,
            granted,
            active,
            granted,
            active,
        )
        .join(models.Declaration, on=(models.EstablishmentDeclaration.declaration == models.Declaration.id))
        .join(
            models.Establishment,
            on=(models.EstablishmentDeclaration.establishment == models.Establishment.id),
        )
        .join(models.Company, on=(models.Establishment.company == models.Company.id))
        .join(models.PortfolioDeclarant, on=(models.PortfolioDeclarant.portfolio == models.Company.portfolio))
        .where((models.Company.portfolio == portfolio_id) & models.PortfolioDeclarant.user.in_(user_ids))
    )
    models.Habilitation.insert_from(rows, _grant_columns()).execute()


if __name__ == "__main__":
    build_and_report(__doc__, build_habilitation_scale, companies=5000, establishments=60000, declarants=200)


def habilitation_dataset(args):
    """(url, scale, seconds to build) for a benchmark's --database, --reuse and size options: the dataset
    a previous run left in --database when --reuse finds one there, else built (passwords at the tests'
    bcrypt cost, so that logging in costs what it costs in the tests)."""
    url = database_url(args)
    passwords.set_rounds(4)
    prepare_database(url)
    started = time.perf_counter()
    scale = (args.reuse and args.database and find_habilitation_scale()
             or build_habilitation_scale(args.companies, args.establishments, args.declarants))
    database.close()
    return url, scale, time.perf_counter() - started
