"""What each mail of the account flows needs (its texts are templates/<name>/), queued in the caller's
transaction. Links are absolute URLs built by the webapp and passed in: db/ knows no routes.

Owned here: account created (with the validation link), a new validation link, password
recovery started (link by e-mail, secret question, request to the administrators), the
forgotten login, and the notice to administrators that a request waits for them.
"""
from db.mail import delivery, texts
from db.notifications.kinds import REQUEST_WAITING
from db.notifications.notices import notify

LINK_MINUTES = 60
LOGIN_REMINDER_SUBJECT = texts.subject("login_reminder")


def _to(user, name, firm_id=None, **context):
    """Mail `name` to the user, addressed by name, filed under the user's firm."""
    return texts.queue(user.email, name, firm_id or user.firm_id, recipient=user.full_name, user=user,
                       minutes=LINK_MINUTES, **context)


def account_created(user, firm, validation_url):
    """Account created: the first administrator must validate the address (link, 60 minutes)."""
    return _to(user, "account_created", firm.id, firm=firm, url=validation_url)


def validation_link(user, validation_url):
    """A new validation link, asked from the connexion page."""
    return _to(user, "validation_link", url=validation_url)


def reset_link(user, reset_url):
    """Recovery by e-mail: the link to choose a new password."""
    return _to(user, "reset_link", url=reset_url)


def password_reset_by_question(user, login_url):
    """Recovery by the secret question succeeded: tell the holder of the mailbox."""
    return _to(user, "password_reset_by_question", login_url=login_url)


def password_request_sent(user):
    """Recovery through the administrators: tell the requester what happens next."""
    return _to(user, "password_request_sent")


def request_waiting(admins, firm, what, requests_url):
    """Tell the firm's administrators that a request waits in "Demande en attente": by mail, and in
    Vos notifications."""
    admins = list(admins)
    notify(REQUEST_WAITING, admins, what, link="requests.index", firm_id=firm.id)
    subject, body = texts.render("request_waiting", what=what, requests_url=requests_url)
    return [delivery.queue(admin.email, subject, body, firm=firm.id, to_sender=False) for admin in admins]


def login_reminder(address, accounts, login_url):
    """Forgotten login: the triplets (SIRET, nom, prénom) of every account using the address."""
    return texts.queue(address, "login_reminder", accounts=accounts, login_url=login_url)
