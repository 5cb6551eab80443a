"""Vos notifications: each person's notices in one place, kept NOTICE_MONTHS months.

Any area records a notice with notify() (or notify_each() for a text per person) inside the
transaction of the change it tells about; the recipients who chose that kind by mail also get it in
the outbox. The webapp reads the list, the unread count of the menu, and marks notices as read.
A kind is a key of KINDS; a notice's link is an endpoint of the portal ("endpoint" or
"endpoint?name=value"), resolved by the webapp, so that db/ knows no URL.
"""
from db.notifications import notices, rights_ending
from db.notifications.kinds import KINDS, Kind
from db.notifications.notices import (
    NOTICE_MONTHS,
    choosable,
    mail_choices,
    mark_all_read,
    mark_read,
    notify,
    notify_each,
    purge,
    set_mail_choices,
    unread_count,
)

__all__ = ["KINDS", "Kind", "NOTICE_MONTHS", "choosable", "mail_choices", "mark_all_read", "mark_read",
           "notify", "notify_each", "page", "purge", "set_mail_choices", "unread_count"]


def page(user, number=1, unread_only=False):
    """One page of the person's notices (see notices.page); an administrator reading them first gets
    the notice of the firm's rights ending within 7 days, if not announced yet (rights_ending)."""
    rights_ending.announce(user)
    return notices.page(user, number, unread_only)
