"""What each mail about people's accounts needs (its texts are templates/<name>/), and the links
they carry.

Operations queue these inside their transaction; the webapp delivers after commit. db/ knows no
routes: the webapp passes a Links with the absolute URLs to use.
"""
from dataclasses import dataclass

from db import clock
from db.mail import texts

ACTIVATION_HOURS = 72
TOKEN_PLACEHOLDER = "__TOKEN__"


@dataclass(frozen=True)
class Links:
    """Absolute URLs for mails; activation holds TOKEN_PLACEHOLDER where the token goes."""

    login: str = ""
    activation: str = ""
    assistance: str = ""
    requests: str = ""

    def activate(self, token):
        return self.activation.replace(TOKEN_PLACEHOLDER, token)


def when(moment=None):
    """ "23/11/2026 à 14 h 05" in Paris time, now by default."""
    return clock.datetime_fr(moment or clock.now())


def _to(user, name, firm, to=None, **context):
    """Mail `name` to the user (or to another of their addresses), addressed by name."""
    return texts.queue(to or user.email, name, firm.id, recipient=user.full_name, user=user, firm=firm,
                       **context)


def activation(user, firm, token, links, intro):
    """The activation link: choose a password and a secret question."""
    return _to(user, "activation", firm, intro=intro, url=links.activate(token), hours=ACTIVATION_HOURS)


def deactivated(user, firm, actor_name):
    return _to(user, "deactivated", firm, actor_name=actor_name)


def reactivated(user, firm, actor_name, links):
    return _to(user, "reactivated", firm, actor_name=actor_name, login_url=links.login)


def role_changed(user, firm, actor_name, links):
    return _to(user, "role_changed", firm, actor_name=actor_name, login_url=links.login)


def identifier_changed(user, firm, actor_name, old_name, admins, links):
    """Renamed: the login triplet changed. To the person, and to the firm's other administrators."""
    _to(user, "identifier_changed", firm, actor_name=actor_name, old_name=old_name, to_person=True,
        login_url=links.login)
    for admin in admins:
        texts.queue(admin.email, "identifier_changed", firm.id, recipient=admin.full_name, user=user,
                    firm=firm, actor_name=actor_name, old_name=old_name, to_person=False,
                    login_url=links.login)


def email_changed(user, firm, old, new):
    """To the old AND the new address, so that a hijacked account is noticed."""
    for address, to_old_address in ((old, True), (new, False)):
        _to(user, "email_changed", firm, to=address, old=old, new=new, to_old_address=to_old_address)


def security_changed(user, firm, what):
    """what: "mot de passe" or "question secrète"."""
    return _to(user, "security_changed", firm, what=what)


def cooptation_answered(user, firm, accepted, actor_name):
    return _to(user, "cooptation_answered", firm, accepted=accepted, actor_name=actor_name)


def access_refused(to, name, firm, actor_name):
    """To the address of someone who has no account here yet."""
    return texts.queue(to, "access_refused", firm.id, recipient=name, firm=firm, actor_name=actor_name)


def password_refused(user, firm, actor_name):
    return _to(user, "password_refused", firm, actor_name=actor_name)


def temporary_password(user, firm, password, links):
    return _to(user, "temporary_password", firm, password=password, login_url=links.login)


def assistance_received(request, echo=False):
    """The acknowledgement; the message is repeated only when echo (the sender's own validated address)."""
    return texts.queue(request.email, "assistance_received", request.firm_id, request=request, echo=echo)


def assistance_answered(request, answer):
    return texts.queue(request.email, "assistance_answered", request.firm_id, request=request, answer=answer)
