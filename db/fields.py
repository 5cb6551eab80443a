"""What people type on every form (inscription, connexion, recovery, people, profile, assistance):
cleaned, or refused with a French message.

Every checker returns (cleaned value, error message or None); record_id() reads the ids that
forms post and URLs carry. Only what cannot be displayed as typed is refused, before anything else:
control, invisible and bidirectional characters (they disguise a name or a message). Any printable
text is accepted, quotes, "<", ";" and "--" included: queries are parameterised, pages escape.
"""
import re
import unicodedata

from email_validator import EmailNotValidError, validate_email

from db.errors import Invalid
from db.identifiers import REQUIRED, siret_error
from db.identifiers import clean as clean_identifier
from db.text import fold

NAME_MAX = 100
EMAIL_MAX = 254
QUESTION_MIN, QUESTION_MAX = 10, 200
ANSWER_MIN, ANSWER_MAX = 5, 100
MESSAGE_MAX = 1000
# A 64-bit key has up to 19 digits; 18 always fit, and no row of the portal will ever need more.
RECORD_ID_DIGITS = 18

# What cannot be displayed as typed: controls (Cc), format characters such as zero-width spaces and
# bidirectional overrides (Cf), surrogates, private-use and unassigned code points, line and paragraph
# separators. Everything printable passes: queries are parameterised and pages escape.
_UNDISPLAYABLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_LINE_BREAKS = frozenset("\n\r\t")  # a message of several lines keeps its lines and tabs
# Letters (any script, with accents), separated by one space, hyphen or apostrophe.
_NAME = re.compile(r"^[^\W\d_]+(?:(?:[ '’-]|\. ?)[^\W\d_]+)*\.?$")
_PHONE_SEPARATORS = re.compile(r"[\s.\-/()\u00a0\u202f]")

HOSTILE_CONTROL = "Ce champ contient des caractères de contrôle ou invisibles, qui ne sont pas acceptés."


def hostile_error(value, multiline=False):
    """The message refusing control, invisible or bidirectional characters, or None. "--", ";", "<"
    and quotes are ordinary French ("Bonjour -- je n'arrive plus…") and pass."""
    allowed = _LINE_BREAKS if multiline else ()
    if any(c not in allowed and unicodedata.category(c) in _UNDISPLAYABLE for c in value):
        return HOSTILE_CONTROL
    return None


def record_id(value):
    """A record id posted by a form or given in a URL's query, as an int; None when the value
    cannot be one: blank, anything but ASCII digits (around spaces aside), or over 18 digits.
    Each caller says what None means there (404, a form error, or "nothing chosen")."""
    text = "" if value is None else str(value).strip()
    if text.isascii() and text.isdigit() and len(text) <= RECORD_ID_DIGITS:
        return int(text)
    return None


def has_control_characters(value):
    """Passwords may hold any printable character, but no control or invisible one."""
    return hostile_error(value or "") is not None


def _count(number):
    """2000 -> "2 000", with the narrow no-break space of French typography."""
    return f"{number:,}".replace(",", "\u202f")


def text(value, *, max_length, min_length=0, required=True, multiline=False, what="Ce texte"):
    """Free text on one line (or several): trimmed, inner spaces kept, length in characters."""
    value = value if isinstance(value, str) else ""
    if len(value) > max_length * 4:  # oversized: refuse before any other work
        return "", f"Saisissez au plus {_count(max_length)} caractères."
    cleaned = value.strip()
    if not cleaned:
        return "", REQUIRED if required else None
    error = hostile_error(cleaned, multiline)
    if error:
        return cleaned, error
    if not multiline:
        cleaned = " ".join(cleaned.split())
    if len(cleaned) > max_length:
        return cleaned, f"Saisissez au plus {_count(max_length)} caractères ({_count(len(cleaned))} saisis)."
    if len(cleaned) < min_length:
        return cleaned, f"Saisissez au moins {_count(min_length)} caractères ({_count(len(cleaned))} saisis)."
    return cleaned, None


def name(value, what="Le nom"):
    """A nom or prénom: letters, spaces, hyphens, apostrophes."""
    cleaned, error = text(value, max_length=NAME_MAX, what=what)
    if error:
        return cleaned, error
    if not _NAME.match(cleaned):
        return (
            cleaned,
            f"{what} ne peut contenir que des lettres, des espaces, des traits d'union et des apostrophes.",
        )
    return cleaned, None


def phone(value, required=True, mobile=False):
    """A French number, stored as 10 digits: "01 23 45 67 89", "+33 1 23 45 67 89"."""
    cleaned, error = text(value, max_length=30, required=required, what="Le numéro")
    if error or not cleaned:
        return cleaned, error
    number = _PHONE_SEPARATORS.sub("", cleaned)
    for prefix in ("+33", "0033"):
        if number.startswith(prefix):
            number = "0" + number[len(prefix):]
    if mobile:
        if not re.fullmatch(r"0[67]\d{8}", number):
            return (
                cleaned,
                "Numéro de portable français attendu : 06 ou 07 suivi de 8 chiffres (ex. 06 12 34 56 78).",
            )
    elif not re.fullmatch(r"0[1-9]\d{8}", number):
        return (
            cleaned,
            "Numéro de téléphone français attendu : 10 chiffres commençant par 0 (ex. 01 23 45 67 89).",
        )
    return number, None


def email(value):
    """A well-formed address (no DNS lookup), normalised (domain in lower case)."""
    cleaned, error = text(value, max_length=EMAIL_MAX, what="L'adresse électronique")
    if error:
        return cleaned, error
    try:
        # test_environment: the demo firm's addresses are on the reserved ".test" domain.
        result = validate_email(
            cleaned, check_deliverability=False, allow_smtputf8=False, test_environment=True
        )
    except EmailNotValidError:
        return cleaned, "Adresse électronique invalide (exemple : prenom.nom@cabinet.fr)."
    return result.normalized, None


def siret(value):
    """A typed SIRET: format and key (the directory check comes after)."""
    raw = value if isinstance(value, str) else ""
    if len(raw) > 40:
        return "", "Le SIRET doit comporter 14 chiffres."
    if raw.strip() and hostile_error(raw):
        return raw.strip(), hostile_error(raw)
    error = siret_error(raw)
    return clean_identifier(raw), error


def secret_question(value):
    return text(value, min_length=QUESTION_MIN, max_length=QUESTION_MAX, what="La question")


def secret_answer(value, question=""):
    cleaned, error = text(value, min_length=ANSWER_MIN, max_length=ANSWER_MAX, what="La réponse")
    if not error and question and fold(cleaned) in fold(question):
        return cleaned, "La réponse ne doit pas figurer dans la question."
    return cleaned, error


def collect(checks):
    """Run {field: (cleaned, error)} checks: (cleaned values, {field: error})."""
    values = {k: v[0] for k, v in checks.items()}
    errors = {k: v[1] for k, v in checks.items() if v[1]}
    return values, errors


LONG_MESSAGE_MAX = 4000  # an assistance request tells a whole story; the inscription's note is shorter
SEARCH_MAX = 100


def message(value, required=True):
    """A message of several lines (assistance requests, requests to the administrators)."""
    return text(value, max_length=LONG_MESSAGE_MAX, required=required, multiline=True, what="Le message")


def search_term(value):
    """A search box: empty is fine, hostile or oversized is not."""
    return text(value, max_length=SEARCH_MAX, required=False, what="La recherche")


def checked(checks):
    """The cleaned values, or Invalid with every field's message (nothing is written)."""
    values, errors = collect(checks)
    if errors:
        raise Invalid(errors)
    return values
