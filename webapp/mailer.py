"""Delivery of queued mail after the request's transaction has committed, and the absolute
links that mails carry."""
from flask import current_app, url_for

from db.mail.delivery import SmtpSettings, deliver_pending
from db.mail.people_mails import TOKEN_PLACEHOLDER, Links

DEMO_PUBLIC_URL = "http://127.0.0.1:5000"  # scripts/run.sh and `flask run` serve there


def smtp_settings():
    config = current_app.config
    if not config["MAIL_HOST"]:
        return None
    return SmtpSettings(
        host=config["MAIL_HOST"], port=int(config["MAIL_PORT"]), security=config["MAIL_SECURITY"],
        username=config["MAIL_USERNAME"], password=config["MAIL_PASSWORD"], sender=config["MAIL_SENDER"],
        cafile=config["MAIL_CA_FILE"] or "",
    )


def send_queued():
    """Send what operations queued; with no SMTP configured the messages stay in the outbox.

    The user's action is already committed: a mail server that fails leaves the message queued
    (with its error) rather than turning the answer into an error page.
    """
    try:
        return deliver_pending(smtp_settings())
    except Exception:  # noqa: BLE001 - anything SMTP or TLS may raise; logged, retried later
        current_app.logger.exception("Envoi des courriels en attente impossible")
        return 0, 0


def public_base(config):
    """Where mailed links point: PUBLIC_URL; in demo mode without it, the server name from the
    configuration or the loopback address the README serves on. Never the request's Host header: a
    visitor sending "Host: evil.example" would otherwise get the reset links of others mailed there."""
    public = (config.get("PUBLIC_URL") or "").rstrip("/")
    if public:
        return public
    if config.get("SERVER_NAME"):
        return f"{config['PREFERRED_URL_SCHEME']}://{config['SERVER_NAME']}"
    return DEMO_PUBLIC_URL


def absolute_url(endpoint, **values):
    """The link to put in a mail: a path of this site under public_base()."""
    return public_base(current_app.config) + url_for(endpoint, **values)


def _optional_url(endpoint):
    """The absolute link of an endpoint, or "" when this app has no such view."""
    return absolute_url(endpoint) if endpoint in current_app.view_functions else ""


def mail_links():
    """The absolute links of the people areas' mails (login, activation, assistance, requests)."""
    return Links(
        login=absolute_url("auth.login"),
        activation=absolute_url("activation.activate", token=TOKEN_PLACEHOLDER),
        assistance=_optional_url("assistance.new"),
        requests=_optional_url("requests.index"),
    )


def link_with_token(endpoint):
    """A function token -> absolute URL of endpoint(token=…), for db/ operations that mint tokens."""
    return lambda token: absolute_url(endpoint, token=token)
