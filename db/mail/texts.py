"""The texts of the mails, one folder per mail: templates/<name>/subject.txt and body.txt, plain-text
Jinja templates whose bodies extend templates/_base/body.txt (the greeting and the one signature).

Plain text, so no HTML escaping: values go in exactly as people typed them ("<", "&" and "{{ }}"
included: Jinja never evaluates what it inserts). A value a template asks for and nobody passed is
an error, not a silent hole in a mail. Every template knows `now`, the moment of sending.

The words of the templates get French typography as they are loaded (db/formats/typography.py: narrow no-break
spaces before « : ; ? ! » and inside « », apostrophes ’), so the files stay easy to edit; the values
inserted never do (a temporary password or what someone wrote is sent as it is), except text the portal
wrote in Python, which a template marks with the `french` filter (a notice's text and label).
"""
import re
from pathlib import Path

import jinja2

from db import clock
from db.formats.typography import french_text
from db.identifiers import format_siret
from db.mail import delivery

TEMPLATES = Path(__file__).with_name("templates")
_SYNTAX = re.compile(r"(\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\})", re.S)


class _FrenchLoader(jinja2.FileSystemLoader):
    """Templates whose text between Jinja tags is in French typography (the tags are left alone)."""

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        parts = _SYNTAX.split(source)
        return "".join(p if i % 2 else french_text(p) for i, p in enumerate(parts)), filename, uptodate


_environment = jinja2.Environment(
    loader=_FrenchLoader(TEMPLATES),
    autoescape=False,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,  # a line holding only a {% tag %} leaves no empty line behind
    lstrip_blocks=True,
    keep_trailing_newline=False,  # the files end with a newline; subjects and bodies do not
)
_environment.filters.update(datetime_fr=clock.datetime_fr, siret=lambda s: french_text(format_siret(s)),
                            french=french_text)


def names():
    """Every mail that has texts, sorted (the folders beside _base)."""
    return sorted(p.name for p in TEMPLATES.iterdir() if p.is_dir() and not p.name.startswith("_"))


def subject(name, **context):
    """The subject line of mail `name`."""
    return _environment.get_template(f"{name}/subject.txt").render(context).strip()


def render(name, **context):
    """(subject, body) of mail `name`."""
    context = {"now": clock.now(), **context}
    return subject(name, **context), _environment.get_template(f"{name}/body.txt").render(context)


def queue(to, name, firm_id=None, **context):
    """Queue mail `name` to `to`, inside the caller's transaction; delivery happens after commit."""
    return delivery.queue(to, *render(name, **context), firm=firm_id)
