"""The rules of French typography on plain text, shared by the pages (webapp/typography.py applies them
between tags) and the mails (db/mail/texts.py applies them to the words of the templates, never to the
values inserted): a narrow no-break space (U+202F) before « : ; ? ! » and inside « », typographic
apostrophes, SIREN and SIRET grouped by narrow no-break spaces so that they never break across lines."""
import re

NNBSP = "\u202f"
APOSTROPHE = "\u2019"

# An ordinary or no-break space (or none after a word) before a high punctuation sign; not in
# "http://", "10:30", "a::b": the sign must be followed by a space, a quote, a tag or the end.
_BEFORE_SIGN = re.compile(r"(?<=[\w»)\]…])[ \u00a0\u202f]?([:;?!])(?=\s|$|<|»|\)|&)")
_LEADING_SIGN = re.compile(r"^[ \u00a0\u202f]([:;?!])(?=\s|$)")  # "<strong>Nom</strong> : …"
_AFTER_OPENING = re.compile(r"«[ \u00a0\u202f]?")
_BEFORE_CLOSING = re.compile(r"[ \u00a0\u202f]?»")
_STRAIGHT = re.compile(r"(?<=\w)(?:'|&#39;|&#x27;)(?=\w)")  # in markup, Jinja and WTForms escape it
# 9 or 14 digits grouped 3 3 3 (5) by ordinary spaces: a SIREN or a SIRET as the portal writes them.
_IDENTIFIER = re.compile(r"\b(\d{3}) (\d{3}) (\d{3})(?: (\d{5}))?\b")


def french_text(text, apostrophes=True):
    """The text with French typography (apostrophes=False leaves straight apostrophes alone)."""
    if apostrophes:
        text = _STRAIGHT.sub(APOSTROPHE, text)
    text = _BEFORE_SIGN.sub(NNBSP + r"\1", text)
    text = _LEADING_SIGN.sub(NNBSP + r"\1", text)
    text = _AFTER_OPENING.sub("«" + NNBSP, text)
    text = _BEFORE_CLOSING.sub(NNBSP + "»", text)
    return _IDENTIFIER.sub(lambda m: NNBSP.join(g for g in m.groups() if g), text)
