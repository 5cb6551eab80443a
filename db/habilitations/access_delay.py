"""Access delays: a habilitation granted now becomes usable after its declaration's delay.

The delay is Declaration.access_delay_hours (24 h unless the catalogue says otherwise); the
portal's setting ACCESS_DELAY_HOURS, when set, replaces it for every declaration (0 allowed).
Operations that grant rights store the result in Habilitation.active_from / pay_active_from;
pages that show rights (the grid, the tiles) read those stored moments and phrase them here.
"""
import datetime
import math

from db import clock

DEFAULT_HOURS = 24


def effective_hours(declaration_hours, override=None):
    """The delay that applies: the portal-wide override when set, else the declaration's own."""
    if override is not None and override != "":
        return max(0, int(override))
    if declaration_hours is None:
        return DEFAULT_HOURS
    return max(0, int(declaration_hours))


def active_from(granted_at, hours):
    """When a right granted at granted_at becomes usable."""
    return granted_at + datetime.timedelta(hours=hours)


def grant_moments(declaration_hours, override=None, now=None):
    """(granted_at, active_from) of a right granted now for a declaration with that delay."""
    granted = now or clock.now()
    return granted, active_from(granted, effective_hours(declaration_hours, override))


def is_usable(moment, now=None):
    """A held right is usable once its active_from is reached (NULL: no delay recorded)."""
    return moment is None or moment <= (now or clock.now())


def hours_left(moment, now=None):
    """Whole hours until moment, rounded up; 0 when it is reached."""
    if moment is None:
        return 0
    seconds = (moment - (now or clock.now())).total_seconds()
    return max(0, math.ceil(seconds / 3600))


def within_label(hours):
    """ "Accessible sous 24 heures", the guide's phrase for a delay (it writes « heure(s) »; the number is
    known here), or "Accessible immédiatement"."""
    if not hours:
        return "Accessible immédiatement"
    return f"Accessible sous {hours} heure{'s' if hours > 1 else ''}"
