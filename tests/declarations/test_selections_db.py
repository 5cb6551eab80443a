"""Declarations at three levels (db/declarations/selections.py), on SQLite and PostgreSQL."""
import json

import pytest

from db.clients.writes import inherit_portfolio_declarations
from db.declarations import selections
from db.errors import Forbidden, Invalid, NotFound
from db.models import (
    AuditEvent,
    CompanyDeclaration,
    EstablishmentDeclaration,
    Habilitation,
    PortfolioDeclaration,
)
from tests.factories.clients import make_company, make_portfolio
from tests.factories.declarations import declaration, selected_codes
from tests.factories.firms import make_firm
from tests.factories.habilitations import grant
from tests.factories.queries import count_queries


@pytest.fixture
def firm(db_engine):
    """A firm with a portfolio of two companies (2 and 3 establishments) selecting DSN and DPAE,
    another portfolio, and a déclarant holding DSN on every establishment of the first one."""
    firm, admin, [declarant] = make_firm()
    portfolio = make_portfolio(firm, "CLIENTS", ["DSN", "DPAE"])
    other = make_portfolio(firm, "AUTRES", ["DSN"])
    first = make_company(firm, portfolio, "111111118", 2)
    second = make_company(firm, portfolio, "222222226", 3)
    elsewhere = make_company(firm, other, "333333334", 1)
    grant(declarant, list(first.establishments) + list(second.establishments), "DSN", pay=True)
    grant(declarant, elsewhere.establishments, "DSN")
    return {"firm": firm, "admin": admin, "declarant": declarant, "portfolio": portfolio, "other": other,
            "first": first, "second": second, "elsewhere": elsewhere}


def ids(*codes):
    return [str(declaration(c).id) for c in codes]


def establishment_codes(company):
    return {e.siret: selected_codes(EstablishmentDeclaration, EstablishmentDeclaration.establishment, e.id)
            for e in company.establishments}


def test_portfolio_offers_the_catalogue_with_its_selection(firm):
    selection = selections.load(firm["admin"], selections.PORTFOLIO, firm["portfolio"].id)
    codes = {d.code for d in selection.options}
    assert {"SOLTEA_EMPLOYEURS", "DSN", "TESE"} <= codes
    assert {d.code for d in selection.chosen()} == {"DSN", "DPAE"}
    labels = dict(selection.pairs()).values()
    assert ("SOLTéA – Employeurs - Répartir le solde de la taxe d'apprentissage aux formations et "
            "établissements habilités") in labels


def test_selecting_at_the_portfolio_applies_to_every_company_and_establishment(firm):
    change = selections.submit(firm["admin"], selections.PORTFOLIO, firm["portfolio"].id,
                               ids("DSN", "DPAE", "SOLTEA_EMPLOYEURS"))
    assert change.applied and [d.code for d in change.added] == ["SOLTEA_EMPLOYEURS"]
    for company in (firm["first"], firm["second"]):
        assert "SOLTEA_EMPLOYEURS" in selected_codes(
            CompanyDeclaration, CompanyDeclaration.company, company.id
        )
        assert all("SOLTEA_EMPLOYEURS" in codes for codes in establishment_codes(company).values())
    assert "SOLTEA_EMPLOYEURS" not in selected_codes(CompanyDeclaration, CompanyDeclaration.company,
                                                     firm["elsewhere"].id)


def test_a_client_added_later_inherits_the_portfolio_declarations(firm):
    selections.submit(
        firm["admin"], selections.PORTFOLIO, firm["portfolio"].id, ids("DSN", "DPAE", "SOLTEA_EMPLOYEURS")
    )
    late = make_company(firm["firm"], firm["portfolio"], "444444442", 2, codes=[])
    inherit_portfolio_declarations(late)
    assert selected_codes(CompanyDeclaration, CompanyDeclaration.company, late.id) == [
        "DPAE",
        "DSN",
        "SOLTEA_EMPLOYEURS",
    ]
    assert all(codes == ["DPAE", "DSN", "SOLTEA_EMPLOYEURS"] for codes in establishment_codes(late).values())


def test_selecting_again_where_a_company_already_has_it_writes_no_duplicate(firm):
    # The company kept TESE from an earlier portfolio: selecting TESE for the portfolio must not fail.
    CompanyDeclaration.create(company=firm["first"], declaration=declaration("TESE"))
    EstablishmentDeclaration.create(
        establishment=firm["first"].establishments[0], declaration=declaration("TESE")
    )
    change = selections.submit(
        firm["admin"], selections.PORTFOLIO, firm["portfolio"].id, ids("DSN", "DPAE", "TESE")
    )
    assert change.applied
    assert (
        CompanyDeclaration.select().where(CompanyDeclaration.declaration == declaration("TESE").id).count()
        == 2
    )
    assert EstablishmentDeclaration.select().where(
        EstablishmentDeclaration.declaration == declaration("TESE").id).count() == 5


def test_removal_is_previewed_with_what_goes_and_nothing_changes(firm):
    change = selections.submit(firm["admin"], selections.PORTFOLIO, firm["portfolio"].id, ids("DPAE"))
    assert change.needs_confirmation and not change.applied
    assert [d.code for d in change.removed] == ["DSN"]
    assert (change.habilitations, change.declarants, change.establishments) == (5, 1, 5)
    assert Habilitation.select().count() == 6
    assert selected_codes(PortfolioDeclaration, PortfolioDeclaration.portfolio, firm["portfolio"].id) == [
        "DPAE",
        "DSN",
    ]
    assert AuditEvent.select().count() == 0


def test_confirmed_removal_removes_below_with_the_habilitations_and_writes_the_journal(firm):
    change = selections.submit(
        firm["admin"], selections.PORTFOLIO, firm["portfolio"].id, ids("DPAE"), confirmed=True
    )
    assert change.applied
    assert selected_codes(PortfolioDeclaration, PortfolioDeclaration.portfolio, firm["portfolio"].id) == [
        "DPAE"
    ]
    for company in (firm["first"], firm["second"]):
        assert selected_codes(CompanyDeclaration, CompanyDeclaration.company, company.id) == ["DPAE"]
        assert all(codes == ["DPAE"] for codes in establishment_codes(company).values())
    # The other portfolio keeps its DSN and its habilitation.
    assert selected_codes(CompanyDeclaration, CompanyDeclaration.company, firm["elsewhere"].id) == ["DSN"]
    assert [h.establishment.company_id for h in Habilitation.select()] == [firm["elsewhere"].id]
    events = list(AuditEvent.select().order_by(AuditEvent.id))
    assert [e.action for e in events].count("habilitation.remove") == 5
    assert all(e.firm_id == firm["firm"].id and e.actor_id == firm["admin"].id for e in events)
    removal = [e for e in events if e.action == "declaration.unselect"]
    assert len(removal) == 1 and removal[0].declaration_code == "DSN"
    assert "retirée des déclarations du portefeuille « CLIENTS »" in removal[0].summary
    hab = next(e for e in events if e.action == "habilitation.remove" and e.siret == "11111111800001")
    assert hab.summary == ("Habilitation de DECLA Autre pour « DSN » sur 111 111 118 00001 supprimée : "
                           "déclaration retirée du portefeuille « CLIENTS »")
    assert json.loads(hab.before) == {"declare": True, "pay": True} and hab.after is None
    assert hab.declaration_code == "DSN" and hab.actor_name == "ADMIN Autre" and hab.at == removal[0].at


def test_removing_at_the_company_keeps_the_portfolio_and_the_other_company(firm):
    change = selections.submit(
        firm["admin"], selections.COMPANY, firm["first"].id, ids("DPAE"), confirmed=True
    )
    assert change.applied and change.habilitations == 2
    assert selected_codes(PortfolioDeclaration, PortfolioDeclaration.portfolio, firm["portfolio"].id) == [
        "DPAE",
        "DSN",
    ]
    assert all(codes == ["DPAE"] for codes in establishment_codes(firm["first"]).values())
    assert all(codes == ["DPAE", "DSN"] for codes in establishment_codes(firm["second"]).values())
    assert Habilitation.select().count() == 4


def test_company_chooses_among_the_portfolio_declarations_only(firm):
    selection = selections.load(firm["admin"], selections.COMPANY, firm["first"].id)
    assert {d.code for d in selection.options} == {"DSN", "DPAE"}
    with pytest.raises(Invalid) as error:
        selections.submit(firm["admin"], selections.COMPANY, firm["first"].id, ids("DSN", "DPAE", "TESE"))
    assert "TESE" in error.value.errors["declarations"]
    assert selected_codes(CompanyDeclaration, CompanyDeclaration.company, firm["first"].id) == ["DPAE", "DSN"]


def test_establishment_chooses_among_the_company_declarations_only(firm):
    first, second = firm["first"].establishments[:2]
    selections.submit(firm["admin"], selections.COMPANY, firm["first"].id, ids("DSN"), confirmed=True)
    selection = selections.load(firm["admin"], selections.ESTABLISHMENT, first.id)
    assert {d.code for d in selection.options} == {"DSN"}
    with pytest.raises(Invalid):
        selections.submit(firm["admin"], selections.ESTABLISHMENT, first.id, ids("DSN", "DPAE"))
    change = selections.submit(firm["admin"], selections.ESTABLISHMENT, first.id, [], confirmed=True)
    assert change.applied and change.habilitations == 1
    assert selected_codes(EstablishmentDeclaration, EstablishmentDeclaration.establishment, first.id) == []
    assert selected_codes(EstablishmentDeclaration, EstablishmentDeclaration.establishment, second.id) == [
        "DSN"
    ]
    event = AuditEvent.get(
        AuditEvent.action == "declaration.unselect", AuditEvent.object_type == "Establishment"
    )
    assert event.siret == first.siret


def test_a_declaration_kept_at_a_level_stays_offered_even_if_the_parent_dropped_it(firm):
    CompanyDeclaration.create(company=firm["first"], declaration=declaration("TESE"))
    selection = selections.load(firm["admin"], selections.COMPANY, firm["first"].id)
    assert "TESE" in {d.code for d in selection.options}
    change = selections.submit(
        firm["admin"], selections.COMPANY, firm["first"].id, ids("DSN", "DPAE", "TESE")
    )
    assert not change.applied and not change.added and not change.removed


@pytest.mark.parametrize("posted", [["abc"], ["999999"], ["-1"]])
def test_unknown_declaration_ids_are_not_found(firm, posted):
    with pytest.raises(NotFound):
        selections.submit(firm["admin"], selections.PORTFOLIO, firm["portfolio"].id, posted)
    assert PortfolioDeclaration.select().count() == 3


@pytest.mark.parametrize("level, key", [
    (selections.PORTFOLIO, "portfolio"), (selections.COMPANY, "first"), (selections.ESTABLISHMENT, "first"),
])
def test_another_firm_cannot_read_or_change_a_level(firm, level, key):
    _, stranger, _ = make_firm("98765432100014", "CABINET TIERS")
    target = firm[key].establishments[0] if level == selections.ESTABLISHMENT else firm[key]
    with pytest.raises(NotFound):
        selections.load(stranger, level, target.id)
    with pytest.raises(NotFound):
        selections.submit(stranger, level, target.id, [], confirmed=True)
    assert Habilitation.select().count() == 6


def test_a_declarant_is_forbidden(firm):
    with pytest.raises(Forbidden):
        selections.load(firm["declarant"], selections.PORTFOLIO, firm["portfolio"].id)
    with pytest.raises(Forbidden):
        selections.submit(firm["declarant"], selections.PORTFOLIO, firm["portfolio"].id, [], confirmed=True)


def test_nothing_changed_writes_nothing(firm):
    change = selections.submit(firm["admin"], selections.PORTFOLIO, firm["portfolio"].id, ids("DPAE", "DSN"))
    assert not change.applied and not change.needs_confirmation
    assert AuditEvent.select().count() == 0


def test_writes_are_set_based(firm):
    """The statements of a Valider do not grow with the number of companies and establishments
    (only the journal's batched rows do, one INSERT per 200 removed habilitations)."""
    big = make_portfolio(firm["firm"], "GROS", ["DSN", "DPAE"])
    for n in range(6):
        make_company(firm["firm"], big, f"5555555{n}0", 40)

    def statements(portfolio, codes, confirmed=False):
        with count_queries() as n:
            selections.submit(firm["admin"], selections.PORTFOLIO, portfolio.id, ids(*codes), confirmed)
        return n()

    assert statements(big, ["DSN", "DPAE", "TESE"]) == statements(firm["portfolio"], ["DSN", "DPAE", "TESE"])
    assert statements(big, ["DSN"], True) == statements(firm["portfolio"], ["DSN"], True)


def test_company_establishments_lists_with_counts_search_and_pages(firm):
    company, rows, total = selections.company_establishments(firm["admin"], firm["second"].id, per_page=2)
    assert total == 3 and len(rows) == 2 and rows[0].is_siege
    assert [r.declaration_count for r in rows] == [2, 2]
    _, rows, total = selections.company_establishments(
        firm["admin"], firm["second"].id, search="22222222600003"
    )
    assert total == 1 and rows[0].siret == "22222222600003"
    _, rows, total = selections.company_establishments(firm["admin"], firm["second"].id, search="pâris 75015")
    assert total == 3  # the address search, accents and case ignored
    assert selections.company_establishments(firm["admin"], firm["second"].id, search="lyon")[2] == 0
    with pytest.raises(NotFound):
        selections.company_establishments(make_firm("98765432100014", "TIERS")[1], firm["second"].id)
