"""Gérer les déclarations at scale: one portfolio of 60,000 establishments with ~1,000,000
habilitations (the data set of bench_tiles), five declarations selected at every level.

Prints the server time of: loading the portfolio's dual list; adding a declaration (applied to
600 companies and 60,000 establishments by INSERT … SELECT); previewing the removal of a
declaration (how many habilitations of how many déclarants); applying it (deleting its
establishment links and ~200,000 habilitations, with one journal row per habilitation); the
same at the company level (100 establishments).

    .venv/bin/python -m bench.bench_selections
    .venv/bin/python -m bench.bench_selections --database postgresql://…
"""
import time

from bench.bench_tiles import BENCH_SIRET, CODES, _insert, build
from bench.common import database_url, engine, parser, replace_firms
from db.database import database, is_postgres
from db.declarations import selections
from db.models import AuditEvent, Company, Declaration, Establishment, Firm, Habilitation, Portfolio, User
from db.models.accounts import ROLE_ADMIN
from tests.factories.database import prepare


def link_declarations(firm_id):
    """The five declarations selected for the portfolio, its companies and its establishments."""
    portfolio = Portfolio.get(Portfolio.firm == firm_id)
    ids = [Declaration.get(Declaration.code == c).id for c in CODES]
    with database.atomic():
        _insert("portfolio_declaration", ["portfolio_id", "declaration_id"], [(portfolio.id, d) for d in ids])
        companies = [c.id for c in Company.select(Company.id).where(Company.firm == firm_id)]
        _insert(
            "company_declaration", ["company_id", "declaration_id"], [(c, d) for c in companies for d in ids]
        )
        establishments = [
            e.id for e in Establishment.select(Establishment.id).where(Establishment.firm == firm_id)
        ]
        _insert("establishment_declaration", ["establishment_id", "declaration_id"],
                [(e, d) for e in establishments for d in ids])
    database.execute_sql("VACUUM ANALYZE" if is_postgres() else "ANALYZE")
    return portfolio


def once(label, function):
    start = time.perf_counter()
    result = function()
    print(f"  {label:<64} {(time.perf_counter() - start) * 1000:9.1f} ms")
    return result


def ids(*codes):
    return [str(Declaration.get(Declaration.code == c).id) for c in codes]


def main():
    url = database_url(parser(__doc__).parse_args())
    try:
        print(f"Base : {engine(url)}")
        prepare(url)
        replace_firms()
        start = time.perf_counter()
        build(60000, 200, 1_000_000)
        firm = Firm.get(Firm.siret == BENCH_SIRET)
        portfolio = link_declarations(firm.id)
        admin = User.get(User.firm == firm.id)
        User.update(role=ROLE_ADMIN).where(User.id == admin.id).execute()
        admin = User.get_by_id(admin.id)
        print(f"Jeu de données : 60000 établissements, {Habilitation.select().count()} habilitations "
              f"({time.perf_counter() - start:.1f} s de construction)")
        print("Portefeuille (600 entreprises, 60 000 établissements) :")
        once("liste double « Gérer les déclarations du portefeuille »",
             lambda: selections.load(admin, selections.PORTFOLIO, portfolio.id))
        once(
            "Valider : ajout de SOLTéA – Etablissements (60 600 lignes)",
            lambda: selections.submit(
                admin, selections.PORTFOLIO, portfolio.id, ids(*CODES, "SOLTEA_ETABLISSEMENTS")
            ),
        )
        keep = [c for c in CODES if c != "DSN"] + ["SOLTEA_ETABLISSEMENTS"]
        change = once("aperçu du retrait de DSN (décompte avant confirmation)",
                      lambda: selections.submit(admin, selections.PORTFOLIO, portfolio.id, ids(*keep)))
        print(f"    → {change.habilitations} habilitations de {change.declarants} déclarants, "
              f"{change.establishments} établissements")
        events = AuditEvent.select().count()
        once("Valider confirmé : retrait de DSN, habilitations et journal",
             lambda: selections.submit(admin, selections.PORTFOLIO, portfolio.id, ids(*keep), confirmed=True))
        print(f"    → {AuditEvent.select().count() - events} lignes de journal, "
              f"{Habilitation.select().count()} habilitations restantes")
        company = Company.select().where(Company.firm == firm.id).order_by(Company.id).first()
        keep = [c for c in keep if c != "TESE"]
        change = once(
            "entreprise de 100 établissements : retrait de TESE confirmé",
            lambda: selections.submit(admin, selections.COMPANY, company.id, ids(*keep), confirmed=True),
        )
        print(f"    → {change.habilitations} habilitations de {change.declarants} déclarants")
    finally:
        database.close()


if __name__ == "__main__":
    main()
