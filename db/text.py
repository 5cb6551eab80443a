"""Text helpers shared by db/ operations."""
import unicodedata


def fold(value):
    """Lower-case, accents removed, inner spaces collapsed: "  Éloïse  Dupré " -> "eloise dupre"."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def like_pattern(term):
    """A LIKE pattern matching term anywhere, with LIKE's wildcards escaped."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
