"""Time for db/ and for everything people read: the one source of "now" (naive UTC, what the database
stores, movable by tests: lockouts, delays, expiry), and its way back to the Paris time and French
dates people read in pages, mails and the journal."""
import datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
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


def to_paris(moment):
    """Stored datetimes are naive UTC; people read Paris time."""
    if moment is None:
        return None
    return moment.replace(tzinfo=datetime.UTC).astimezone(PARIS)


def paris_day_start(day):
    """Midnight of a Paris day, as the naive UTC the database stores."""
    local = datetime.datetime.combine(day, datetime.time(), tzinfo=PARIS)
    return local.astimezone(datetime.UTC).replace(tzinfo=None)


def datetime_fr(moment, with_time=True):
    """ "23/11/2026 à 14 h 05" (narrow no-break spaces around the h, as French typography writes times;
    or "23/11/2026") in Paris time; "" for no moment."""
    local = to_paris(moment)
    if local is None:
        return ""
    day = local.strftime("%d/%m/%Y")
    return f"{day} à {local.hour}\u202fh\u202f{local.minute:02d}" if with_time else day


def stamp_fr(moment):
    """ "23/11/2026 14:05:09" in Paris time, to the second: the journal's rows and exports."""
    return to_paris(moment).strftime("%d/%m/%Y %H:%M:%S")


MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre")
WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def time_fr(moment):
    """ "15 h 32" in Paris time, with narrow no-break spaces (as datetime_fr and the time_fr filter)."""
    local = to_paris(moment)
    return f"{local.hour}\u202fh\u202f{local.minute:02d}"


def moment_fr(moment):
    """ "02/12/2026 à 15 h 32" in Paris time: a date and an hour in a list or a journal."""
    return f"{to_paris(moment).strftime('%d/%m/%Y')} à {time_fr(moment)}"


def long_moment_fr(moment, weekday=False, year=True):
    """ "mercredi 2 décembre 2026 à 15 h 32" in Paris time: a date and an hour in a sentence."""
    local = to_paris(moment)
    day = f"{WEEKDAYS_FR[local.weekday()]} " if weekday else ""
    text = f"{day}{'1er' if local.day == 1 else local.day} {MONTHS_FR[local.month - 1]}"
    return f"{text}{f' {local.year}' if year else ''} à {time_fr(moment)}"


def last_day(until):
    """The Paris day a right ending at `until` (exclusive: midnight after its last day) is last usable."""
    return to_paris(until - datetime.timedelta(seconds=1)).date()


def until_fr(until):
    """ "04/12/2026": the last day of a right that ends at `until` (« jusqu'au 04/12/2026 » inclus)."""
    return last_day(until).strftime("%d/%m/%Y") if until is not None else ""


def until_long_fr(until):
    """ "vendredi 4 décembre 2026": the same day in a sentence."""
    day = last_day(until)
    number = "1er" if day.day == 1 else day.day
    return f"{WEEKDAYS_FR[day.weekday()]} {number} {MONTHS_FR[day.month - 1]} {day.year}"
