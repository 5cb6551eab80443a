"""Text helpers shared by db/ operations."""
import re
import unicodedata


def fold(value):
    """Lower-case, accents removed, inner spaces collapsed: "  Éloïse  Dupré " -> "eloise dupre"."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


_WORD = re.compile(r"[0-9a-z]+")


def search_words(value):
    """The words of a text as a search compares them, each after a space: "Marché-Neuf, 22190" ->
    " marche neuf 22190" (lower case, accents and punctuation removed). SQLite calls it as the SQL
    function search_words (db/database.py) to fold a text it stores as written."""
    text = (value or "").lower() if (value or "").isascii() else fold(value)  # INSEE writes ASCII: fast
    return "".join(" " + word for word in _WORD.findall(text))


def like_pattern(term):
    """A LIKE pattern matching term anywhere, with LIKE's wildcards escaped."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
