"""Fixtures of the account tests: identities from the bundled Sirene sample, a walk through the
inscription's steps with the test client, and a real SMTP server (aiosmtpd) on loopback."""
import re
import socket
import subprocess
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from db.accounts import inscription

ACTIVE_SIRET = "10404942400013"  # ARCTURUS, 75010 PARIS: active in the sample
CLOSED_SIRET = "42178233500010"  # KIKOU, closed establishment
UNKNOWN_SIRET = "55210055400013"  # valid keys, absent from the sample
DEMO_SIRET = "97785096500020"
PASSWORD = "Cabinet-Arcturus-2026"
IDENTITY = {
    "siret": ACTIVE_SIRET, "nom": "Moutin", "prenom": "Claire", "phone": "01 23 45 67 89", "mobile": "",
    "email": "claire.moutin@arcturus.fr", "email_confirmation": "claire.moutin@arcturus.fr",
}
CREDENTIALS = {"password": PASSWORD, "confirmation": PASSWORD,
               "secret_question": "Quel est le nom de mon premier chien ?", "secret_answer": "Médor le Grand"}
LINK = re.compile(r"https?://\S+/(?:inscription/validation|mot-de-passe-oublie/lien)/([\w-]+)")


def state_for(identity=None, declarations=("DSN", "SOLTEA_EMPLOYEURS")):
    """A complete wizard state, as the steps produce it."""
    identity = inscription.check_identity(identity or IDENTITY)
    return {
        "identity": identity,
        "cgu_accepted": True,
        "credentials": inscription.check_credentials(CREDENTIALS, identity),
        "profile": {"profile": "clients", "domains": ["La DSN", "Formation"]},
        "declarations": list(declarations),
    }


def link_token(body):
    """The token of the first validation or reset link of a mail body."""
    return LINK.search(body).group(1)


class Wizard:
    """Walks the inscription's pages with the test client, as a person would."""

    def __init__(self, client):
        self.client = client

    def identity(self, **changes):
        return self.client.post("/inscription/", data={**IDENTITY, **changes})

    def through_credentials(self, identity=None):
        self.identity(**(identity or {}))
        self.client.post("/inscription/conditions", data={"decision": "accept"})
        self.client.post("/inscription/etablissement")
        return self.client.post("/inscription/mot-de-passe", data=CREDENTIALS)

    def through_profile(self, domains=("Formation",)):
        self.through_credentials()
        self.client.post("/inscription/recapitulatif")
        return self.client.post("/inscription/profil", data={"profile": "clients", "domains": list(domains)})

    def complete(self):
        self.through_profile()
        return self.client.post("/inscription/valider")


@pytest.fixture
def wizard(client):
    return Wizard(client)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """What the SMTP server received: envelopes and parsed messages."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def messages(self):
        return [message_from_bytes(e.original_content or e.content, policy=policy.default) for e in self.envelopes]


class SmtpServer:
    def __init__(self, controller, inbox, port):
        self.controller, self.inbox, self.port = controller, inbox, port


@pytest.fixture
def smtp_server():
    """A plain SMTP server on a free loopback port."""
    inbox, port = Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield SmtpServer(controller, inbox, port)
    controller.stop()


@pytest.fixture(scope="session")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 (the tests trust it as their own authority)."""
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return str(cert), str(key)


def authenticator(server, session, envelope, mechanism, auth_data):
    # handled=False: the server answers "535" itself when the credentials are wrong.
    return AuthResult(success=auth_data.login == b"portail" and auth_data.password == b"s3cret", handled=False)


from tests.people.conftest import firm  # noqa: E402, F401 - moved with the activation and profile tests
