"""Delivery of queued mail after the request's transaction has committed."""
from flask import current_app

from db.mail import SmtpSettings, deliver_pending


def smtp_settings():
    config = current_app.config
    if not config.get("MAIL_HOST"):
        return None
    return SmtpSettings(
        host=config["MAIL_HOST"], port=int(config["MAIL_PORT"]), security=config["MAIL_SECURITY"],
        username=config["MAIL_USERNAME"], password=config["MAIL_PASSWORD"], sender=config["MAIL_SENDER"],
    )


def send_queued():
    """Send what operations queued; with no SMTP configured the messages stay in the outbox."""
    return deliver_pending(smtp_settings())
