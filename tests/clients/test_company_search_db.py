"""The composition of a big portfolio: its companies found by raison sociale (accents and case
ignored, on both engines) or SIREN, a page at a time in a constant number of queries."""
import pytest

from db.clients import composition_page
from db.errors import NotFound
from tests.factories.clients import make_company, make_portfolio
from tests.factories.firms import make_firm
from tests.factories.queries import count_queries

NAMES = ["SOCIÉTÉ GÉNÉRALE DES EAUX", "SOCIETE GENERALE", "ÉLECTRICITÉ DE FRANCE", "L'ORÉAL", "CAFÉ DU PORT",
         "Boulangerie Noël", "ACME"]


@pytest.fixture
def big(db_engine):
    firm, admin, _ = make_firm()
    portfolio = make_portfolio(firm, "GROS CLIENTS")
    for n, name in enumerate(NAMES):
        make_company(firm, portfolio, f"{n + 1:09d}", 1 + n % 3, name=name)
    return admin, portfolio


def names(admin, portfolio, query):
    return [r.name for r in composition_page.list_companies(admin, portfolio.id, query)[1].rows]


@pytest.mark.parametrize("typed, found", [
    ("societe", ["SOCIETE GENERALE", "SOCIÉTÉ GÉNÉRALE DES EAUX"]),
    ("Société générale", ["SOCIETE GENERALE", "SOCIÉTÉ GÉNÉRALE DES EAUX"]),
    ("générale eaux", ["SOCIÉTÉ GÉNÉRALE DES EAUX"]),
    ("electricite", ["ÉLECTRICITÉ DE FRANCE"]),
    ("l'oreal", ["L'ORÉAL"]),
    ("NOEL", ["Boulangerie Noël"]),
    ("port café", ["CAFÉ DU PORT"]),
    ("000 000 00", [n for n in sorted(NAMES)]),  # the beginning of the SIRENs
    ("000000003 00001", ["ÉLECTRICITÉ DE FRANCE"]),  # a SIRET: its company
    ("zzz", []),
    ("%", []),
])
def test_companies_are_found_by_name_without_accents_or_case_or_by_siren(big, typed, found):
    admin, portfolio = big
    assert sorted(names(admin, portfolio, typed)) == sorted(found)


def test_the_page_tells_its_rank_and_establishments_from_the_maintained_count(big, monkeypatch):
    admin, portfolio = big
    everything = names(admin, portfolio, "")
    monkeypatch.setattr(composition_page, "PAGE_SIZE", 3)
    _, page = composition_page.list_companies(admin, portfolio.id, "", 2)
    assert (page.total, page.pages, page.first, page.last) == (7, 3, 4, 6)
    assert [r.name for r in page.rows] == everything[3:6]
    for row in page.rows:
        assert row.establishments == 1 + NAMES.index(row.name) % 3
        assert row.kind == ("Multi-établissement" if row.establishments > 1 else "Mono-établissement")
    _, empty = composition_page.list_companies(admin, portfolio.id, "zzz")
    assert (empty.total, empty.first, empty.last, empty.rows) == (0, 0, 0, [])


def test_a_page_costs_the_same_queries_for_7_or_150_companies(big):
    admin, portfolio = big
    with count_queries() as few:
        composition_page.list_companies(admin, portfolio.id, "societe", 1)
    for n in range(150):
        make_company(portfolio.firm, portfolio, f"9{n:08d}", 1, name=f"SOCIÉTÉ {n}")
    with count_queries() as many:
        _, page = composition_page.list_companies(admin, portfolio.id, "societe", 2)
    assert (page.total, len(page.rows)) == (152, 50)
    assert few() == many() == 3


def test_another_firms_portfolio_is_not_found(big):
    _, portfolio = big
    _, stranger, _ = make_firm("98765432100014", "TIERS")
    with pytest.raises(NotFound):
        composition_page.list_companies(stranger, portfolio.id, "societe")


def test_the_unfiltered_page_is_one_statement_with_the_portfolio(big):
    admin, portfolio = big
    with count_queries() as statements:
        heading, page = composition_page.list_companies(admin, portfolio.id, "", 1)
    assert (heading.id, heading.name, heading.company_count) == (portfolio.id, "GROS CLIENTS", 7)
    assert [r.name for r in page.rows] == sorted(NAMES) and statements() == 1
    _, stranger, _ = make_firm("98765432100014", "TIERS")
    with pytest.raises(NotFound):
        composition_page.list_companies(stranger, portfolio.id)


def test_a_page_past_the_end_shows_the_last_one_and_an_empty_portfolio_its_name(big, monkeypatch):
    admin, portfolio = big
    monkeypatch.setattr(composition_page, "PAGE_SIZE", 3)
    _, page = composition_page.list_companies(admin, portfolio.id, "", 9)
    assert (page.page, page.pages, page.first, [r.name for r in page.rows]) == (3, 3, 7, sorted(NAMES)[6:])
    empty = make_portfolio(portfolio.firm, "VIDE")
    heading, page = composition_page.list_companies(admin, empty.id, "", 2)
    assert (heading.name, page.total, page.page, page.pages, page.rows) == ("VIDE", 0, 1, 1, [])
