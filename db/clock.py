"""The one source of "now" for db/ operations, so tests can move time (lockouts, delays, expiry)."""
import datetime

_frozen = None


def now():
    """Current UTC time as a naive datetime (what the database stores)."""
    if _frozen is not None:
        return _frozen
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None, microsecond=0)


def freeze(moment):
    """Pin now() to moment (None releases it). For tests and the demo."""
    global _frozen
    _frozen = moment


def advance(**delta):
    """Move a frozen clock forward."""
    global _frozen
    _frozen = (_frozen or now()) + datetime.timedelta(**delta)
