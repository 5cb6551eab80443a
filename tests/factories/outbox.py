"""The outbox (OutgoingMail) read as the recipients would: the mails queued, the links they carry."""
import re

from db.models import OutgoingMail

_ACTIVATION = re.compile(r"https?://\S+/activation/(\S+)")
_ACCOUNT_LINK = re.compile(r"https?://\S+/(?:inscription/validation|mot-de-passe-oublie/lien)/([\w-]+)")


def mails(to=None):
    """Queued mails, oldest first (optionally to one address)."""
    query = OutgoingMail.select().order_by(OutgoingMail.id)
    if to is not None:
        query = query.where(OutgoingMail.to == to)
    return list(query)


def activation_token(to):
    """The token of the last activation link mailed to an address."""
    tokens = [m for mail in mails(to) for m in _ACTIVATION.findall(mail.body)]
    assert tokens, f"no activation link mailed to {to}"
    return tokens[-1]


def link_token(body):
    """The token of the first address-validation or password-reset link of a mail body."""
    return _ACCOUNT_LINK.search(body).group(1)
