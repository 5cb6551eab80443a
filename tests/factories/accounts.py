"""People signing up and getting their access back: the identities and credentials of the
inscription's steps (an active establishment of the bundled Sirene sample), a walk through its
pages, and the demo administrator's secret question for Mot de passe oublié."""
import datetime

from db.accounts import inscription
from db.accounts.passwords import hash_answer
from db.demo import DEMO_SIRET
from db.mail.people_mails import TOKEN_PLACEHOLDER, Links
from db.models import User

ACTIVE_SIRET = "10404942400013"  # ARCTURUS, 75010 PARIS: active in the sample
CLOSED_SIRET = "42178233500010"  # KIKOU, closed establishment
UNKNOWN_SIRET = "55210055400013"  # valid keys, absent from the sample
PASSWORD = "Cabinet-Arcturus-2026"
IDENTITY = {
    "siret": ACTIVE_SIRET, "nom": "Moutin", "prenom": "Claire", "phone": "01 23 45 67 89", "mobile": "",
    "email": "claire.moutin@arcturus.fr", "email_confirmation": "claire.moutin@arcturus.fr",
}
CREDENTIALS = {"password": PASSWORD, "confirmation": PASSWORD,
               "secret_question": "Quel est le nom de mon premier chien ?", "secret_answer": "Médor le Grand"}
NOON = datetime.datetime(2026, 11, 23, 11, 0)  # 12:00 in Paris
NEW_PASSWORD = "Nouveau-Secret-2027"
CLAIRE = {"siret": DEMO_SIRET, "nom": "moutin", "prenom": "CLAIRE"}  # the demo administrator, typed loosely
NOBODY = {"siret": DEMO_SIRET, "nom": "Personne", "prenom": "Inconnue"}
PAUL = {"nom": "Durand", "prenom": "Paul", "email": "paul.durand@arcturus.fr", "phone": "", "mobile": "",
        "role": "declarant"}
LINKS = Links(login="https://portail.example/connexion",
              activation=f"https://portail.example/activation/{TOKEN_PLACEHOLDER}")
QUESTION = CREDENTIALS["secret_question"]
ANSWER = CREDENTIALS["secret_answer"]


def state_for(identity=None, declarations=("DSN", "SOLTEA_EMPLOYEURS"), kind="expert_comptable",
              declarants=()):
    """A complete wizard state, as the steps produce it."""
    identity = inscription.check_identity(identity or IDENTITY)
    return {
        "identity": identity,
        "cgu_accepted": True,
        "credentials": inscription.check_credentials(CREDENTIALS, identity),
        "profile": {"kind": kind, "domains": ["La DSN", "Formation"]},
        "declarations": list(declarations),
        "declarants": [dict(person) for person in declarants],
    }


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

    def through_profile(self, domains=("Formation",), kind="expert_comptable"):
        self.through_credentials()
        self.client.post("/inscription/recapitulatif")
        return self.client.post("/inscription/profil", data={"kind": kind, "domains": list(domains)})

    def through_declarants(self, *people):
        self.through_profile()
        self.client.post("/inscription/declarations")
        for person in people:
            self.client.post("/inscription/declarants/nouveau", data=person)
        return self.client.post("/inscription/declarants")

    def complete(self, *people, grants=None):
        """The whole inscription; grants: the boxes of the habilitations table (all ticked by default)."""
        self.through_declarants(*people)
        keys = ["admin", *(str(i) for i in range(len(people)))]
        return self.client.post("/inscription/validation", data=grants or {"declare": keys, "pay": keys})


def give_claire_a_question():
    """The demo administrator chooses the secret question QUESTION, answered ANSWER."""
    User.update(secret_question=QUESTION, secret_answer_hash=hash_answer(ANSWER)).where(
        User.nom_key == "moutin"
    ).execute()


def claire():
    return User.get(User.nom_key == "moutin")
