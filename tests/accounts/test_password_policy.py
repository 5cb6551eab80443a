"""The password policy (db/accounts/password_policy.py): the unmet criteria, the refusal and the
strength gauge."""
from db.accounts.password_policy import password_error, strength, unmet_criteria


def test_password_policy_criteria():
    assert unmet_criteria("Court-1") == ["length"]
    assert unmet_criteria("court") == ["length", "classes"]
    assert unmet_criteria("toutenminusculesmaislong") == ["classes"]
    assert unmet_criteria("Moutin-Cabinet-2026", nom="MOUTIN") == ["identity"]
    assert unmet_criteria("Cabinet-10404942400013", siret="10404942400013") == ["identity"]
    assert unmet_criteria("Ab1-" * 33) == ["max_length"]
    assert password_error("Cabinet-Arcturus-2026", "Moutin", "Claire", "10404942400013") is None
    assert strength("") == 0
    assert strength("abcdefghijkl") == 0
    assert strength("Abcdefghijkl") == 1
    assert strength("Abcdefghijk1") == 2
    assert strength("Abcdefghij-1") == 3
    assert strength("Abcdefghijklmno-1") == 4
