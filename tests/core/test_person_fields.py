"""db.person_fields: the people areas' additions to the inscription's checkers (long messages,
search boxes, `checked`); names, phones and addresses are the inscription's, tested with it."""
import pytest

from db import fields
from db.errors import Invalid


@pytest.mark.parametrize("value, message", [
    ("Bonjour <script>", fields.HOSTILE_HTML), ("5 &lt; 6", fields.HOSTILE_HTML),
    ("x' OR 1=1", fields.HOSTILE_SQL), ("a; DELETE FROM user", fields.HOSTILE_SQL),
    ("UNION SELECT password", fields.HOSTILE_SQL), ("fin --", fields.HOSTILE_SQL),
    ("nul\x00", fields.HOSTILE_CONTROL), ("bidi\u202e", fields.HOSTILE_CONTROL), ("zéro\u200blargeur", fields.HOSTILE_CONTROL),
])
def test_hostile_messages_are_refused(value, message):
    assert fields.message(value)[1] == message


def test_ordinary_french_messages_keep_their_lines():
    text = "Bonjour,\r\nnotre administratrice est partie ; pouvez-vous m'aider ?\n\tMerci — Jean (cabinet « Dupont »)."
    assert fields.message(text) == (text, None)
    assert fields.message("   ", required=False) == ("", None)


def test_messages_are_measured_in_characters():
    assert fields.message("é" * fields.LONG_MESSAGE_MAX)[1] is None
    assert "4000" in fields.message("é" * 4001)[1]
    assert "4000" in fields.message("x" * 100000)[1]


def test_search_boxes_accept_empty_refuse_hostile_and_oversized():
    assert fields.search_term("") == ("", None)
    assert fields.search_term("  jean   dupont ") == ("jean dupont", None)
    assert fields.search_term("x" * 101)[1] and fields.search_term("<b>")[1]


def test_checked_gathers_every_message():
    with pytest.raises(Invalid) as refused:
        fields.checked({"nom": fields.name(""), "email": fields.email("x"), "phone": fields.phone("0123456789")})
    assert set(refused.value.errors) == {"nom", "email"}
    assert fields.checked({"phone": fields.phone("01 23 45 67 89")}) == {"phone": "0123456789"}
