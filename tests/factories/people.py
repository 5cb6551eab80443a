"""People: the demo firm's, many more for pages that list them, support agents, and the links the
people mails carry."""
from db.demo import DEMO_SIRET
from db.mail.people_mails import Links
from db.models import Firm, User
from db.models.accounts import ROLE_DECLARANT
from db.support import agents

LINKS = Links(login="http://portail.test/connexion", activation="http://portail.test/activation/__TOKEN__",
              assistance="http://portail.test/besoin-d-aide/", requests="http://portail.test/gestion/demandes/")
AGENT_EMAIL = "agent@portail.fr"
AGENT_PASSWORD = "Bureau-Aide-2026"


def demo_user(nom="MOUTIN"):
    """A person of the demo firm by nom: MOUTIN (Claire, administrator), DURAND (Paul), LEROY (Sophie)."""
    return User.get((User.nom == nom) & (User.firm == Firm.get(Firm.siret == DEMO_SIRET).id))


def reload(user):
    return User.get_by_id(user.id)


def add_people(firm_id, number, start=0):
    """`number` déclarants NOM000… of a firm, written at once (no password, not activated)."""
    User.insert_many([
        {"firm": firm_id, "role": ROLE_DECLARANT, "nom": f"NOM{i:03}", "prenom": "P", "nom_key": f"nom{i:03}",
         "prenom_key": "p", "email": f"p{i}@x.fr"} for i in range(start, start + number)]).execute()


def make_agent(email=AGENT_EMAIL, password=AGENT_PASSWORD):
    """A support agent (no firm), created as `flask --app webapp support create` does."""
    return agents.create_agent(email, "Lambert", "Paul", password)
