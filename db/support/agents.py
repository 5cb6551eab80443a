"""The support desk: its agents (User.role "support", outside any firm), their login by e-mail and
password, and handing a firm's administration to a named person once identity was checked
off-line. Agents see a firm's name, SIRET and administrators, never its portfolios or habilitations.
"""

from peewee import IntegrityError, fn

from db import audit, clock, fields
from db.access import require_support
from db.accounts.firms import new_user
from db.accounts.login import check_ip, complete_login, verify_password
from db.accounts.password_policy import password_error
from db.accounts.throttle import login_key
from db.database import database
from db.errors import Invalid, NotFound
from db.mail import people_mails
from db.models import Firm, User
from db.models.accounts import ROLE_ADMIN, ROLE_SUPPORT
from db.people import declarants
from db.support.assistance import get_request
from db.text import fold

BAD_CREDENTIALS = "Identifiants incorrects. Vérifiez le courriel et le mot de passe."


def create_agent(email, nom, prenom, password):
    """A support agent (for `flask --app webapp support create`); one account per address."""
    values = fields.checked(
        {
            "email": fields.email(email),
            "nom": fields.name(nom, "Le nom"),
            "prenom": fields.name(prenom, "Le prénom"),
            "password": (password, password_error(password or "", nom or "", prenom or "")),
        }
    )
    if _agent(values["email"]) is not None:
        raise Invalid({"email": "Un compte du support utilise déjà cette adresse."})
    with database.atomic():
        agent = new_user(None, values["nom"], values["prenom"], values["email"], ROLE_SUPPORT,
                         password=values["password"], email_validated_at=clock.now())
        audit.record(
            agent, "support.created", f"Création du compte du support de {agent.full_name}", obj=agent
        )
    return agent


def _agent(email):
    return User.get_or_none(
        (User.role == ROLE_SUPPORT) & (fn.LOWER(User.email) == (email or "").strip().lower())
    )


def agents():
    return list(User.select().where(User.role == ROLE_SUPPORT).order_by(User.nom_key, User.prenom_key))


def authenticate(email, password, ip=None):
    """The active agent for a correct address and password; one generic message otherwise, and the
    firms' login protections: Throttled when the address, or this address's attempts on this login,
    must wait (db/accounts/throttle.py). The login is journaled (outside any firm)."""
    now = clock.now()
    check_ip(ip)
    agent = _agent(email) if len(email or "") <= fields.EMAIL_MAX else None
    if agent is not None and (not agent.is_active or not agent.password_hash):
        agent = None
    verify_password(agent, password, ip, login_key("support", (email or "").strip()[:fields.EMAIL_MAX]),
                    BAD_CREDENTIALS, now)
    return complete_login(agent, ip)


def firm_of(actor, request):
    """(firm, its administrators) for the SIRET of an assistance request, or (None, [])."""
    require_support(actor)
    firm = Firm.get_or_none(Firm.siret == request.siret) if request.siret else None
    if firm is None:
        return None, []
    admins = list(User.select().where((User.firm == firm.id) & (User.role == ROLE_ADMIN))
                  .order_by(User.nom_key, User.prenom_key))
    return firm, admins


def hand_over(actor, request_id, data, deactivate_ids, links):
    """Make the named person administrator of the request's firm (created, or promoted and
    reactivated, with the given address), send an activation link, and deactivate the former
    administrators chosen. One transaction, journaled in the firm's journal."""
    request = get_request(actor, request_id)
    firm, admins = firm_of(actor, request)
    if firm is None:
        raise NotFound()
    values = declarants.check_person({**data, "role": ROLE_ADMIN}, role_required=True)
    leaving = {fields.record_id(i) for i in deactivate_ids if str(i).strip()}  # None: not an id, 404
    if not leaving <= {a.id for a in admins}:
        raise NotFound()
    why = f" (demande d'assistance {request.reference})"
    try:
        with database.atomic():
            declarants.lock_firm(firm.id)
            person = User.get_or_none((User.firm == firm.id) & (User.nom_key == fold(values["nom"]))
                                      & (User.prenom_key == fold(values["prenom"])))
            if person is None:
                person = declarants.add_person(actor, firm, values, links, why=why, intro=(
                    f"Le support du portail vous a confié l'administration du cabinet {firm.name}."))
            else:
                person = _promote(actor, firm, person, values, links, why)
            gone = _deactivate(
                actor, firm, [a for a in admins if a.id in leaving and a.id != person.id and a.is_active]
            )
            audit.record(
                actor,
                "support.handover",
                f"Administration du cabinet confiée à {person.full_name}{why}",
                firm=firm,
                obj=person,
                before={"admins": [a.full_name for a in admins if a.is_active]},
                after={"admin": person.full_name, "deactivated": gone},
            )
    except IntegrityError:
        raise Invalid({"nom": declarants.SAME_NAMES}) from None
    return person


def _promote(actor, firm, person, values, links, why):
    before = declarants.snapshot(person)
    User.update(role=ROLE_ADMIN, is_active=True, email=values["email"], phone=values["phone"] or person.phone,
                session_version=User.session_version + 1).where(User.id == person.id).execute()
    person = User.get_by_id(person.id)
    declarants.invite(
        actor,
        person,
        firm,
        links,
        f"Le support du portail vous a confié l'administration du cabinet "
        f"{firm.name}. Si vous connaissez déjà votre mot de passe, "
        f"ce lien vous permet d'en choisir un nouveau.",
    )
    audit.record(actor, "person.promoted", f"{person.full_name} nommé administrateur par le support{why}",
                 firm=firm, obj=person, before=before, after=declarants.snapshot(person))
    return person


def _deactivate(actor, firm, leaving):
    User.update(is_active=False, session_version=User.session_version + 1).where(
        User.id.in_([a.id for a in leaving])).execute()
    for admin in leaving:
        people_mails.deactivated(admin, firm, "le support du portail")
        audit.record(
            actor,
            "person.deactivated",
            f"Désactivation du compte de {admin.full_name} (parti du cabinet)",
            firm=firm,
            obj=admin,
            before={"is_active": True},
            after={"is_active": False},
        )
    return [a.full_name for a in leaving]
