"""Outgoing mail: operations queue messages in their transaction; delivery happens after commit.

With no SMTP host configured (the embedded default), messages stay in the outbox table, which
the "Boîte d'envoi" page shows in demo mode. With a host, deliver_pending() sends them by SMTP
(plain, STARTTLS or SSL) and records success or the error.
"""
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


def queue(to, subject, body, firm=None):
    """Record a message to send (call inside the operation's transaction)."""
    return OutgoingMail.create(to=to, subject=subject, body=body, firm=firm, created_at=clock.now())


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


def outbox(limit=200):
    """The latest messages, newest first (the Boîte d'envoi of demo mode)."""
    return OutgoingMail.select().order_by(OutgoingMail.id.desc()).limit(limit)
