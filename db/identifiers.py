"""SIREN and SIRET as people type them: cleaned, checked, refused with a French message.

Checks use python-stdnum's Luhn, plus La Poste's rule: its establishments (SIREN 356000000)
are numbered so that the SIRET's digit sum is a multiple of 5, which is accepted as well as a
valid Luhn key. Directory rows are never checked: the directory is the reference.
"""
import re
import unicodedata

from stdnum import luhn
from stdnum.exceptions import ValidationError

from db.errors import Invalid

# The one message for an empty field, whichever form asks (db/fields.py and webapp/forms reuse it).
REQUIRED = "Ce champ est obligatoire."

LA_POSTE_SIREN = "356000000"
_SEPARATORS = re.compile(r"[\s.\u00a0\u202f-]")


def clean(value):
    """The identifier as typed, NFKC-normalised (full-width "１２３" and other compatibility digits
    become "123"), without the spaces, dots and dashes people put in it."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", value or ""))


def _luhn_ok(number):
    try:
        luhn.validate(number)
        return True
    except ValidationError:
        return False


def _shape_error(number, name, length):
    """What is wrong with the shape of a cleaned SIREN or SIRET (name), or None."""
    if not number:
        return REQUIRED
    if not (number.isascii() and number.isdigit()):  # "٣" or "²" are digits to Python, not here
        return f"Le {name} ne doit comporter que des chiffres."
    if len(number) != length:
        typed = f"{len(number)} saisi{'s' if len(number) > 1 else ''}"
        return f"Le {name} doit comporter {length} chiffres ({typed})."
    return None


def siren_error(value):
    """The French message saying what is wrong with a typed SIREN, or None when it is valid."""
    number = clean(value)
    key_error = None if _luhn_ok(number) else "Numéro SIREN invalide (clé de contrôle)."
    return _shape_error(number, "SIREN", 9) or key_error


def siret_error(value):
    """The French message saying what is wrong with a typed SIRET, or None when it is valid."""
    number = clean(value)
    shape = _shape_error(number, "SIRET", 14)
    if shape:
        return shape
    if not _luhn_ok(number[:9]):
        return "Numéro SIRET invalide (clé de contrôle du SIREN)."
    la_poste = number.startswith(LA_POSTE_SIREN) and sum(map(int, number)) % 5 == 0
    if not (_luhn_ok(number) or la_poste):
        return "Numéro SIRET invalide (clé de contrôle)."
    return None


def validate_siren(value, field="siren"):
    """Return the cleaned SIREN or raise Invalid({field: message})."""
    error = siren_error(value)
    if error:
        raise Invalid({field: error})
    return clean(value)


def validate_siret(value, field="siret"):
    """Return the cleaned SIRET or raise Invalid({field: message})."""
    error = siret_error(value)
    if error:
        raise Invalid({field: error})
    return clean(value)


def format_siren(siren):
    """ "999005703" -> "999 005 703" (the portal's grouping)."""
    s = siren or ""
    return f"{s[:3]} {s[3:6]} {s[6:9]}" if len(s) == 9 else s


def format_siret(siret):
    """ "99900570300015" -> "999 005 703 00015"."""
    s = siret or ""
    return f"{format_siren(s[:9])} {s[9:]}" if len(s) == 14 else s
