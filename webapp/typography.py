"""French typography for what users read (the rules are in db/formats/typography.py): a narrow no-break space
(U+202F) before « : ; ? ! » and inside « », typographic apostrophes, identifiers that never break across
lines, times as "15 h 32".

`french` is the Jinja filter `fr` (and is safe on markup: it changes only the text between tags, never an
attribute, a URL or a script); `time_fr` the filter of times. tests/security/test_typography.py renders
every page of the access matrix and checks the result."""
import functools
import re

from markupsafe import Markup

from db.formats.typography import NNBSP, french_text

# Remembered per process: a page applies it to the same labels (the menu's twenty) on every request,
# six regular expressions each.
_text = functools.lru_cache(maxsize=4096)(french_text)

_TAG = re.compile(r"(<[^>]*>)")
_RAW = re.compile(r"<(script|style|textarea|pre|code)\b", re.I)


def french(value, apostrophes=True):
    """The value with French typography; markup keeps its tags and attributes untouched.
    apostrophes=False leaves straight apostrophes as they are: the spacing of texts that journeys and
    people still look up by their straight-apostrophe words (see tests/security/test_typography.py)."""
    if value is None:
        return ""
    if not isinstance(value, Markup):
        return _text(str(value), apostrophes)
    out, raw = [], None
    for part in _TAG.split(str(value)):
        if part.startswith("<"):
            opening = _RAW.match(part)
            if opening:
                raw = opening.group(1).lower()
            elif raw and part.lower().startswith(f"</{raw}"):
                raw = None
            out.append(part)
        else:
            out.append(part if raw else _text(part, apostrophes))
    return Markup("".join(out))


def time_fr(moment):
    """A time of day as French typography writes it: "15 h 32" (no-break spaces)."""
    if moment is None:
        return ""
    return f"{moment.hour}{NNBSP}h{NNBSP}{moment.minute:02d}"


def init_app(app):
    app.jinja_env.filters.update(fr=french, fr_spacing=lambda value: french(value, apostrophes=False),
                                 time_fr=time_fr)
