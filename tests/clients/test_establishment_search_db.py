"""The establishments' search (db/clients/search.py matching) on both engines: every word typed is the
beginning of a word of the establishment, whether it begins one indexed word, a few (looked up as
those words on SQLite), many (a prefix query) or none; accents ignored; the firm's rows only."""
import pytest

from db.clients.search import AS_WORDS, matching, refresh_search_text
from db.models import Establishment
from tests.factories.clients import make_company, make_portfolio
from tests.factories.firms import make_firm

STREETS = ["12 RUE SAINT-MARTIN", "120 AV SAINTE-ANNE", "312 RUE DE L'ÉGLISE", "12743 CHEMIN DU MOULIN",
           "1 PL SAINTONGE"]
MANY = AS_WORDS + 4  # words beginning with « lot »: more than a search looks up one by one


@pytest.fixture
def sirets(db_engine):
    """{street: SIRET} of one company, plus MANY establishments named LOT00… and another firm's
    establishment on the same first street."""
    firm, _, _ = make_firm()
    company = make_company(firm, make_portfolio(firm, "CLIENTS"), "100000001", len(STREETS) + MANY)
    rows = list(Establishment.select().where(Establishment.company == company.id)
                .order_by(Establishment.siret))
    for row, street in zip(rows, STREETS, strict=False):
        Establishment.update(street=street, name="").where(Establishment.id == row.id).execute()
    for n, row in enumerate(rows[len(STREETS):]):
        Establishment.update(name=f"LOT{n:02d}", street="").where(Establishment.id == row.id).execute()
    refresh_search_text(Establishment.company == company.id)
    other, _, _ = make_firm(siret="98765432100010", name="CABINET TIERS")
    stranger = make_company(other, make_portfolio(other, "CLIENTS"), "900000001", 1)
    Establishment.update(street=STREETS[0]).where(Establishment.company == stranger.id).execute()
    refresh_search_text(Establishment.company == stranger.id)
    return {street: row.siret for row, street in zip(rows, STREETS, strict=False)} | {
        f"LOT{n:02d}": row.siret for n, row in enumerate(rows[len(STREETS):])}, firm


def found(sirets, term):
    names, firm = sirets
    by_siret = {s: name for name, s in names.items()}
    rows = Establishment.select(Establishment.siret).where(
        (Establishment.firm == firm.id) & matching(term, Establishment)).tuples()
    return sorted(by_siret[s] for (s,) in rows if s in by_siret)


@pytest.mark.parametrize("typed, expected", [
    ("12", ["12 RUE SAINT-MARTIN", "120 AV SAINTE-ANNE", "12743 CHEMIN DU MOULIN"]),  # not « 312 »
    ("saint", ["1 PL SAINTONGE", "12 RUE SAINT-MARTIN", "120 AV SAINTE-ANNE"]),
    ("Sainte", ["120 AV SAINTE-ANNE"]),
    ("rue 12", ["12 RUE SAINT-MARTIN"]),
    ("eglise", ["312 RUE DE L'ÉGLISE"]),
    ("Église 312", ["312 RUE DE L'ÉGLISE"]),
    ("saintes", []),  # begins no word
    ("moulin zzz", []),
    ("lot1", [f"LOT{n}" for n in range(10, MANY)]),
    ("lot", sorted(f"LOT{n:02d}" for n in range(MANY))),  # more words than looked up one by one
])
def test_each_word_begins_a_word_of_the_establishment(sirets, typed, expected):
    assert found(sirets, typed) == sorted(expected)


def test_another_firms_establishment_is_not_found(sirets):
    names, firm = sirets
    rows = Establishment.select(Establishment.siret).where(matching("saint martin", Establishment)).tuples()
    assert len(list(rows)) == 2  # both firms hold one
    assert found(sirets, "saint martin") == ["12 RUE SAINT-MARTIN"]


def test_the_stored_search_text_is_lower_case_beyond_ascii(db_engine):
    """PostgreSQL folds the search text with lower() under the database's collation, not the SIRET's
    "C" (migration 0981), under which only ASCII letters would be lowered; SQLite stores it as written
    (FTS5 folds it)."""
    from db.database import is_postgres

    firm, _, _ = make_firm()
    company = make_company(firm, make_portfolio(firm, "CLIENTS"), "100000001", 1)
    mine = Establishment.company == company.id
    Establishment.update(street="2 RUE DE ŁÓDŹ", name="ŒUVRES").where(mine).execute()
    refresh_search_text(mine)
    text = Establishment.get(mine).search_text
    if is_postgres():
        assert "œuvres" in text and "łodź" in text and text == text.lower()
    else:
        assert "ŒUVRES" in text and "ŁÓDŹ" in text
