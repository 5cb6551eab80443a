"""The notice of rights coming to their end (« jusqu'au »), 7 days before, to the firm's administrators
(and by mail to those who chose it) — with no scheduler to run.

It is computed when an administrator reads the portal (at login, on the Menu personnalisé and on
Vos notifications): the firm's rights ending within NOTICE_DAYS are grouped by their end moment (one
batch per end: the same Valider, the same day of a bulk file), and each batch not announced yet gets
one notice per administrator. RightEndNotice keeps the moments announced, under a unique index on
(firm, end), so that two administrators reading at the same time, or the same one reading twice,
announce a batch once. An end granted later than the first reading of its window is announced at the
next reading.

The batches are read from the tiles' maintained tally (RightTally: per person, declaration, start and
end, how many rights), never from the rights themselves: reading them costs a few rows per person
whether the firm holds 100 or 1,000,000 habilitations, and only the ends not announced yet are read."""
import datetime

from peewee import SQL, fn

from db import clock
from db.database import database
from db.models import RightEndNotice, RightTally, User
from db.models.accounts import ROLE_ADMIN
from db.notifications.kinds import RIGHTS_ENDING
from db.notifications.notices import notify
from db.prepared import Prepared

NOTICE_DAYS = 7
REVIEW = "rights_review.index"


def _plural(count, word):
    return f"{count:,}".replace(",", "\u202f") + f" {word}{'s' if count > 1 else ''}"


def batch_columns():
    """The SQL of a batch's (end, rights, people), for a statement that reads the batches with others."""
    return RightTally.usable_until, fn.SUM(RightTally.establishments), fn.COUNT(RightTally.user.distinct())


def batches(firm_id, after, until, unannounced=False, columns=None):
    """The query of the firm's batches ending after `after` and by `until`, one row per end (columns:
    batch_columns() unless given), in no order."""
    T = RightTally
    query = (T.select(*(columns or batch_columns()))
             .join(User, on=(T.user == User.id))
             .where((User.firm == firm_id) & (T.establishments > 0) & (T.usable_until > after)
                    & (T.usable_until <= until)))
    if unannounced:
        told = RightEndNotice.select(SQL("1")).where((RightEndNotice.firm == firm_id)
                                                     & (RightEndNotice.ends_at == T.usable_until))
        query = query.where(~fn.EXISTS(told))
    return query.group_by(T.usable_until).tuples()


# Read at login and on Vos notifications: its SQL built once (db/prepared.py). The Menu personnalisé reads
# the same batches in its dashboard's statement (db/clients/dashboard.py).
_UNANNOUNCED = Prepared(lambda firm, after, until: batches(firm, after, until, unannounced=True)
                        .order_by(RightTally.usable_until), int, datetime.datetime, datetime.datetime,
                        server_side=True)
_end = RightTally.usable_until.python_value  # a stored moment (text on SQLite) as a datetime


def until_of(now):
    """The last moment whose rights' end is announced at `now`."""
    return now + datetime.timedelta(days=NOTICE_DAYS)


def ending_soon(firm_id, now, unannounced=False):
    """[(end, rights, people)] of the firm's rights ending after now and within NOTICE_DAYS (unannounced:
    only the ends not announced yet), from the tally: it counts each right (Déclarer or Payer) held on an
    establishment once, under its end."""
    until = until_of(now)
    rows = (_UNANNOUNCED.execute(firm_id, now, until) if unannounced
            else batches(firm_id, now, until).order_by(RightTally.usable_until))
    return read_batches(rows)


def read_batches(rows):
    """[(end, rights, people)] of the batches' rows (batch_columns()), in the order of their ends."""
    return sorted((_end(end), int(rights), people) for end, rights, people in rows)


def text_of(end, rights, people):
    return (f"{_plural(rights, 'habilitation')} de {_plural(people, 'personne')} "
            f"{'prennent' if rights > 1 else 'prend'} fin après le {clock.until_long_fr(end)} "
            f"(« jusqu\u2019au {clock.until_fr(end)} ») : prolongez-les ou laissez-les s\u2019éteindre.")


def announce(actor, unannounced=None, now=None):
    """For an administrator of a firm: announce the batches of rights ending within NOTICE_DAYS that
    were not announced yet (idempotent). unannounced: those batches as ending_soon(…, unannounced=True)
    gives them at `now`, when the caller read them with its own statement. Returns how many batches
    were announced."""
    if actor is None or actor.firm_id is None or actor.role != ROLE_ADMIN:
        return 0
    now = now or clock.now()
    found = ending_soon(actor.firm_id, now, unannounced=True) if unannounced is None else unannounced
    if not found:
        return 0
    announced = 0
    with database.atomic():
        admins = [u for u, in User.select(User.id).where(
            (User.firm == actor.firm_id) & (User.role == ROLE_ADMIN) & User.is_active).tuples()]
        for end, rights, people in found:
            inserted = (RightEndNotice.insert(firm=actor.firm_id, ends_at=end, noticed_at=now)
                        .on_conflict_ignore().as_rowcount().execute())
            if inserted:
                notify(RIGHTS_ENDING, admins, text_of(end, rights, people), REVIEW, actor.firm_id)
                announced += 1
    return announced
