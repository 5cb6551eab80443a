"""What people type on the people, profile and assistance forms: the inscription's checkers
(db.account_fields: every checker returns (cleaned value, French message or None), hostile input
refused first), plus the longer messages, the search boxes, and `checked`, which raises one
Invalid with every field's message before anything is written.
"""
from db.account_fields import (  # noqa: F401 - re-exported: the people modules use one namespace
    EMAIL_MAX,
    HOSTILE_CONTROL,
    HOSTILE_HTML,
    HOSTILE_SQL,
    NAME_MAX,
    REQUIRED,
    collect,
    email,
    hostile_error,
    name,
    phone,
    secret_answer,
    secret_question,
    text,
)
from db.errors import Invalid

MESSAGE_MAX = 4000  # an assistance request tells a whole story; the inscription's note is shorter
SEARCH_MAX = 100


def message(value, required=True):
    """A message of several lines (assistance requests, requests to the administrators)."""
    return text(value, max_length=MESSAGE_MAX, required=required, multiline=True, what="Le message")


def search_term(value):
    """A search box: empty is fine, hostile or oversized is not."""
    return text(value, max_length=SEARCH_MAX, required=False, what="La recherche")


def checked(checks):
    """The cleaned values, or Invalid with every field's message (nothing is written)."""
    values, errors = collect(checks)
    if errors:
        raise Invalid(errors)
    return values
