"""Finding a portfolio's companies by raison sociale, accents and case ignored ("societe" finds
"SOCIÉTÉ", "électricité" finds "ELECTRICITE"), or by the beginning of their SIREN.

Each word typed must appear in the name. The name is not folded row by row (translate() costs
PostgreSQL 18 µs a name, a Python function as much to SQLite: 180 ms for 5,000 companies); the word is:
each letter becomes a class of its cases and accented forms ("e" -> [EeÈÉÊËèéêë]), matched by the
engine's C code, a regular expression on PostgreSQL, a GLOB on SQLite (5,000 names in ~10 ms).
"""
from peewee import Expression

from db.clients.search import ACCENTED, PLAIN, digit_prefix, words
from db.database import is_postgres
from db.identifiers import clean

NAME_MAX = 200  # Company.name's length
_FORMS = {}
for _accented, _plain in zip(ACCENTED, PLAIN, strict=True):
    if _accented.isalpha():
        _FORMS.setdefault(_plain, set()).add(_accented)


def _classes(word):
    """A folded word ([0-9a-z]+) as character classes: any case, any accent. Both a regular expression
    and, between stars, a GLOB pattern (no other special character can occur)."""
    forms = ({c, c.upper(), *_FORMS.get(c, ())} for c in word)
    return "".join(f"[{''.join(sorted(f))}]" if len(f) > 1 else f.pop() for f in forms)


def name_or_siren(term, name, siren):
    """The condition "the company matches term" (name, siren: its columns); None for an empty term.
    Digits only (spaces allowed) are the beginning of a SIREN (or of a SIRET: its SIREN part)."""
    # A raison sociale has at most 200 characters: a longer term matches nothing more, and would
    # grow the pattern past what the engines accept (SQLite refuses GLOB patterns over 50,000 bytes).
    term = (term or "").strip()[:NAME_MAX]
    if not term:
        return None
    digits = clean(term)
    if digits.isascii() and digits.isdigit():
        return digit_prefix(siren, digits[:9])
    found = words(term)
    if not found:
        return siren.is_null()  # punctuation only: nothing to look for
    condition = None
    for word in found:
        if is_postgres():
            clause = Expression(name, "~", _classes(word))
        else:
            clause = Expression(name, "GLOB", f"*{_classes(word)}*")
        condition = clause if condition is None else condition & clause
    return condition
