"""Fixtures of the people tests: a second firm, mail links, the outbox, a real SMTP server, a
query counter."""
import email
import email.policy
import re
import socket

import pytest

from db import clock
from db.accounts.firms import create_firm, new_user
from db.mail.people_mails import Links
from db.models import OutgoingMail, User
from db.models.accounts import ROLE_DECLARANT

LINKS = Links(login="http://portail.test/connexion", activation="http://portail.test/activation/__TOKEN__",
              assistance="http://portail.test/besoin-d-aide/", requests="http://portail.test/gestion/demandes/")
OTHER_SIRET = "44306184100047"
PASSWORD = "Motdepasse-Solide-42"
_LINK = re.compile(r"https?://\S+/activation/(\S+)")


def mails(to=None):
    """Queued mails, oldest first (optionally to one address)."""
    query = OutgoingMail.select().order_by(OutgoingMail.id)
    if to is not None:
        query = query.where(OutgoingMail.to == to)
    return list(query)


def activation_token(to):
    """The token of the last activation link mailed to an address."""
    tokens = [m for mail in mails(to) for m in _LINK.findall(mail.body)]
    assert tokens, f"no activation link mailed to {to}"
    return tokens[-1]


def make_firm(siret=OTHER_SIRET, name="CABINET TEST", admin=("BERNARD", "Alice"), declarants=(("PETIT", "Marc"),)):
    """A firm with one active administrator (password PASSWORD) and déclarants; returns (firm, admin, [déclarants])."""
    firm, boss = create_firm(siret, name, "1 rue du Test 75001 PARIS",
                             {"nom": admin[0], "prenom": admin[1], "email": f"{admin[1].lower()}@{siret}.test",
                              "email_validated_at": clock.now()}, PASSWORD)
    people = [new_user(firm, nom, prenom, f"{prenom.lower()}@{siret}.test", ROLE_DECLARANT, password=PASSWORD,
                       email_validated_at=boss.email_validated_at) for nom, prenom in declarants]
    return firm, boss, people


def reload(user):
    return User.get_by_id(user.id)


@pytest.fixture
def firm(db_engine):
    return make_firm()


@pytest.fixture
def other_firm(app):
    """A second firm next to the demo firm of the app fixture."""
    from db.database import database

    with database.connection_context():
        return make_firm(siret=OTHER_SIRET, name="AUTRE CABINET")


@pytest.fixture
def demo_users(app):
    """The demo firm's people by nom: MOUTIN (admin), DURAND, LEROY."""
    from db.database import database

    with database.connection_context():
        return {u.nom: u for u in User.select().where(User.firm.is_null(False))}


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """What a real aiosmtpd server on loopback received."""

    def __init__(self):
        self.messages = []
        self.port = _free_port()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted"

    def to(self, address):
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp_inbox(app):
    """A real SMTP server on 127.0.0.1; the app delivers to it."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    app.config.update(MAIL_HOST="127.0.0.1", MAIL_PORT=inbox.port, MAIL_SECURITY="",
                      MAIL_SENDER="Portail tiers déclarant <ne-pas-repondre@portail.test>")
    yield inbox
    controller.stop()


