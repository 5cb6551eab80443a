"""What people type in the portal's forms (db/fields.py): names, phones, addresses, SIRET, secret
questions, messages and search boxes, accepted and cleaned, or refused with a French message."""
import pytest

from db import fields
from db.errors import Invalid


@pytest.mark.parametrize(
    "typed", ["Moutin", "Le Goff", "D'Artagnan", "Jean-Pierre", "Éloïse", "O’Neil", "J. P."]
)
def test_names_with_accents_hyphens_and_apostrophes_are_accepted(typed):
    cleaned, error = fields.name(typed)
    assert error is None
    assert cleaned == typed


NAME_LETTERS = "Le nom ne peut contenir que des lettres, des espaces, des traits d'union et des apostrophes."


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Ce champ est obligatoire."),
        ("   ", "Ce champ est obligatoire."),
        (
            "Moutin2",
            "Le nom ne peut contenir que des lettres, des espaces, des traits d'union et des apostrophes.",
        ),
        ("<script>alert(1)</script>", NAME_LETTERS),
        ("Robert'); DROP TABLE user; --", NAME_LETTERS),
        ("Mou\x00tin", fields.HOSTILE_CONTROL),
        ("Mou\u202etin", fields.HOSTILE_CONTROL),
        ("Mou\ttin", fields.HOSTILE_CONTROL),
        ("A" * 101, "Saisissez au plus 100 caractères (101 saisis)."),
        ("A" * 5000, "Saisissez au plus 100 caractères."),
    ],
)
def test_bad_names_are_refused_in_french(typed, message):
    assert fields.name(typed)[1] == message


def test_inner_spaces_are_collapsed():
    assert fields.name("  Le   Goff ") == ("Le Goff", None)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("01 23 45 67 89", "0123456789"), ("01.23.45.67.89", "0123456789"), ("+33 1 23 45 67 89", "0123456789"),
     ("0033123456789", "0123456789"), ("0262 12 34 56", "0262123456")],
)
def test_french_phone_numbers_are_stored_as_ten_digits(typed, stored):
    assert fields.phone(typed) == (stored, None)


@pytest.mark.parametrize("typed", ["12345", "00 23 45 67 89", "+44 20 7946 0958", "01 23 45 67 8", "zéro un"])
def test_other_phone_numbers_are_refused(typed):
    assert fields.phone(typed)[1].startswith("Numéro de téléphone français attendu")


def test_the_mobile_is_optional_but_must_be_a_mobile():
    assert fields.phone("", required=False, mobile=True) == ("", None)
    assert fields.phone("06 12 34 56 78", required=False, mobile=True) == ("0612345678", None)
    assert fields.phone("01 23 45 67 89", required=False, mobile=True)[1].startswith(
        "Numéro de portable français"
    )


@pytest.mark.parametrize(
    "typed",
    [
        "claire@cabinet",
        "claire.cabinet.fr",
        "claire@@cabinet.fr",
        "é@cabinet.fr",
        "claire@[127.0.0.1]",
        "claire@localhost",
    ],
)
def test_malformed_addresses_are_refused(typed):
    assert fields.email(typed)[1] == "Adresse électronique invalide (exemple : prenom.nom@cabinet.fr)."


def test_addresses_are_normalised():
    assert fields.email(" Claire.Moutin@Cabinet.FR ") == ("Claire.Moutin@cabinet.fr", None)
    assert fields.email("a" * 250 + "@x.fr")[1] == "Saisissez au plus 254 caractères (255 saisis)."


def test_siret_format_and_key_are_checked_before_anything_else():
    assert fields.siret("104 049 424 00013") == ("10404942400013", None)
    assert fields.siret("10404942400014")[1] == "Numéro SIRET invalide (clé de contrôle)."
    assert fields.siret("1" * 500)[1] == "Le SIRET doit comporter 14 chiffres."
    assert fields.siret("<b>1</b>")[1] == "Le SIRET ne doit comporter que des chiffres."
    assert fields.siret("1040494240001\u200b3")[1] == fields.HOSTILE_CONTROL


def test_secret_question_and_answer_lengths():
    assert fields.secret_question("Mon chien")[1] == "Saisissez au moins 10 caractères (9 saisis)."
    assert fields.secret_question("Nom de mon chien ?")[1] is None
    assert fields.secret_question("Q" * 201)[1] == "Saisissez au plus 200 caractères (201 saisis)."
    assert fields.secret_answer("Rex")[1] == "Saisissez au moins 5 caractères (3 saisis)."
    assert (
        fields.secret_answer("Médor", "Mon chien s'appelle médor ?")[1]
        == "La réponse ne doit pas figurer dans la question."
    )
    assert fields.secret_answer("Médor le Grand", "Nom de mon chien ?") == ("Médor le Grand", None)


def test_multiline_text_keeps_new_lines_but_not_other_controls():
    assert fields.text("Bonjour,\nje suis comptable.", max_length=100, multiline=True)[1] is None
    assert fields.text("Bonjour\x07", max_length=100, multiline=True)[1] == fields.HOSTILE_CONTROL
    assert fields.text("Bonjour,\nje", max_length=100)[1] == fields.HOSTILE_CONTROL


@pytest.mark.parametrize(
    "value, message",
    [
        ("nul\x00", fields.HOSTILE_CONTROL),
        ("bidi\u202e", fields.HOSTILE_CONTROL),
        ("isolat\u2066ion", fields.HOSTILE_CONTROL),
        ("zéro\u200blargeur", fields.HOSTILE_CONTROL),
        ("trait d'union\u00adconditionnel", fields.HOSTILE_CONTROL),
        ("séparateur\u2028de ligne", fields.HOSTILE_CONTROL),
        ("usage privé \ue000", fields.HOSTILE_CONTROL),
    ],
)
def test_undisplayable_characters_are_refused(value, message):
    assert fields.message(value)[1] == message


@pytest.mark.parametrize("typed", [
    "Bonjour -- je n'arrive plus à me connecter depuis hier ; pouvez-vous m'aider ?",
    "DSN and DPAE = même délai ?",
    "Écart < 5 % entre la DSN et le bordereau ; « urgent » !",
    "Ligne 1\n\tLigne 2 : l'URSSAF dit \"OK\" -- voir /* pièce jointe */",
    "Robert'); DROP TABLE user; -- (c'est le nom du fichier reçu)",
    "5 &lt; 6 et 1=1 OR 'a'='a'",
    "Délai\u202f: 24\u00a0h",
])
def test_ordinary_french_is_accepted_as_typed(typed):
    cleaned, error = fields.message(typed)
    assert error is None and cleaned == typed


def test_ordinary_french_messages_keep_their_lines():
    text = (
        "Bonjour,\r\nnotre administratrice est partie ; pouvez-vous m'aider ?\n"
        "\tMerci — Jean (cabinet « Dupont »)."
    )
    assert fields.message(text) == (text, None)
    assert fields.message("   ", required=False) == ("", None)


def test_messages_are_measured_in_characters():
    assert fields.message("é" * fields.LONG_MESSAGE_MAX)[1] is None
    assert fields.message("é" * 4001)[1] == "Saisissez au plus 4\u202f000 caractères (4\u202f001 saisis)."
    assert fields.message("x" * 100000)[1] == "Saisissez au plus 4\u202f000 caractères."


def test_search_boxes_accept_empty_refuse_invisible_and_oversized():
    assert fields.search_term("") == ("", None)
    assert fields.search_term("  jean   dupont ") == ("jean dupont", None)
    assert fields.search_term("l'<b>") == ("l'<b>", None)
    assert fields.search_term("x" * 101)[1] and fields.search_term("du\u200bpont")[1]


def test_checked_gathers_every_message():
    with pytest.raises(Invalid) as refused:
        fields.checked(
            {"nom": fields.name(""), "email": fields.email("x"), "phone": fields.phone("0123456789")}
        )
    assert set(refused.value.errors) == {"nom", "email"}
    assert fields.checked({"phone": fields.phone("01 23 45 67 89")}) == {"phone": "0123456789"}
