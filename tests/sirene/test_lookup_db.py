"""Looking up the local Sirene directory (db/sirene/lookup.py): a company with its establishments,
active first and siège first; an unknown SIREN gives nothing."""
from db.sirene import company_with_establishments, find_establishment


def test_company_lookup_lists_active_first_then_siege_first(db_engine):
    unit, establishments = company_with_establishments("977850965")
    assert unit.name == "AG CONSEIL"
    assert [(e.siret, e.is_siege, e.etat) for e in establishments] == [
        ("97785096500020", True, "A"),
        ("97785096500012", False, "F"),
    ]
    assert establishments[0].address == "53000 LAVAL" or "LAVAL" in establishments[0].address


def test_unknown_siren_gives_nothing(db_engine):
    assert company_with_establishments("123456782") == (None, [])
    assert find_establishment("12345678200010") is None
