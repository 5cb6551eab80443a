"""Recording notices (notify, notify_each), reading them (page, unread_count), marking them read, and
each person's choice of the kinds that also come by mail."""
from collections import Counter
from dataclasses import dataclass

from peewee import Case, fn

from db import bulk, clock, counts
from db.database import database
from db.errors import NotFound
from db.mail import texts
from db.models import USER_UNREAD_NOTICES, Notification, NotificationMail, User
from db.notifications.kinds import KINDS

NOTICE_MONTHS = 12
PER_PAGE = 50


def _expiry(moment):
    """NOTICE_MONTHS later, the same day of the month (the 28th for a 29th of February)."""
    years, month = divmod(moment.month - 1 + NOTICE_MONTHS, 12)
    year, month = moment.year + years, month + 1
    day = min(moment.day, 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)
    return moment.replace(year=year, month=month, day=day)


def _id(user):
    return getattr(user, "id", user)


def notify(kind, recipients, text, link="", firm_id=None):
    """Inside the caller's transaction: the same notice for every recipient (users or ids)."""
    return notify_each(kind, [(recipient, text) for recipient in recipients], link, firm_id)


def notify_each(kind, items, link="", firm_id=None):
    """Inside the caller's transaction: one notice per (recipient, text), in one statement; mailed
    to those who chose this kind by mail. Expired notices are deleted on the way. Returns the count."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of notice: {kind}")
    items = [(_id(user), text) for user, text in items]
    if not items:
        return 0
    now = clock.now()
    expires = _expiry(now)
    bulk.insert_rows(Notification, [
        {"firm": firm_id, "user": user_id, "kind": kind, "text": text, "link": link, "created_at": now,
         "expires_at": expires} for user_id, text in items
    ])
    counts.add(USER_UNREAD_NOTICES, Counter(user_id for user_id, _ in items))
    if not KINDS[kind].always_mailed:
        _mail(kind, items, firm_id)
    purge(now)
    return len(items)


def _mail(kind, items, firm_id):
    wanted = {
        user.id: user for user in User.select()
        .join(NotificationMail, on=(NotificationMail.user == User.id))
        .where((NotificationMail.kind == kind) & User.id.in_(list({u for u, _ in items})) & User.is_active)
    }
    for user_id, text in items:
        user = wanted.get(user_id)
        if user is not None:
            texts.queue(user.email, "notice", firm_id, recipient=user.full_name, label=KINDS[kind].label,
                        text=text)


def purge(now=None):
    """Delete the notices past their NOTICE_MONTHS (their unread ones leave the counts); returns how many."""
    expired = Notification.expires_at <= (now or clock.now())
    unread = dict(Notification.select(Notification.user, fn.COUNT(Notification.id))
                  .where(expired & Notification.read_at.is_null()).group_by(Notification.user).tuples())
    deleted = Notification.delete().where(expired).execute()
    counts.add(USER_UNREAD_NOTICES, {user_id: -n for user_id, n in unread.items()})
    return deleted


def _mine(user):
    return (Notification.user == user.id) & (Notification.expires_at > clock.now())


def unread_count(user):
    """The person's unread notices, read afresh (the menu reads the same maintained count,
    USER_UNREAD_NOTICES, with the session's user)."""
    return User.select(User.unread_notice_count).where(User.id == user.id).scalar()


@dataclass
class Page:
    notices: list
    total: int
    unread: int
    page: int
    pages: int


def page(user, number=1, unread_only=False):
    """One page of the person's notices, newest first, with the counts."""
    query = Notification.select().where(_mine(user))
    unread_case = Case(None, [(Notification.read_at.is_null(), 1)], 0)
    total, unread = query.select(fn.COUNT(Notification.id), fn.SUM(unread_case)).tuples().first() or (0, 0)
    if unread_only:
        query = query.where(Notification.read_at.is_null())
    shown = unread if unread_only else total
    pages = max(1, -(-int(shown or 0) // PER_PAGE))
    number = min(max(1, number), pages)
    newest_first = query.order_by(Notification.created_at.desc(), Notification.id.desc())
    notices = list(newest_first.paginate(number, PER_PAGE))
    return Page(notices, int(total or 0), int(unread or 0), number, pages)


def mark_read(user, notice_id):
    """Mark one of the person's notices read; another person's is NotFound."""
    notice = Notification.get_or_none((Notification.id == notice_id) & (Notification.user == user.id))
    if notice is None:
        raise NotFound()
    with database.atomic():
        if Notification.update(read_at=clock.now()).where(
                (Notification.id == notice.id) & Notification.read_at.is_null()).execute():
            counts.add(USER_UNREAD_NOTICES, {user.id: -1})
    return notice


def mark_all_read(user):
    """Mark every unread notice of the person read; returns how many."""
    with database.atomic():
        marked = Notification.update(read_at=clock.now()).where(
            (Notification.user == user.id) & Notification.read_at.is_null()).execute()
        counts.add(USER_UNREAD_NOTICES, {user.id: -marked})
    return marked


def choosable(user):
    """The kinds the person may also receive by mail: not those mailed anyway, not the
    administrators' ones for a déclarant."""
    return {k: kind for k, kind in KINDS.items()
            if not kind.always_mailed and (user.is_admin or not kind.admins_only)}


def mail_choices(user):
    """The kinds the person receives by mail too."""
    return {kind for (kind,) in NotificationMail.select(NotificationMail.kind)
            .where(NotificationMail.user == user.id).tuples()}


def set_mail_choices(user, kinds):
    """Keep exactly these kinds by mail (unknown or not choosable ones are ignored)."""
    chosen = set(kinds) & set(choosable(user))
    with database.atomic():
        NotificationMail.delete().where(NotificationMail.user == user.id).execute()
        if chosen:
            NotificationMail.insert_many([{"user": user.id, "kind": k} for k in sorted(chosen)]).execute()
    return chosen

