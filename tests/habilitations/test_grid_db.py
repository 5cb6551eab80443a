"""The grid: one row per establishment × service selected for it × person of the portfolio,
criteria scoped to the firm, pages in a constant number of queries."""
import pytest

from db import habilitations
from db.errors import Forbidden, NotFound
from db.habilitations import criteria as scope
from db.habilitations import grid
from db.models import EstablishmentDeclaration, PortfolioDeclarant
from tests.factories.clients import make_company
from tests.factories.declarations import declaration
from tests.factories.habilitations import establishments, key
from tests.factories.queries import count_queries


def rows(actor, **args):
    screen = habilitations.search(actor, {"search": "1", **{k: str(v) for k, v in args.items()}})
    return screen.grid


def keys(page):
    return [c.key for c in page.cells]


def test_one_row_per_establishment_service_and_person_of_the_portfolio(t):
    page = rows(t.admin)
    # ACME 3 × (DSN, DPAE) × 3 people + BETA 2 × 2 × 3 + GAMMA 1 × DSN × Paul only
    assert page.total == 18 + 12 + 1
    gamma = [c for c in page.cells if c.siret.startswith("200000001")]
    assert [(c.code, c.person.full_name) for c in gamma] == [("DSN", "DURAND Paul")]
    first = page.cells[0]
    assert (first.siret, first.name, first.code, first.person.full_name) == (
        "10000000100001",
        "ETS 1",
        "DSN",
        "ADMIN Alice",
    )
    assert [c.code for c in page.cells[:6]] == ["DSN"] * 3 + ["DPAE"] * 3  # catalogue order, then names
    assert not any(c.has_payment for c in page.cells if c.code == "DPAE")
    assert all(c.has_payment for c in page.cells if c.code == "DSN")


def test_rows_follow_the_selected_declarations_and_the_portfolio_people(t):
    acme = establishments(t.acme)
    EstablishmentDeclaration.delete().where(
        (EstablishmentDeclaration.establishment == acme[0].id)
        & (EstablishmentDeclaration.declaration == declaration("DPAE").id)
    ).execute()
    PortfolioDeclarant.delete().where(
        (PortfolioDeclarant.portfolio == t.big.id) & (PortfolioDeclarant.user == t.sophie.id)
    ).execute()
    page = rows(t.admin, company=t.acme.id)
    assert page.total == (3 * 2 - 1) * 2
    assert key(acme[0], "DPAE", t.paul) not in keys(page)
    assert all(c.person.id != t.sophie.id for c in page.cells)


def test_company_criterion_presets_its_portfolio(t):
    screen = habilitations.search(t.admin, {"company": str(t.acme.id)})
    assert screen.criteria.searched and screen.criteria.portfolio.id == t.big.id
    assert screen.grid.total == 18
    assert {c.siret[:9] for c in screen.grid.cells} == {"100000001"}
    assert [e.siret for e in screen.options.establishments] == [e.siret for e in establishments(t.acme)]


@pytest.mark.parametrize("siret, expected", [
    ("10000000100002", 6),  # one establishment
    ("100 000 001", 18),  # the beginning of a SIRET, typed with spaces
    ("beta", 12),  # the company's name
    ("bet", 12),  # the beginning of a word
    ("ets 1", 31),  # words that begin a word of the enseigne, the SIRET or the address: every establishment
    ("ETS 3 rue", 6),  # ACME's third establishment only
    ("75015", 31),  # the postcode
    ("gamma paris", 1),  # the company and the town
    ("plérin", 0),
])
def test_siret_criterion_finds_one_or_several_establishments(t, siret, expected):
    assert rows(t.admin, siret=siret).total == expected


def test_service_and_people_criteria(t):
    assert rows(t.admin, service=declaration("DPAE").id).total == 3 * 3 + 2 * 3
    assert rows(t.admin, declarant=t.paul.id).total == 6 + 4 + 1  # a person picked: only that person
    assert rows(t.admin, admin="aucun").total == 31 - (3 * 2 + 2 * 2)
    assert rows(t.admin, declarant="aucun").total == 3 * 2 + 2 * 2  # the administrators only
    assert rows(t.admin, admin="aucun", declarant="aucun").total == 0
    assert rows(t.admin, portfolio=t.small.id).total == 1


def test_boxes_show_the_habilitations_and_when_they_become_usable(t):
    acme = establishments(t.acme)
    habilitations.validate(
        t.admin,
        {},
        {"changes": f"{key(acme[1], 'DSN', t.paul)}-d-1 {key(acme[1], 'DSN', t.paul)}-p-1", "version": "0"},
    )
    page = rows(t.admin, company=t.acme.id, declarant=t.paul.id)
    cell = next(c for c in page.cells if c.key == key(acme[1], "DSN", t.paul))
    assert cell.declare and cell.pay and not cell.pending
    assert page.pending_from(cell.active_from) is not None
    assert page.delay_label(cell) == "Accessible sous 24 heures"
    assert not any(c.declare for c in page.cells if c.key != cell.key)


def _all_pages(actor, per_page, **args):
    collected, number = [], 1
    while True:
        c = scope.parse(actor, {"search": "1", "page": str(number), **{k: str(v) for k, v in args.items()}})
        c.per_page = per_page
        page = grid.page(c)
        collected += keys(page)
        if number >= page.pages:
            return collected, page.total
        number += 1


@pytest.mark.parametrize("per_page", [1, 4, 7, 31])
def test_pages_cover_every_row_once_in_order(t, per_page):
    everything = keys(rows(t.admin))  # 31 rows fit on one page of 100
    # portfolios with 3 people and with 1: the pages come from the running sum of rows
    assert _all_pages(t.admin, per_page) == (everything, 31)
    company_rows = [k for k in everything if k.startswith(tuple(f"{e.id}-" for e in establishments(t.acme)))]
    assert _all_pages(t.admin, per_page, company=t.acme.id) == (company_rows, 18)  # same width: OFFSET


def test_a_page_past_the_end_shows_the_last_page(t):
    c = scope.parse(t.admin, {"search": "1", "page": "99"})
    c.per_page = 10
    page = grid.page(c)
    assert c.page == 4 and len(page.cells) == 1


def test_query_count_does_not_grow_with_the_page_size(t):
    make_company(t.firm, t.big, "100000003", 40, name="GRANDE")
    counts = {}
    for size in (50, 500):
        c = scope.parse(t.admin, {"search": "1", "per_page": str(size)})
        with count_queries() as n:
            page = grid.page(c)
        counts[size] = n()
        assert len(page.cells) == min(size, page.total)
    assert page.total > 200
    assert counts[50] == counts[500]
    with count_queries() as n:  # the whole screen (criteria choices included) is constant too
        habilitations.search(t.admin, {"search": "1", "per_page": "500"})
    whole = n()
    with count_queries() as n:
        habilitations.search(t.admin, {"search": "1", "per_page": "50"})
    assert n() == whole


@pytest.mark.parametrize("args", [
    {"company": "other_company"}, {"portfolio": "other_portfolio"}, {"declarant": "other_person"},
    {"admin": "other_admin"}, {"service": "999999"}, {"company": "abc"}, {"declarant": "1; drop"},
])
def test_identifiers_of_another_firm_or_of_nothing_are_not_found(t, args):
    values = {"other_company": t.other_company.id, "other_portfolio": t.other_portfolio.id,
              "other_person": t.other.people[0].id, "other_admin": t.other.admin.id}
    with pytest.raises(NotFound):
        habilitations.search(t.admin, {k: str(values.get(v, v)) for k, v in args.items()})


def test_only_administrators_manage_habilitations(t):
    with pytest.raises(Forbidden):
        habilitations.search(t.paul, {"search": "1"})
    with pytest.raises(Forbidden):
        habilitations.validate(t.paul, {}, {"version": "0"})
