"""Inscriptions in progress, kept in the database: the visitor's session holds only an opaque key.

The wizard's state (identity, hashes of the password and of the secret answer, choices) never
travels in the cookie, and a request that answers late cannot send an older state back: only the
step that starts an inscription writes the session, every other step writes here. A draft lives
DRAFT_HOURS after its last step; expired drafts are deleted whenever a new one starts.
"""
import datetime
import hashlib
import json
import secrets

from db import clock
from db.models import InscriptionDraft

DRAFT_HOURS = 4
KEY_BYTES = 32


def _hash(key):
    return hashlib.sha256(key.encode()).hexdigest()


def _expiry():
    return clock.now() + datetime.timedelta(hours=DRAFT_HOURS)


def start(state):
    """A new draft holding state; returns its key (to keep in the session). Deletes expired drafts."""
    purge()
    key = secrets.token_urlsafe(KEY_BYTES)
    InscriptionDraft.create(key_hash=_hash(key), state=json.dumps(state), expires_at=_expiry())
    return key


def load(key):
    """The state of the draft of key, or None when there is none (unknown or expired key)."""
    if not isinstance(key, str) or not key:
        return None
    draft = InscriptionDraft.get_or_none(
        (InscriptionDraft.key_hash == _hash(key)) & (InscriptionDraft.expires_at > clock.now())
    )
    return json.loads(draft.state) if draft is not None else None


def save(key, state):
    """Store the state of the draft of key, which lives DRAFT_HOURS more; False when it is gone."""
    return bool(
        InscriptionDraft.update(state=json.dumps(state), expires_at=_expiry())
        .where((InscriptionDraft.key_hash == _hash(key)) & (InscriptionDraft.expires_at > clock.now()))
        .execute()
    )


def discard(key):
    """Forget the draft of key (the inscription ended, was abandoned or refused)."""
    if isinstance(key, str) and key:
        InscriptionDraft.delete().where(InscriptionDraft.key_hash == _hash(key)).execute()


def purge():
    """Delete the expired drafts; returns how many."""
    return InscriptionDraft.delete().where(InscriptionDraft.expires_at <= clock.now()).execute()
