"""The administrator's dashboard on the Menu personnalisé: the firm's counts, the rights becoming usable in
the next 24 hours, and what to do next when something is still empty.

Every figure is a maintained count (Portfolio.company_count, Firm.pending_request_count, the tiles' tally
RightTally) scoped to the acting administrator's firm: the page costs the same for 3 or 30,000 companies
and for 100 or 1,000,000 habilitations."""
import datetime
from dataclasses import dataclass, field

from peewee import SQL, Case, Select, fn

from db import clock
from db.access import require_admin
from db.accounts.sessions import Extension
from db.habilitations import review
from db.models import Firm, Portfolio, RightTally, User
from db.notifications import rights_ending
from db.prepared import Prepared

SOON = datetime.timedelta(hours=24)


@dataclass
class Dashboard:
    portfolios: int
    companies: int
    establishments: int
    people: int
    pending_requests: int
    soon_count: int = 0  # habilitations becoming usable (their first right) in the next 24 hours
    soon: list = field(default_factory=list)  # [(moment they become usable, how many)], the first 5
    review_due: int = 0  # people whose rights' review is due (Revue des habilitations)
    review_people: int = 0


# Each row of the dashboard's statement says what it is in its first column.
COUNTS, COMING, ENDING = 0, 1, 2
_NULL = SQL("NULL")


def _counts(firm, since, pad):
    # The firm's people counted in one pass (all, active, active and due for review), not one pass each.
    active = User.is_active
    people = (User.select(fn.COUNT(User.id).alias("people"),
                          fn.COUNT(Case(None, [(active, 1)])).alias("active"),
                          fn.COUNT(Case(None, [(active & review.due_since(since), 1)])).alias("due"))
              .where(User.firm == firm).alias("people"))
    portfolios = (Portfolio.select(fn.COUNT(Portfolio.id).alias("portfolios"),
                                   fn.COALESCE(fn.SUM(Portfolio.company_count), 0).alias("companies"),
                                   fn.COALESCE(fn.SUM(Portfolio.establishment_count), 0)
                                   .alias("establishments"))
                  .where(Portfolio.firm == firm).alias("portfolios"))
    pending = Firm.select(Firm.pending_request_count).where(Firm.id == firm)
    return Select((portfolios, people), pad(
        SQL(str(COUNTS)), portfolios.c.portfolios, portfolios.c.companies, portfolios.c.establishments,
        people.c.people, pending, people.c.due, people.c.active, _NULL))


def _coming(firm, after, until, pad):
    # The tally counts each habilitation once, at the moment its first right (Déclarer or Payer)
    # becomes usable: a handful of rows per person, never the habilitations themselves.
    return (RightTally.select(*pad(SQL(str(COMING)), fn.SUM(RightTally.establishments), *[_NULL] * 6,
                                   RightTally.usable_from))
            .join(User)
            .where(User.firm == firm, RightTally.usable_from > after, RightTally.usable_from <= until,
                   RightTally.usable_until.is_null() | (RightTally.usable_until > RightTally.usable_from))
            .group_by(RightTally.usable_from))


def _ending(firm, after, until, pad):
    # The batches of rights ending within 7 days not announced yet (db/notifications/rights_ending.py).
    end, rights, people = rights_ending.batch_columns()
    return rights_ending.batches(firm, after, until, unannounced=True,
                                 columns=pad(SQL(str(ENDING)), rights, people, *[_NULL] * 5, end))


def _parts(firm, since, after, until, ending_until, pad=lambda *columns: columns):
    return [_counts(firm, since, pad), _coming(firm, after, until, pad),
            _ending(firm, after, ending_until, pad)]


def moments(now, review_months):
    """The dashboard's moments at now: reviews due since, rights coming from / until, rights ending until."""
    return review.months_before(now, review_months), now, now + SOON, rights_ending.until_of(now)


# The firm's counts and review status, the rights becoming usable soon and the batches of rights ending
# not announced yet, each row tagged by its kind (first column, its moment last): one statement, built
# once (db/prepared.py). On PostgreSQL each statement of the Menu is a round trip and an executor's start.
_DASHBOARD = Prepared(lambda firm, *moments: _union(_parts(firm, *moments)), int, *[datetime.datetime] * 4,
                      server_side=True)
_moment = RightTally.usable_from.python_value  # a stored moment (text on SQLite) as a datetime


def _union(parts):
    query = parts[0]
    for part in parts[1:]:
        query = query.union_all(part)
    return query


def _session_dashboard(me, pad, *moments):
    # The firm of the session's user when an administrator: no figure of a firm for anyone else.
    return _parts(me.admin_firm, *moments, pad=pad)


def _keep_session_dashboard(user, rows):
    user.dashboard_rows = rows


# The Menu personnalisé reads its dashboard with the session (db/accounts/sessions.py): one statement for
# the whole page. Its values: moments(now, review_months); dashboard() uses its rows once.
# Its types are its columns' own (COUNT and SUM: bigint; the pending requests: an integer column), so
# that PostgreSQL plans the UNION ALL flat.
SESSION_DASHBOARD = Extension("dashboard", ("integer", *["bigint"] * 4, "integer", "bigint", "bigint",
                                            "timestamp"),
                              _session_dashboard, (datetime.datetime,) * 4, _keep_session_dashboard)


def dashboard(actor, review_months=review.DEFAULT_MONTHS):
    """The counts of the actor's firm (administrators only), and its review status. Reading it tells
    the administrators of rights ending within 7 days, if not told yet (rights_ending)."""
    require_admin(actor)
    now = clock.now()
    rows = getattr(actor, "dashboard_rows", None)
    if rows is None:
        rows = _DASHBOARD.cursor(actor.firm_id, *moments(now, review_months)).fetchall()
    else:  # read with the session (SESSION_DASHBOARD, the same review_months), for this one use
        actor.dashboard_rows = None
    rights_ending.announce(actor, rights_ending.read_batches(
        (row[-1], row[1], row[2]) for row in rows if row[0] == ENDING), now)
    counts = next(row for row in rows if row[0] == COUNTS)
    _, portfolios, companies, establishments, people, pending, due, active, _ = counts
    soon = sorted((_moment(row[-1]), int(row[1])) for row in rows if row[0] == COMING)
    return Dashboard(portfolios, int(companies), int(establishments), people, pending or 0,
                     sum(count for _, count in soon), soon[:5], due, active)
