"""Composer le portefeuille (db/clients/composition.py, composition_page.py): the list, and Ajouter une
entreprise with every refusal writing nothing, one SIREN or several."""
import pytest

from db import clock
from db.clients import composition, composition_page, portfolios
from db.clients.writes import directory_address
from db.database import is_postgres
from db.errors import Invalid
from db.models import (
    AuditEvent,
    Company,
    CompanyDeclaration,
    Declaration,
    DirectoryEstablishment,
    Establishment,
    EstablishmentDeclaration,
    Portfolio,
    PortfolioDeclaration,
)
from tests.factories.clients import snapshot
from tests.factories.directory import (
    AUBADE,
    CEASED,
    DANONE,
    LA_POSTE,
    NO_ACTIVE,
    UNKNOWN,
    add_fake_company,
    valid_siren,
)
from tests.factories.queries import count_queries
from tests.factories.races import meanwhile


@pytest.fixture
def clients(admin):
    """A new portfolio "CLIENTS" with the DSN and SOLTéA – Employeurs selected."""
    portfolio = portfolios.create_portfolio(admin, "CLIENTS", "", [str(admin.id)])
    PortfolioDeclaration.insert_many([
        {"portfolio": portfolio.id, "declaration": Declaration.get(Declaration.code == code).id}
        for code in ("DSN", "SOLTEA_EMPLOYEURS")
    ]).execute()
    return portfolio


def test_la_poste_comes_with_its_1282_active_establishments_siege_first(admin, clients):
    added = composition.add_company(admin, clients.id, "356 000 000")
    assert (added.company.name, added.establishments) == ("LA POSTE", 1282)
    registered = Establishment.select().where(Establishment.company == added.company.id)
    assert registered.count() == 1282
    assert not registered.where(~Establishment.is_active).exists()
    first = registered.order_by(Establishment.is_siege.desc(), Establishment.siret).first()
    assert first.is_siege and first.siret == "35600000000048"
    assert first.address == "DIRECTION GENERALE DE LA POSTE 9 RUE DU COLONEL PIERRE AVIA 75015 PARIS"


def test_added_company_inherits_the_portfolio_declarations(admin, clients):
    added = composition.add_company(admin, clients.id, AUBADE)
    codes = {
        d.declaration.code
        for d in CompanyDeclaration.select().where(CompanyDeclaration.company == added.company.id)
    }
    assert codes == {"DSN", "SOLTEA_EMPLOYEURS"}
    links = (
        EstablishmentDeclaration.select().join(Establishment).where(Establishment.company == added.company.id)
    )
    assert links.count() == 2 * 2


def test_adding_writes_an_audit_event(admin, clients):
    added = composition.add_company(admin, clients.id, AUBADE)
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    assert (event.action, event.object_id, event.actor_id) == ("company.add", str(added.company.id), admin.id)
    assert (
        event.summary == "AUBADE PARIS (775 695 901) ajoutée au portefeuille « CLIENTS » : 2 établissement(s)"
    )


@pytest.mark.parametrize(
    "typed, message",
    [
        ("", "Ce champ est obligatoire."),
        ("35600000", "Le SIREN doit comporter 9 chiffres (8 saisis)."),
        ("3560000001", "Le SIREN doit comporter 9 chiffres (10 saisis)."),
        ("35600000A", "Le SIREN ne doit comporter que des chiffres."),
        ("356000001", "Numéro SIREN invalide (clé de contrôle)."),
        (UNKNOWN, "Le SIREN 732 829 320 est inconnu du référentiel Sirene."),
        (
            CEASED,
            "L'entreprise 839 517 323 (RED NEEDLES) est cessée d'après le référentiel Sirene : "
            "elle ne peut pas être ajoutée.",
        ),
        (
            NO_ACTIVE,
            "L'entreprise 338 403 827 (LA POSTE) n'a aucun établissement actif dans le référentiel Sirene.",
        ),
    ],
)
def test_refusals_have_their_own_message_and_write_nothing(admin, clients, typed, message):
    before = snapshot()
    with pytest.raises(Invalid) as refused:
        composition.add_company(admin, clients.id, typed)
    assert refused.value.errors == {"siren": message}
    assert snapshot() == before


def test_already_in_this_portfolio(admin, clients):
    composition.add_company(admin, clients.id, AUBADE)
    before = snapshot()
    with pytest.raises(Invalid) as refused:
        composition.add_company(admin, clients.id, "775 695 901")
    assert (
        refused.value.errors["siren"]
        == "L'entreprise 775 695 901 (AUBADE PARIS) est déjà dans ce portefeuille."
    )
    assert snapshot() == before


def test_already_in_another_portfolio_names_it(admin, clients):
    before = snapshot()
    with pytest.raises(composition.InOtherPortfolio) as refused:
        composition.add_company(admin, clients.id, DANONE)
    assert refused.value.portfolio.name == "Portefeuille par défaut"
    assert refused.value.company.siren == DANONE
    assert "« Portefeuille par défaut »" in refused.value.errors["siren"]
    assert snapshot() == before


def test_list_filters_pages_and_types(admin, clients):
    composition.add_company(admin, clients.id, LA_POSTE)
    composition.add_company(admin, clients.id, AUBADE)
    composition.add_company(admin, clients.id, "102476066")  # AGA, one establishment
    _, page = composition_page.list_companies(admin, clients.id)
    assert [(r.name, r.kind, r.establishments) for r in page.rows] == [
        ("AGA", "Mono-établissement", 1), ("AUBADE PARIS", "Multi-établissement", 2),
        ("LA POSTE", "Multi-établissement", 1282)]
    assert [r.name for r in composition_page.list_companies(admin, clients.id, "poste")[1].rows] == [
        "LA POSTE"
    ]
    assert [r.name for r in composition_page.list_companies(admin, clients.id, "775 695")[1].rows] == [
        "AUBADE PARIS"
    ]


def test_pagination_of_a_big_portfolio(admin, clients):
    for i in range(composition_page.PAGE_SIZE + 5):
        add_fake_company(valid_siren(f"9{i:07d}"), 1, admin.firm, clients)
    _, first = composition_page.list_companies(admin, clients.id)
    _, last = composition_page.list_companies(admin, clients.id, page=99)
    assert (first.total, first.pages, len(first.rows)) == (55, 2, 50)
    assert (last.page, len(last.rows)) == (2, 5)
    every = (Company.select(Company.name).where(Company.portfolio == clients.id)
             .order_by(Company.name, Company.siren))
    assert [r.name for r in first.rows + last.rows] == [c.name for c in every]  # page 1's own statement


@pytest.mark.parametrize("db_engine", ["postgresql"], indirect=True)
def test_the_first_page_is_planned_once_per_connection(admin, clients):
    """PostgreSQL plans page 1's prepared statement once (its generic plan), not on every EXECUTE: its
    page size is in the SQL, it has no OFFSET (with LIMIT and OFFSET as parameters the generic plan was
    costed for 10 % of the portfolio and never chosen)."""
    from db.database import database

    for i in range(composition_page.PAGE_SIZE + 5):
        add_fake_company(valid_siren(f"9{i:07d}"), 1, admin.firm, clients)
    for _ in range(8):  # PostgreSQL makes five custom plans before it compares them with the generic one
        assert len(composition_page.list_companies(admin, clients.id)[1].rows) == composition_page.PAGE_SIZE
    (generic,) = database.execute_sql(
        "SELECT generic_plans FROM pg_prepared_statements WHERE statement LIKE %s AND statement LIKE %s",
        ('%"company"%', f"%LIMIT {composition_page.PAGE_SIZE})%")).fetchone()
    assert generic >= 3


def test_adding_uses_the_same_number_of_queries_for_2_or_3000_establishments(admin, clients):
    small, big = valid_siren("91000000"), valid_siren("92000000")
    add_fake_company(small, 2)
    add_fake_company(big, 3000)
    with count_queries() as few:
        composition.add_company(admin, clients.id, small)
    with count_queries() as many:
        assert composition.add_company(admin, clients.id, big).establishments == 3000
    # 4 of them: the Couverture's gaps per company and portfolio, 2 rights; on SQLite 2 more, the
    # temporary table their cells are read into once (cell_holders.recount_companies)
    assert few() == many() <= (19 if is_postgres() else 21)


def test_sql_address_is_the_directory_address_for_every_sample_row(db_engine):
    rows = DirectoryEstablishment.select(DirectoryEstablishment, directory_address().alias("sql_address"))
    mismatches = [(r.siret, r.address, r.sql_address) for r in rows if r.address != r.sql_address]
    assert rows.count() > 1800 and mismatches == []


def test_bulk_add_reports_each_line_and_the_whole(admin, clients):
    result = composition.add_companies(admin, clients.id, [
        "775 695 901", "", "356000001", DANONE, "102476066", "775695901", CEASED])
    assert [(line.number, line.ok) for line in result.lines] == [
        (1, True), (3, False), (4, False), (5, True), (6, False), (7, False)]
    assert result.lines[0].message == "2 établissement(s)"
    assert result.lines[1].message == "Numéro SIREN invalide (clé de contrôle)."
    assert "« Portefeuille par défaut »" in result.lines[2].message
    assert result.lines[4].message == "SIREN déjà présent ligne 1 de cette liste."
    assert "cessée" in result.lines[5].message
    assert result.status == "OK partiel"
    assert AuditEvent.select().where(AuditEvent.action == "company.add").count() >= 2
    assert composition.add_companies(admin, clients.id, ["552032534"]).status == "KO"


def test_bulk_add_all_ok_and_limits(admin, clients):
    assert composition.add_companies(admin, clients.id, [AUBADE, "102476066"]).status == "OK"
    with pytest.raises(Invalid):
        composition.add_companies(admin, clients.id, ["", "  "])
    with pytest.raises(Invalid, match="1000 lignes au plus"):
        composition.add_companies(admin, clients.id, ["1"] * 1001)


def test_default_portfolio_companies(admin):
    default = Portfolio.get(Portfolio.is_default)
    _, page = composition_page.list_companies(admin, default.id)
    assert {r.siren for r in page.rows} == {DANONE, "414971929"}


@pytest.mark.parametrize("db_engine", ["postgresql"], indirect=True)
def test_the_same_siren_added_at_the_same_moment_gets_the_sequential_refusal(admin, clients):
    other = Company.insert(firm=admin.firm_id, portfolio=clients.id, siren="775695901", name="AUBADE PARIS",
                           added_at=clock.now())
    outcome = meanwhile(other, lambda: composition.add_company(admin, clients.id, "775 695 901"))
    assert outcome["error"].errors == {
        "siren": "L'entreprise 775 695 901 (AUBADE PARIS) est déjà dans ce portefeuille."}
    outcome = meanwhile(
        Company.insert(firm=admin.firm_id, portfolio=clients.id, siren="356000000", name="LA POSTE",
                       added_at=clock.now()),
        lambda: composition.add_companies(admin, clients.id, ["356 000 000"]))
    [line] = outcome["value"].lines
    assert not line.ok
    assert line.message == "L'entreprise 356 000 000 (LA POSTE) est déjà dans ce portefeuille."
