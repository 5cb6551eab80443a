"""SIREN / SIRET typed by people: cleaned, Luhn-checked (La Poste's rule too), refused in French."""
import pytest

from db.errors import Invalid
from db.identifiers import (
    format_siren,
    format_siret,
    siren_error,
    siret_error,
    validate_siren,
    validate_siret,
)


@pytest.mark.parametrize("typed", ["552032534", "552 032 534", " 552.032.534 ", "356000000"])
def test_valid_sirens_are_accepted_and_cleaned(typed):
    assert siren_error(typed) is None
    assert validate_siren(typed) == typed.replace(" ", "").replace(".", "")


@pytest.mark.parametrize(
    "typed",
    [
        "55203253400703",  # Danone's siège, Luhn
        "552 032 534 00703",
        "35600000000048",  # La Poste's siège, Luhn
        "35600000000213",  # a La Poste office of the sample: digit sum multiple of 5, Luhn fails
    ],
)
def test_valid_sirets_including_la_poste(typed):
    assert siret_error(typed) is None


def test_la_poste_rule_applies_to_la_poste_only():
    # Same digit-sum property on another SIREN is not enough: Luhn is required there.
    assert siret_error("55203253400001") == "Numéro SIRET invalide (clé de contrôle)."
    assert siret_error("35600000000002") == "Numéro SIRET invalide (clé de contrôle)."


CHECKS = {"siren": (siren_error, validate_siren), "siret": (siret_error, validate_siret)}


@pytest.mark.parametrize(
    ("kind", "typed", "message"),
    [
        ("siren", "", "Ce champ est obligatoire."),
        ("siren", "55203253", "Le SIREN doit comporter 9 chiffres (8 saisis)."),
        ("siren", "5520325344", "Le SIREN doit comporter 9 chiffres (10 saisis)."),
        ("siren", "55203253A", "Le SIREN ne doit comporter que des chiffres."),
        ("siren", "552032535", "Numéro SIREN invalide (clé de contrôle)."),
        ("siret", "", "Ce champ est obligatoire."),
        ("siret", "5520325340070", "Le SIRET doit comporter 14 chiffres (13 saisis)."),
        ("siret", "5520325340070x", "Le SIRET ne doit comporter que des chiffres."),
        ("siret", "55203253500703", "Numéro SIRET invalide (clé de contrôle du SIREN)."),
        ("siret", "55203253400704", "Numéro SIRET invalide (clé de contrôle)."),
    ],
)
def test_bad_identifiers_say_what_is_wrong(kind, typed, message):
    error, validate = CHECKS[kind]
    assert error(typed) == message
    with pytest.raises(Invalid) as refused:
        validate(typed, field=kind)
    assert refused.value.errors == {kind: message}


def test_grouping_as_the_portal_prints_it():
    assert format_siren("999005703") == "999 005 703"
    assert format_siret("99900570300015") == "999 005 703 00015"


@pytest.mark.parametrize("typed", ["５５２０３２５３４", "５５２ ０３２ ５３４", "552\u2009032\u2009534"])
def test_full_width_and_other_compatibility_digits_are_normalised(typed):
    assert siren_error(typed) is None and validate_siren(typed) == "552032534"
    assert siret_error("５５２０３２５３４００７０３") is None


@pytest.mark.parametrize("typed", ["55203253٤", "٥٥٢٠٣٢٥٣٤", "۵۵۲۰۳۲۵۳۴"])
def test_digits_of_other_scripts_are_refused_with_chiffres(typed):
    assert siren_error(typed) == "Le SIREN ne doit comporter que des chiffres."
