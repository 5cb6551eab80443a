"""Finding a portfolio's companies by raison sociale, accents and case ignored ("societe" finds
"SOCIÉTÉ", "électricité" finds "ELECTRICITE"), or by the beginning of their SIREN.

Each word typed must appear in the name. PostgreSQL folds the name with translate() (fold_sql, as the
establishment search does). SQLite has no such function, and a Python one costs ~10 µs a row: the word
becomes a GLOB pattern whose classes hold each letter's cases and accented forms ("e" -> [EeÈÉÊËèéêë]),
read by SQLite's C code over the portfolio's companies (5,000 names in a few milliseconds).
"""
from peewee import Expression

from db.clients.search import ACCENTED, PLAIN, digit_prefix, fold_sql, words
from db.database import is_postgres
from db.identifiers import clean

_FORMS = {}
for _accented, _plain in zip(ACCENTED, PLAIN, strict=True):
    if _accented.isalpha():
        _FORMS.setdefault(_plain, set()).add(_accented)


def _glob(word):
    """The GLOB pattern of a folded word ([0-9a-z]+): anywhere, any case, any accent."""
    classes = (f"[{''.join(sorted({c, c.upper(), *_FORMS.get(c, ())}))}]" if c.isalpha() else c for c in word)
    return "*" + "".join(classes) + "*"


def name_or_siren(term, name, siren):
    """The condition "the company matches term" (name, siren: its columns); None for an empty term.
    Digits only (spaces allowed) are the beginning of a SIREN (or of a SIRET: its SIREN part)."""
    term = (term or "").strip()
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
            clause = Expression(fold_sql(name), "LIKE", f"%{word}%")
        else:
            clause = Expression(name, "GLOB", _glob(word))
        condition = clause if condition is None else condition & clause
    return condition
