"""Limits on what anyone may send without an account (Besoin d'aide, a request to join a firm): per
sender (the address the request comes from) and per target (the address mailed, the firm asked), so
that the portal relays no flood of mails, wherever it comes from and whomever it aims at."""
import datetime

from peewee import fn

from db import clock
from db.errors import DomainError
from db.models import RateEvent

KEEP = datetime.timedelta(days=1)


class TooMany(DomainError):
    """The sender sent enough for now; until says when it may send again."""

    def __init__(self, until, message):
        self.until = until
        super().__init__(message)


def check(scope, key, limit, window, message, now=None):
    """Raise TooMany(message) when key used scope `limit` times within window."""
    if not key:
        return
    now = now or clock.now()
    recent = (RateEvent.scope == scope) & (RateEvent.key == key[:100]) & (RateEvent.at > now - window)
    count, first = (RateEvent.select(fn.COUNT(RateEvent.id), fn.MIN(RateEvent.at))
                    .where(recent).tuples().first())
    if count >= limit:
        raise TooMany(first + window, message)


def record(scope, key, now=None):
    """One more use of scope by key (inside the caller's transaction); older ones are forgotten."""
    if not key:
        return
    now = now or clock.now()
    RateEvent.delete().where((RateEvent.scope == scope) & (RateEvent.key == key[:100])
                             & (RateEvent.at < now - KEEP)).execute()
    RateEvent.create(scope=scope, key=key[:100], at=now)
