"""Revue des habilitations: each person's rights reviewed every REVIEW_MONTHS months (an access review,
as ISO 27001 and SOC 2 auditors ask), with « revu le », the review due, the people without login for
DORMANT_DAYS days, « Confirmer » (journaled) and the report of the reviews (from the journal).

The page costs the same for 200 people with a million habilitations: each person's rights per
service come from the tiles' maintained tally (RightTally, ended rights left out at read time), in
one grouped statement; the breakdown per portfolio of one person, read when it is unfolded, comes
from the grid's maintained tally (BoxTally) less that person's ended rights."""
import datetime
from dataclasses import dataclass, field

from peewee import Case, fn

from db import audit, clock
from db.access import firm_row, require_admin
from db.database import database
from db.models import (
    AuditEvent,
    BoxTally,
    Company,
    Declaration,
    Establishment,
    Habilitation,
    Portfolio,
    RightTally,
    User,
)
from db.models.box_tally import pay_box

DEFAULT_MONTHS = 12
DORMANT_DAYS = 90
ACTION = "habilitation.review"


def months_before(moment, months):
    """The same day `months` months before (the 28th for a day the month lacks)."""
    years, month = divmod(moment.month - 1 - months, 12)
    day = min(moment.day, 28 if month + 1 == 2 else 30 if month + 1 in (4, 6, 9, 11) else 31)
    return moment.replace(year=moment.year + years, month=month + 1, day=day)


@dataclass
class Person:
    user: User
    services: list = field(default_factory=list)  # [(Declaration label, establishments)]
    due: bool = False
    dormant: bool = False

    @property
    def rights(self):
        return sum(n for _, n in self.services)


@dataclass
class Review:
    people: list
    months: int
    due: int
    dormant: int


def _is_due(user, since):
    return user.reviewed_at is None or user.reviewed_at <= since


def _is_dormant(user, now):
    return (user.last_login_at or user.created_at) <= now - datetime.timedelta(days=DORMANT_DAYS)


def review(actor, months=DEFAULT_MONTHS):
    """Every active person of the firm with their rights per service, due reviews first."""
    require_admin(actor)
    now = clock.now()
    since = months_before(now, months)
    people = list(User.select().where((User.firm == actor.firm_id) & User.is_active)
                  .order_by(User.nom_key, User.prenom_key, User.id))
    live = RightTally.usable_until.is_null() | (RightTally.usable_until > now)
    rows = (RightTally.select(RightTally.user, Declaration.label, fn.SUM(RightTally.establishments))
            .join(Declaration, on=(RightTally.declaration == Declaration.id))
            .join_from(RightTally, User, on=(RightTally.user == User.id))
            .where((User.firm == actor.firm_id) & live)
            .group_by(RightTally.user, Declaration.id, Declaration.label, Declaration.position)
            .order_by(Declaration.position, Declaration.id).tuples())
    services = {}
    for user_id, label, count in rows:
        services.setdefault(user_id, []).append((label, int(count)))
    listed = [Person(u, services.get(u.id, []), _is_due(u, since), _is_dormant(u, now)) for u in people]
    listed.sort(key=lambda p: not p.due)
    return Review(listed, months, sum(p.due for p in listed), sum(p.dormant for p in listed))


def detail(actor, user_id):
    """One person's rights per portfolio and service: [(portfolio, service, Déclarer, Payer)], from the
    grid's maintained tally (BoxTally, per company) less the person's ended rights (few, by their index)."""
    require_admin(actor)
    person = firm_row(actor, User, user_id)
    t, h = BoxTally, Habilitation
    held = _per_service(t.select(Portfolio.name, Portfolio.id, Declaration.position, Declaration.label,
                                 fn.SUM(Case(None, [(t.declare, t.habilitations)], 0)),
                                 fn.SUM(Case(None, [(t.pay, t.habilitations)], 0)))
                        .join(Company, on=(t.company == Company.id))
                        .join(Portfolio, on=(Company.portfolio == Portfolio.id))
                        .switch(t).join(Declaration, on=(t.declaration == Declaration.id))
                        .where(t.user == person.id))
    ended = _per_service(h.select(Portfolio.name, Portfolio.id, Declaration.position, Declaration.label,
                                  fn.SUM(Case(None, [(h.declare, 1)], 0)),
                                  fn.SUM(Case(None, [(pay_box(), 1)], 0)))
                         .join(Establishment, on=(h.establishment == Establishment.id))
                         .join(Company, on=(Establishment.company == Company.id))
                         .join(Portfolio, on=(Company.portfolio == Portfolio.id))
                         .switch(h).join(Declaration, on=(h.declaration == Declaration.id))
                         # `user + 0`: the ended rights found by their own index, not among the
                         # person's 300,000 (SQLite took the user's index: 285 ms of 299)
                         .where(((h.user + 0) == person.id) & (h.active_until <= clock.now())))
    rows = []
    for key in sorted(held):
        declare, pay = (a - b for a, b in zip(held[key], ended.get(key, (0, 0)), strict=True))
        if declare or pay:
            rows.append((key[0], key[3], declare, pay))
    return person, rows


def _per_service(query):
    """{(portfolio, its id, position, service): (Déclarer, Payer)} of a query selecting them."""
    grouped = query.group_by(Portfolio.name, Portfolio.id, Declaration.position, Declaration.label,
                             Declaration.id)
    return {(p, pid, position, label): (int(declare or 0), int(pay or 0))
            for p, pid, position, label, declare, pay in grouped.tuples()}


def confirm(actor, user_id, months=DEFAULT_MONTHS):
    """« Confirmer »: the person's rights are reviewed as they are now (revu le: now), journaled with
    their count."""
    require_admin(actor)
    person = firm_row(actor, User, user_id)
    now = clock.now()
    live = RightTally.usable_until.is_null() | (RightTally.usable_until > now)
    with database.atomic():
        rights = (RightTally.select(fn.COALESCE(fn.SUM(RightTally.establishments), 0))
                  .where((RightTally.user == person.id) & live).scalar())
        User.update(reviewed_at=now).where(User.id == person.id).execute()
        audit.record(actor, ACTION, f"Habilitations de {person.full_name} revues et confirmées "
                     f"({int(rights)} habilitation{'s' if rights > 1 else ''})", obj=person)
    return person


def due_since(since):
    """SQL: the person's review is due (never reviewed, or last reviewed before since): the Menu
    personnalisé counts them (db/clients/dashboard.py) as _is_due tells them here."""
    return User.reviewed_at.is_null() | (User.reviewed_at <= since)


def report_rows(actor):
    """The review report: a header, then who reviewed whose rights, when, newest first."""
    require_admin(actor)
    yield ["Date", "Revu par", "Revue"]
    query = (AuditEvent.select(AuditEvent.at, AuditEvent.actor_name, AuditEvent.summary)
             .where((AuditEvent.firm == actor.firm_id) & (AuditEvent.action == ACTION))
             .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()))
    for at, name, summary in query.tuples().iterator():
        yield [clock.stamp_fr(AuditEvent.at.python_value(at)), name, summary]
