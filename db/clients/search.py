"""Finding establishments by what people know: the SIRET or its beginning, the enseigne, the street,
the postcode, the town, the company's name; accents and case ignored ("plérin" finds "PLERIN").

Every establishment carries search_text: its SIRET, enseigne, address line, postcode, town and company
name in one text, written with the row (db/clients/writes.py registered_columns) and rewritten by
refresh_search_text() when one of them changes. Each engine indexes it with what it has, so that a
search stays a lookup at 60,000 establishments:

- SQLite: an FTS5 table (tokenizer unicode61, accents removed) over the column, kept by triggers
  (db/migrations/0300_establishment_search.py); a word is looked up as the few indexed words it begins
  (read from the index's vocabulary, migration 0930), not as an FTS5 prefix query, which copies and
  merges the whole list of every word it begins (« societe »: 60,000 rows, 15 ms, before ANDing them);
- PostgreSQL: the text is stored folded (lower case, accents and punctuation removed, a space before
  each word: stored_search_text), under a pg_trgm index; folding each row at query time instead
  (translate()) cost ~40 µs a row, a second for a common word over 69,000 establishments.

Both answer the same question: every word typed is the beginning of a word of the establishment.
A term of six digits or more (spaces allowed) is the beginning of a SIRET, read on the (firm, siret)
index.
"""
import re

from peewee import SQL, EnclosedNodeList, Expression, NodeList, Value, fn

from db.database import is_postgres
from db.identifiers import clean
from db.text import fold

FTS_TABLE = "establishment_search"
FTS_TERMS = "establishment_search_terms"  # fts5vocab of FTS_TABLE: its words, in order (migration 0930)
AS_WORDS = 16  # a search word beginning at most this many indexed words is looked up as those words
TRGM_INDEX = "establishment_search_trgm"
# What PostgreSQL's translate() replaces: accented letters (both cases, lower() of a C-locale database
# only folds ASCII) by their letter, punctuation by a space, so that words start after a space.
ACCENTED = "àâäáãåçéèêëíìîïñóòôöõúùûüýÿÀÂÄÁÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜÝŸ'’-.,;:/()&\"_"
PLAIN = "".join(fold(c) if c.isalpha() else " " for c in ACCENTED)
_WORD = re.compile(r"[0-9a-z]+")
SIRET_PREFIX_MIN = 6  # fewer digits may be a postcode or a street number: searched as a word


def words(term):
    """The words of a search as the index holds them: "Plérin, 22190" -> ["plerin", "22190"]."""
    folded = fold((term or "").replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae"))
    return _WORD.findall(folded)


def search_text_sql(*parts):
    """SQL joining parts (expressions, subqueries or values) with spaces, NULLs as ''."""
    text = None
    for part in parts:
        piece = fn.COALESCE(part, "")
        text = piece if text is None else text.concat(" ").concat(piece)
    return text


def stored_search_text(*parts):
    """SQL of an establishment's search_text from its parts: folded on PostgreSQL (the trigram index
    and the query read it as stored), as it is on SQLite (FTS5 folds it)."""
    text = search_text_sql(*parts)
    return fold_sql(text) if is_postgres() else text


def fold_sql(column):
    """PostgreSQL: the folded text the trigram index holds (see ACCENTED). lower() under the database's
    collation: a text joined with a SIRET takes its "C" collation (migration 0981), under which lower()
    folds ASCII letters only (Œ, Ł would stay capitals)."""
    return Value(" ").concat(fn.translate(fn.lower(NodeList((EnclosedNodeList([column]),
                                                             SQL('COLLATE "default"')))), ACCENTED, PLAIN))


def digit_prefix(column, digits):
    """column starts with digits, as a range that the column's index serves on both engines (LIKE
    'x%' cannot use it: SQLite's LIKE ignores case)."""
    return (column >= digits) & (column < next_text(digits))


def siret_digits(term):
    """The digits of a term that is the beginning of a SIRET (six digits or more), else None."""
    digits = clean(term)
    if digits.isascii() and digits.isdigit() and len(digits) >= SIRET_PREFIX_MIN:
        return digits[:14]
    return None


def matching(term, establishment, walked=False):
    """The condition "establishment matches term" (establishment: the Establishment model or an
    alias); None for an empty term. A term with no letter or digit matches nothing. walked: the rows
    are read through another index (the SIRETs in order) and each is tested against the words' hits,
    which SQLite would otherwise use as the way in (`id + 0` keeps it from doing so)."""
    if not (term or "").strip():
        return None
    digits = siret_digits(term)
    if digits:
        if len(digits) == 14:
            return establishment.siret == digits
        return digit_prefix(establishment.siret, digits)
    found = words(term)
    if not found:
        return establishment.id.is_null()  # nothing to look for
    if is_postgres():
        folded = establishment.search_text  # stored folded (stored_search_text)
        condition = None
        for word in found:
            clause = Expression(folded, "LIKE", f"% {word}%")
            condition = clause if condition is None else condition & clause
        return condition
    query, params = _fts_query(found)
    rowids = SQL(f"(SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH {query})", params)
    return (establishment.id + 0 if walked else establishment.id).in_(rowids)


def _fts_query(found):
    """SQL computing the FTS5 query of the words found, in the statement that uses it (no statement of
    its own): each word is the OR of the indexed words it begins (`("12" OR "120" OR "12743")`), read
    from the vocabulary, or when it begins more than AS_WORDS of them, a prefix query (`"1"*`); a word
    beginning none stays as it is, which finds nothing."""
    parts, params = [], []
    for word in found:
        parts.append(
            "(SELECT CASE WHEN COUNT(*) > ? THEN ? WHEN COUNT(*) = 0 THEN ? "
            "ELSE '(' || group_concat('\"' || term || '\"', ' OR ') || ')' END "
            f"FROM (SELECT term FROM {FTS_TERMS} WHERE term >= ? AND term < ? LIMIT ?))")
        params += [AS_WORDS, f'"{word}"*', f'"{word}"', word, next_text(word), AS_WORDS + 1]
    return " || ' AND ' || ".join(parts), tuple(params)


def next_text(text):
    """The first text after every text beginning with text (its last character's successor)."""
    return text[:-1] + chr(ord(text[-1]) + 1)


def refresh_search_text(condition):
    """Rewrite the search text of the establishments matching condition (after a change of their
    enseigne, address or company name), in one UPDATE."""
    from db.models import Company, Establishment

    company_name = Company.select(Company.name).where(Company.id == Establishment.company)
    Establishment.update(
        search_text=stored_search_text(
            Establishment.siret, Establishment.name, Establishment.street, Establishment.postcode,
            Establishment.town, company_name,
        )
    ).where(condition).execute()
