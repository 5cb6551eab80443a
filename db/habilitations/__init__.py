"""Gérer les habilitations: who may Déclarer and Payer what, for which SIRET, from when.

`operations` is the facade the webapp calls (search, pending ticks, Valider, copy), re-exported
here; the other modules are its parts: criteria (the search and the cells it covers), grid (a
page), cells (the state of named cells), edits (the pending ticks), changes (their plan), writes
(Valider), access_delay, csv_export and csv_import (the bulk file).
"""
from db.habilitations.criteria import CRITERIA_KEYS
from db.habilitations.operations import (
    copy_apply,
    copy_preview,
    edits_from,
    options,
    pending,
    search,
    validate,
)

__all__ = [
    "CRITERIA_KEYS",
    "copy_apply",
    "copy_preview",
    "edits_from",
    "options",
    "pending",
    "search",
    "validate",
]
