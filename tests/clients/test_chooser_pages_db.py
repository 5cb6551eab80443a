"""The pages of « Choisir les établissements » (db/clients/chooser.py) on both engines, La Poste's 1,762
establishments: every page of a search, actifs / fermés / tous, put end to end, is the search's whole
result once each, the siège first and the others in SIRET order, whether or not the siège is found,
whatever page it would fall on; a page past the last shows the last one."""
import math

import pytest

from db.clients import chooser, composition, portfolios
from db.models import DirectoryEstablishment, Establishment
from tests.factories.directory import LA_POSTE
from tests.factories.people import demo_user

DE = DirectoryEstablishment


@pytest.fixture
def poste(admin):
    portfolio = portfolios.create_portfolio(admin, "CLIENTS", "", [str(demo_user("DURAND").id)])
    return admin, composition.add_company(admin, portfolio.id, LA_POSTE).company


def expected(company, q, state):
    """The search's results as the page shows them: the siège first, then by SIRET."""
    rows = chooser.results(company, q, state).select(DE.siret, DE.is_siege).order_by(DE.siret).tuples()
    return sorted((s for s, _ in rows), key=lambda s: (s != next((x for x, siege in rows if siege), None), s))


def test_pages_end_to_end_are_the_search_once_each(poste):
    admin, company = poste
    siege = DE.get((DE.siren == LA_POSTE) & DE.is_siege)
    searches = [("rue", "tous"), ("rue", "actifs"), ("1", "actifs"), ("paris", "tous"), ("3", "fermes"),
                (siege.code_postal, "tous"), (siege.libelle_voie.split()[-1], "actifs"), ("", "tous")]
    for q, state in searches:
        results = expected(company, q, state)
        pages = max(1, math.ceil(len(results) / chooser.PER_PAGE))
        shown = []
        for number in range(1, pages + 1):
            page = chooser.page(admin, company.id, q, state, number)
            assert (page.total, page.in_directory, page.page) == (len(results), 1762, number), (q, state)
            shown += [row.siret for row in page.rows]
        assert shown == results, (q, state)
        assert [r.siret for r in chooser.page(admin, company.id, q, state, pages + 3).rows] == \
            results[(pages - 1) * chooser.PER_PAGE:], (q, state)
    assert any(s == siege.siret for s in expected(company, siege.code_postal, "tous"))


def test_nothing_found_still_counts_the_company(poste):
    admin, company = poste
    page = chooser.page(admin, company.id, "zzzz", "tous", 3)
    assert (page.total, page.rows, page.in_directory, page.page) == (0, [], 1762, 1)


def test_registered_ones_gone_from_the_directory_are_listed_on_every_page(poste):
    admin, company = poste
    mine = Establishment.select(Establishment.siret).where(Establishment.company == company.id)
    gone = [s for (s,) in mine.order_by(Establishment.siret).limit(3).tuples()]
    DE.delete().where(DE.siret.in_(gone[1:])).execute()  # two of the registered ones leave the directory
    for q, state, number in (("", "actifs", 1), ("", "actifs", 5), ("rue", "tous", 2), ("zzzz", "tous", 1)):
        page = chooser.page(admin, company.id, q, state, number)
        assert [(r.siret, r.missing, r.wanted) for r in page.missing] == [(s, True, True) for s in gone[1:]]
        assert page.in_directory == 1760 and not {r.siret for r in page.rows} & set(gone[1:])
