"""Outgoing mail: operations queue messages in their transaction; delivery happens after commit.

With no SMTP host configured (the embedded default), messages stay in the outbox table, which
the "Boîte d'envoi" page shows in demo mode. With a host, deliver_pending() sends them by SMTP
(plain, STARTTLS or SSL) and records success or the error.
"""
import contextvars
import hashlib
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from db import clock
from db.models import OutgoingMail

MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    security: str = ""  # "", "starttls" or "ssl"
    username: str = ""
    password: str = ""
    sender: str = "ne-pas-repondre@localhost"
    timeout: float = 10.0
    cafile: str = ""  # extra certificate authority to trust (a private relay, the tests)


# Demo mode: who caused the mails queued now (the webapp sets, per request, a function returning the
# digest of the browser session), so that the Boîte d'envoi shows each visitor its own mails only.
_caused_by = contextvars.ContextVar("mail_caused_by", default=None)


def origin_of(key):
    """The digest stored for a browser's outbox key (the key itself stays in the browser)."""
    return hashlib.sha256(key.encode()).hexdigest() if key else None


def caused_by(origin):
    """Mark the mails queued from now on (in this request) as caused by origin(); returns the token
    that release() takes."""
    return _caused_by.set(origin)


def release(token):
    _caused_by.reset(token)


def queue(to, subject, body, firm=None, to_sender=True):
    """Record a message to send (call inside the operation's transaction). to_sender=False: a mail to
    third parties (a firm's administrators), which the visitor who caused it does not get to read."""
    origin = _caused_by.get() if to_sender else None
    return OutgoingMail.create(to=to, subject=subject, body=body, firm=firm, created_at=clock.now(),
                               origin=origin() if origin else None)


def _message(mail, settings):
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2].strip(">") or "localhost")
    message.set_content(mail.body)
    return message


def _connect(settings):
    context = ssl.create_default_context(cafile=settings.cafile or None)
    if settings.security == "ssl":
        smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        if settings.security == "starttls":
            smtp.starttls(context=context)
        if settings.username:
            smtp.login(settings.username, settings.password)
    except (OSError, smtplib.SMTPException):
        smtp.close()
        raise
    return smtp


def deliver_pending(settings, limit=100):
    """Send unsent messages through SMTP; returns (sent, failed). No host: nothing is sent."""
    if settings is None or not settings.host:
        return 0, 0
    pending = list(
        OutgoingMail.select()
        .where(OutgoingMail.sent_at.is_null() & (OutgoingMail.attempts < MAX_ATTEMPTS))
        .order_by(OutgoingMail.id)
        .limit(limit)
    )
    if not pending:
        return 0, 0
    sent = failed = 0
    try:
        smtp = _connect(settings)
    except (OSError, smtplib.SMTPException) as exc:
        _failed(pending, exc)
        return 0, len(pending)
    with smtp:
        for mail in pending:
            try:
                smtp.send_message(_message(mail, settings))
            except (OSError, smtplib.SMTPException) as exc:
                _failed([mail], exc)
                failed += 1
            else:
                OutgoingMail.update(
                    sent_at=clock.now(), attempts=OutgoingMail.attempts + 1, error=None
                ).where(OutgoingMail.id == mail.id).execute()
                sent += 1
    return sent, failed


def _failed(mails, exc):
    OutgoingMail.update(attempts=OutgoingMail.attempts + 1, error=str(exc)[:500]).where(
        OutgoingMail.id.in_([m.id for m in mails])
    ).execute()


def outbox(origin=None, firm_id=None, limit=200):
    """The Boîte d'envoi of demo mode, newest first: the mails that the browser session `origin`
    caused, and for an administrator (firm_id) those of the firm; nothing else."""
    shown = OutgoingMail.id.is_null()  # matches nothing: a visitor with no mail sees an empty box
    if origin:
        shown |= OutgoingMail.origin == origin
    if firm_id:
        shown |= OutgoingMail.firm == firm_id
    return OutgoingMail.select().where(shown).order_by(OutgoingMail.id.desc()).limit(limit)
