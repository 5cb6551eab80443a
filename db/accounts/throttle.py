"""Throttling of logins (OWASP authentication cheat sheet): guessing is slowed per address and per
(address, account), with delays that grow, so that brute force stays impossible while an attacker
elsewhere cannot lock a known person out, nor a whole office behind one address.

- (address, account): 5 failures in a row are free, then each one more waits 1, 2, 4 … 60 minutes
  after the last; a success from that address starts again.
- address, any account: 20 failures in an hour are free, then the address waits likewise.
- account, from addresses it never logged in from (30 days): over 50 failures in an hour (many
  addresses guessing together), those addresses wait likewise; its usual ones do not.

The account is a digest of the login typed (the triplet, a support agent's address), the same for a
real and an unknown one: the delays and their messages never tell whether an account exists.
"""
import datetime
import hashlib

from peewee import fn

from db import clock
from db.errors import DomainError
from db.models import LoginAttempt
from db.text import fold

PAIR_FREE = 5
ADDRESS_FREE = 20
ACCOUNT_FREE = 50
WINDOW = datetime.timedelta(hours=1)
PAIR_MEMORY = datetime.timedelta(hours=24)  # failures older than this are forgiven
KNOWN_ADDRESS = datetime.timedelta(days=30)  # an address where the account logged in recently
MAX_DELAY_MINUTES = 60


class Throttled(DomainError):
    """An address (scope "address") or a login from an address (scope "account") must wait until `until`."""

    def __init__(self, until, scope="address"):
        self.until = until
        self.scope = scope
        super().__init__("Trop de tentatives.")


def login_key(*typed):
    """The account digest of what was typed (case, accents and spaces do not count)."""
    return hashlib.sha256("|".join(fold(part or "") for part in typed).encode()).hexdigest()


def _delay(excess):
    """The wait after the excess-th failure over the free ones (0: 1 minute, then doubling)."""
    return datetime.timedelta(minutes=min(2 ** min(excess, 16), MAX_DELAY_MINUTES))


def _failures(where):
    """(count, last moment) of the failed attempts matching where."""
    return (LoginAttempt.select(fn.COUNT(LoginAttempt.id), fn.MAX(LoginAttempt.at))
            .where(where & ~LoginAttempt.success).tuples().first()) or (0, None)


def _waiting(count, last, free, now):
    """The end of the wait, when count failures (the last at `last`) exceed `free` and it is not over."""
    if count < free or last is None:
        return None
    until = last + _delay(count - free)
    return until if until > now else None


def check_address(ip, now=None):
    """Raise Throttled when the address failed too often within the hour (any account, any form)."""
    if not ip:
        return
    now = now or clock.now()
    recent = _failures((LoginAttempt.ip == ip) & (LoginAttempt.at > now - WINDOW))
    until = _waiting(*recent, ADDRESS_FREE, now)
    if until:
        raise Throttled(until, "address")


def check_account(ip, account, now=None):
    """Raise Throttled(scope="account") when this login must wait from this address."""
    now = now or clock.now()
    pair = (LoginAttempt.ip == (ip or "")) & (LoginAttempt.account == account)
    # By id, not time: a success and the failures after it may share a second.
    last_success = (LoginAttempt.select(fn.MAX(LoginAttempt.id))
                    .where(pair & LoginAttempt.success & (LoginAttempt.at > now - KNOWN_ADDRESS)).scalar())
    since_success = (LoginAttempt.id > last_success) if last_success else True
    until = _waiting(*_failures(pair & (LoginAttempt.at > now - PAIR_MEMORY) & since_success), PAIR_FREE, now)
    if until is None and last_success is None:  # the usual addresses of the account are spared
        until = _waiting(*_failures((LoginAttempt.account == account) & (LoginAttempt.at > now - WINDOW)),
                         ACCOUNT_FREE, now)
    if until:
        raise Throttled(until, "account")


def record(ip, success, account=None, now=None):
    """Remember one attempt (a login, a recovery look-up); forget the address's old failures.
    Returns the end of the wait that this failure starts, or None."""
    if not ip and account is None:
        return None
    now = now or clock.now()
    ip = (ip or "")[:45]
    LoginAttempt.delete().where(
        (LoginAttempt.ip == ip)
        & ((~LoginAttempt.success & (LoginAttempt.at < now - PAIR_MEMORY))
           | (LoginAttempt.at < now - KNOWN_ADDRESS))
    ).execute()
    LoginAttempt.create(ip=ip, at=now, success=success, account=account)
    if success or account is None:
        return None
    try:
        check_account(ip, account, now)
    except Throttled as exc:
        return exc.until
    return None
