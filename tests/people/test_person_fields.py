"""db.person_fields: what people type, cleaned or refused with a French message."""
import pytest

from db import person_fields as fields


@pytest.mark.parametrize("value, cleaned", [
    ("  Jean-Éric ", "Jean-Éric"), ("N'Diaye", "N'Diaye"), ("de  La Fontaine", "de La Fontaine"),
    ("O’Brien", "O’Brien"), ("Łukasz", "Łukasz"), ("St. Pierre", "St. Pierre"),
])
def test_names_keep_letters_and_single_separators(value, cleaned):
    assert fields.name(value) == (cleaned, None)


@pytest.mark.parametrize("value", ["Jean2", "Jean--Paul", "Jean_Paul", "<b>Jean</b>", "Jean\u202eluap", "Robert'); DROP",
                                   "-Jean", "Jean;"])
def test_names_refuse_anything_else(value):
    assert fields.name(value)[1]


@pytest.mark.parametrize("value, cleaned", [
    ("01 23 45 67 89", "0123456789"), ("+33 1 23 45 67 89", "0123456789"), ("0033123456789", "0123456789"),
    ("01.23.45.67.89", "0123456789"), ("", ""),
])
def test_french_phone_numbers(value, cleaned):
    assert fields.phone(value, required=False) == (cleaned, None)


@pytest.mark.parametrize("value", ["12345", "0023456789", "+44 20 7946 0958", "01 23 45 67 8a", "9" * 40])
def test_phone_numbers_refused(value):
    assert fields.phone(value)[1]


def test_mobile_numbers_start_with_06_or_07():
    assert fields.phone("06 12 34 56 78", mobile=True) == ("0612345678", None)
    assert "portable" in fields.phone("01 23 45 67 89", mobile=True)[1]


def test_email_is_normalised_and_the_demo_domain_accepted():
    assert fields.email(" Paul.Durand@Cabinet-Demo.TEST ") == ("Paul.Durand@cabinet-demo.test", None)
    for bad in ("paul", "paul@", "paul@localhost", "<paul@x.fr>", "a" * 250 + "@x.fr"):
        assert fields.email(bad)[1], bad


@pytest.mark.parametrize("value, message", [
    ("Bonjour <script>", fields.HOSTILE_HTML), ("5 &lt; 6", fields.HOSTILE_HTML),
    ("x' OR 1=1", fields.HOSTILE_SQL), ("a; DELETE FROM user", fields.HOSTILE_SQL),
    ("UNION SELECT password", fields.HOSTILE_SQL), ("fin --", fields.HOSTILE_SQL),
    ("nul\x00", fields.HOSTILE_CONTROL), ("bidi\u202e", fields.HOSTILE_CONTROL), ("zéro\u200blargeur", fields.HOSTILE_CONTROL),
])
def test_hostile_text_is_refused(value, message):
    assert fields.message(value) == (value.strip(), message)


def test_ordinary_french_messages_pass():
    text = "Bonjour,\r\nnotre administratrice est partie ; pouvez-vous m'aider ?\n\tMerci — Jean (cabinet « Dupont »)."
    assert fields.message(text) == (text, None)


def test_lengths_are_counted_in_characters():
    assert fields.message("é" * 4000)[1] is None
    assert "4000 caractères au plus" in fields.message("é" * 4001)[1]
    assert "trop long" in fields.message("x" * 100000)[1]
    assert fields.search_term("") == ("", None) and fields.search_term("x" * 101)[1]


def test_checked_gathers_every_message():
    from db.errors import Invalid

    with pytest.raises(Invalid) as refused:
        fields.checked({"nom": fields.name(""), "email": fields.email("x"), "phone": fields.phone("0123456789")})
    assert set(refused.value.errors) == {"nom", "email"}
