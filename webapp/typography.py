"""French typography for what users read: a narrow no-break space (U+202F) before « : ; ? ! » and inside
« », typographic apostrophes, identifiers that never break across lines, times as "15 h 32".

`french` is the Jinja filter `fr` (and is safe on markup: it changes only the text between tags, never an
attribute, a URL or a script); `time_fr` the filter of times. tests/security/test_typography.py renders
every page of the access matrix and checks the result."""
import re

from markupsafe import Markup

NNBSP = "\u202f"
APOSTROPHE = "\u2019"

# An ordinary or no-break space (or none after a word) before a high punctuation sign; not in
# "http://", "10:30", "a::b": the sign must be followed by a space, a quote, a tag or the end.
_BEFORE_SIGN = re.compile(r"(?<=[\w»)\]…])[ \u00a0\u202f]?([:;?!])(?=\s|$|<|»|\)|&)")
_LEADING_SIGN = re.compile(r"^[ \u00a0\u202f]([:;?!])(?=\s|$)")  # "<strong>Nom</strong> : …"
_AFTER_OPENING = re.compile(r"«[ \u00a0\u202f]?")
_BEFORE_CLOSING = re.compile(r"[ \u00a0\u202f]?»")
_STRAIGHT = re.compile(r"(?<=\w)(?:'|&#39;|&#x27;)(?=\w)")  # in markup, Jinja and WTForms escape it
_TAG = re.compile(r"(<[^>]*>)")
_RAW = re.compile(r"<(script|style|textarea|pre|code)\b", re.I)
# 9 or 14 digits grouped 3 3 3 (5) by ordinary spaces: a SIREN or a SIRET as the portal writes them.
_IDENTIFIER = re.compile(r"\b(\d{3}) (\d{3}) (\d{3})(?: (\d{5}))?\b")


def _text(text, apostrophes=True):
    if apostrophes:
        text = _STRAIGHT.sub(APOSTROPHE, text)
    text = _BEFORE_SIGN.sub(NNBSP + r"\1", text)
    text = _LEADING_SIGN.sub(NNBSP + r"\1", text)
    text = _AFTER_OPENING.sub("«" + NNBSP, text)
    text = _BEFORE_CLOSING.sub(NNBSP + "»", text)
    return _IDENTIFIER.sub(lambda m: NNBSP.join(g for g in m.groups() if g), text)


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
