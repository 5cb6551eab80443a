"""The end of the inscription: the déclarants added before the end (« Nouveau déclarant », the form of
Gérer les déclarants), the « Validation de l'inscription » with its « Gestion des habilitations pour
l'entreprise » table, and register(), which checks every step again then creates everything in one
transaction: the firm, its first administrator, its déclarants, the firm as its own first client with
their habilitations, the validation mail.
"""
from dataclasses import dataclass

from db import audit
from db.accounts import tokens
from db.accounts.firms import create_firm
from db.accounts.inscription import (
    FIRM_KINDS,
    PARTICULIER,
    check_declarations,
    check_identity,
    check_profile,
    declarations_of,
    directory_entry,
    manages_clients,
)
from db.clients import own_company
from db.database import database
from db.errors import Conflict, Invalid
from db.mail import account_mails
from db.models import Firm
from db.people import declarants as people
from db.text import fold

MAX_DECLARANTS = 20
ADMIN_KEY = "admin"
# Where a particulier employeur declares (the portal serves firms only).
PARTICULIER_PLACES = [
    ("Cesu", "https://www.cesu.urssaf.fr",
     "pour un salarié à domicile (ménage, jardinage, aide à domicile, soutien scolaire…)"),
    ("Pajemploi", "https://www.pajemploi.urssaf.fr",
     "pour la garde d'un enfant par une assistante maternelle ou une garde d'enfants à domicile"),
]


def _names_key(person):
    return fold(person["nom"]), fold(person["prenom"])


def check_declarant(data, identity, added):
    """« Nouveau déclarant » during the inscription: the checks of Gérer les déclarants, and names
    distinct from the administrator's and from those added before. Returns the cleaned person."""
    if len(added) >= MAX_DECLARANTS:
        raise Invalid({"__all__": f"{MAX_DECLARANTS} déclarants au plus pendant l'inscription : ajoutez les "
                                  "suivants depuis « Gérer les déclarants », une fois connecté."})
    values = people.check_person(data, role_required=True)
    if _names_key(values) in {_names_key(identity)} | {_names_key(p) for p in added}:
        raise Invalid({"nom": people.SAME_NAMES})
    return values


@dataclass
class GrantRow:
    """One line of « Gestion des habilitations pour l'entreprise »: a person and the rights asked."""

    key: str  # "admin", or the déclarant's position in the list
    name: str
    role: str
    declare: bool = True
    pay: bool = True


def grant_rows(state, posted=None):
    """The table's lines: the administrator first, then the déclarants added. posted: the boxes
    ticked ({"declare": keys, "pay": keys}); None ticks everything, as the page first shows it."""
    identity = state["identity"]
    rows = [GrantRow(ADMIN_KEY, f"{identity['nom'].upper()} {identity['prenom']}", people.ROLES["admin"])]
    rows += [GrantRow(str(i), f"{p['nom'].upper()} {p['prenom']}", people.ROLES[p["role"]])
             for i, p in enumerate(state.get("declarants") or [])]
    if posted is not None:
        for row in rows:
            row.declare = row.key in set(posted.get("declare") or ())
            row.pay = row.key in set(posted.get("pay") or ())
    return rows


def _checked(state):
    """Every step checked again: (identity, credentials, profile, declarations, déclarants)."""
    identity = check_identity({**state.get("identity", {}),
                               "email_confirmation": state.get("identity", {}).get("email")})
    if not state.get("cgu_accepted"):
        raise Invalid({"__all__": "Les conditions générales d'utilisation n'ont pas été acceptées."})
    credentials = state.get("credentials") or {}
    if not credentials.get("password_hash") or not credentials.get("secret_answer_hash"):
        raise Invalid({"__all__": "Le mot de passe et la question secrète ne sont pas choisis."})
    profile = check_profile(state.get("profile") or {})
    if profile["kind"] == PARTICULIER:
        raise Invalid({"__all__": "Le portail n'inscrit pas les particuliers employeurs."})
    declarations = declarations_of(check_declarations(state.get("declarations")))
    added = []
    for person in state.get("declarants") or []:
        added.append(check_declarant(person, identity, added))
    return identity, credentials, profile, declarations, added


def register(state, posted, validation_url, links, delay_override=None):
    """Create the firm and everything the inscription chose, in one transaction; returns the
    administrator. posted: the boxes of the habilitations table (see grant_rows).

    validation_url(token) builds the absolute link of the validation mail; links (people_mails.Links)
    those of the déclarants' activation mails.
    """
    identity, credentials, profile, declarations, added = _checked(state)
    rows = grant_rows({**state, "identity": identity, "declarants": added}, posted)
    unit, entry = directory_entry(identity["siret"])
    if Firm.select().where(Firm.siret == identity["siret"]).exists():
        raise Conflict("Ce SIRET est déjà inscrit sur le portail : il ne peut pas l'être deux fois.")
    admin_values = {key: identity[key] for key in ("nom", "prenom", "email", "phone", "mobile")}
    admin_values.update(credentials)
    with database.atomic():
        firm, admin = create_firm(identity["siret"], unit.name if unit else identity["siret"], entry.address,
                                  admin_values, declaration_ids=[d.id for d in declarations],
                                  manages_clients=manages_clients(profile["kind"]), kind=profile["kind"])
        persons = [people.add_person(admin, firm, values, links, why=" à l'inscription du cabinet")
                   for values in added]
        users = [admin, *persons]
        grants = [(user, row.declare, row.pay) for user, row in zip(users, rows, strict=True)
                  if user is admin or row.declare or row.pay]
        own_company.settle(admin, declarations, grants, delay_override)
        token = tokens.issue(admin, tokens.VALIDATE_EMAIL, minutes=60)
        account_mails.account_created(admin, firm, validation_url(token))
        audit.record(admin, "firm.registered", f"Inscription de {firm.name} par {admin.full_name}",
                     firm=firm, obj=firm, siret=firm.siret,
                     after={"vous êtes": FIRM_KINDS[profile["kind"]], "domaines": profile["domains"],
                            "déclarations": [d.code for d in declarations],
                            "déclarants": [p.full_name for p in persons]})
    return admin
