"""Gérer les déclarants: the firm's people, listed, created, edited, (de)activated, (de)promoted.

Every operation takes the acting administrator and works inside that administrator's firm:
another firm's person is NotFound. The firm is never left without an active administrator:
changes that could remove the last one lock the firm first (see lock_firm), then count.
"""
from peewee import IntegrityError

from db import audit, clock, fields
from db.access import firm_row, require_admin, require_current_admin
from db.accounts import tokens
from db.accounts.firms import new_user
from db.database import database
from db.errors import Invalid
from db.mail import people_mails
from db.models import AccountToken, Firm, User
from db.models.accounts import ROLE_ADMIN, ROLE_DECLARANT
from db.people import names
from db.text import fold

PER_PAGE = 50
LAST_ADMIN = ("Le cabinet doit garder au moins un administrateur actif : nommez d'abord un autre "
              "administrateur.")
SAME_NAMES = ("Une personne du cabinet porte déjà ces nom et prénom : ils servent d'identifiant de "
              "connexion et doivent être distincts.")
ROLES = {ROLE_DECLARANT: "Déclarant", ROLE_ADMIN: "Administrateur - Déclarant"}
ROLE_WORDS = {ROLE_DECLARANT: "déclarant", ROLE_ADMIN: "administrateur"}
AUDITED = ("nom", "prenom", "email", "phone", "mobile", "role", "is_active")
LABELS = {
    "nom": "nom",
    "prenom": "prénom",
    "email": "courriel",
    "phone": "téléphone",
    "mobile": "téléphone portable",
}


def snapshot(user, keys=AUDITED):
    """What the journal keeps of a person (never a hash)."""
    return {k: getattr(user, k) for k in keys}


def state(user):
    """The state the list shows."""
    if not user.is_active:
        return "Désactivé"
    if user.password_hash is None:
        return "En attente d'activation"
    return "Actif"


def lock_firm(firm_id):
    """Serialise the changes of one firm's administrators. Must be the transaction's FIRST statement:
    on PostgreSQL the no-op UPDATE takes the firm row's lock until commit; on SQLite it takes the
    write lock before any snapshot is read. The count that follows then sees every committed change."""
    Firm.update(is_active=Firm.is_active).where(Firm.id == firm_id).execute()


def other_active_admins(firm_id, excluding_id):
    return (
        User.select()
        .where(
            (User.firm == firm_id) & (User.role == ROLE_ADMIN) & User.is_active & (User.id != excluding_id)
        )
        .count()
    )


def _keep_an_admin(person):
    if person.is_admin and person.is_active and not other_active_admins(person.firm_id, person.id):
        raise Invalid({"__all__": LAST_ADMIN})


def _person_under_lock(actor, user_id):
    """Inside the caller's transaction: lock the firm (first statement), check that the actor is
    still an active administrator, then read the person."""
    lock_firm(actor.firm_id)
    require_current_admin(actor)
    return get_person(actor, user_id)


def get_person(actor, user_id):
    """A person of the actor's firm, or NotFound (also for another firm's id)."""
    require_admin(actor)
    return firm_row(actor, User, user_id)


def list_people(actor, term="", page=1):
    """(people of the page, total, cleaned term); every word of term matches a name or the e-mail."""
    require_admin(actor)
    term = fields.checked({"q": fields.search_term(term)})["q"]
    query = User.select().where(User.firm == actor.firm_id)
    for word in fold(term).split():
        query = query.where(
            User.nom_key.contains(word) | User.prenom_key.contains(word) | User.email.contains(word)
        )
    total = query.count()
    people = list(query.order_by(User.nom_key, User.prenom_key, User.id).paginate(max(page, 1), PER_PAGE))
    return names.name_people(people, actor.firm_id), total, term


def check_person(data, role_required=False):
    """Cleaned nom, prénom, e-mail, phones (and role) of a person form, or Invalid."""
    checks = {
        "nom": fields.name(data.get("nom"), "Le nom"),
        "prenom": fields.name(data.get("prenom"), "Le prénom"),
        "email": fields.email(data.get("email")),
        "phone": fields.phone(data.get("phone"), required=False),
        "mobile": fields.phone(data.get("mobile"), required=False, mobile=True),
    }
    if role_required:
        role = data.get("role")
        checks["role"] = (role, None if role in ROLES else "Choisissez le rôle de la personne.")
    return fields.checked(checks)


def same_names_exist(firm_id, nom, prenom, excluding_id=None):
    query = User.select().where(
        (User.firm == firm_id) & (User.nom_key == fold(nom)) & (User.prenom_key == fold(prenom))
    )
    if excluding_id is not None:
        query = query.where(User.id != excluding_id)
    return query.exists()


def invite(actor, person, firm, links, intro):
    """Send an activation link to person (inside the caller's transaction)."""
    token = tokens.issue(person, tokens.ACTIVATE_ACCOUNT, minutes=people_mails.ACTIVATION_HOURS * 60)
    people_mails.activation(person, firm, token, links, intro)


def create_person(actor, data, links):
    """Nouveau déclarant: the person gets an activation link to choose a password and secret question."""
    require_admin(actor)
    values = check_person(data, role_required=True)
    if same_names_exist(actor.firm_id, values["nom"], values["prenom"]):
        raise Invalid({"nom": SAME_NAMES})
    firm = Firm.get_by_id(actor.firm_id)
    try:
        with database.atomic():
            return add_person(actor, firm, values, links)
    except IntegrityError:  # the same names created at the same moment by another administrator
        raise Invalid({"nom": SAME_NAMES}) from None


def add_person(actor, firm, values, links, why="", intro=None):
    """Write a checked person, mail the activation link, journal it (inside the caller's transaction)."""
    person = new_user(firm, **values)
    invite(actor, person, firm, links, intro or (
        f"{actor.full_name} vous a inscrit comme {ROLE_WORDS[person.role]} du cabinet {firm.name} "
        "sur le portail tiers déclarant."))
    audit.record(actor, "person.created", f"Création du compte de {person.full_name} "
                 f"({ROLES[person.role]}){why} ; lien d'activation envoyé à {person.email}",
                 firm=firm, obj=person, after=snapshot(person))
    return person


def update_person(actor, user_id, data, links):
    """Edit a person's names and contact details; returns the list of changed fields."""
    person = get_person(actor, user_id)
    values = check_person(data)
    if same_names_exist(actor.firm_id, values["nom"], values["prenom"], excluding_id=person.id):
        raise Invalid({"nom": SAME_NAMES})
    changed = [k for k, v in values.items() if getattr(person, k) != v]
    if not changed:
        return []
    before = snapshot(person, changed)
    # The login compares names without case or accents: only a change of those keys is a new login.
    renamed = (fold(values["nom"]), fold(values["prenom"])) != (person.nom_key, person.prenom_key)
    firm = Firm.get_by_id(actor.firm_id)
    try:
        with database.atomic():
            User.update(nom_key=fold(values["nom"]), prenom_key=fold(values["prenom"]), **values).where(
                User.id == person.id).execute()
            old_email, old_name = person.email, person.full_name
            for key, value in values.items():
                setattr(person, key, value)
            if renamed:
                _renamed(actor, person, firm, old_name, links)
            if "email" in changed:
                people_mails.email_changed(person, firm, old_email, person.email)
                if person.password_hash is None and person.is_active:
                    invite(
                        actor, person, firm, links, f"{actor.full_name} a corrigé votre adresse électronique."
                    )
            audit.record(
                actor,
                "person.updated",
                f"Modification de {person.full_name} : {', '.join(LABELS[k] for k in changed)}",
                obj=person,
                before=before,
                after=snapshot(person, changed),
            )
    except IntegrityError:
        raise Invalid({"nom": SAME_NAMES}) from None
    return changed


def _renamed(actor, person, firm, old_name, links):
    """Nom and prénom are part of the login: the person and the administrators get the new one."""
    admins = list(User.select().where((User.firm == firm.id) & (User.role == ROLE_ADMIN) & User.is_active
                                      & (User.id != person.id)))
    people_mails.identifier_changed(person, firm, actor.full_name, old_name, admins, links)
    audit.record(actor, "person.renamed",
                 f"Identifiant de connexion de {old_name} modifié : {firm.siret} / {person.nom} / "
                 f"{person.prenom} ; courriel envoyé à la personne et aux administrateurs",
                 obj=person, before={"nom": old_name}, after={"nom": person.full_name})


def set_active(actor, user_id, active, links):
    """Désactiver / Réactiver. Deactivation ends the person's sessions and unused links."""
    require_admin(actor)
    firm = Firm.get_by_id(actor.firm_id)
    with database.atomic():
        person = _person_under_lock(actor, user_id)
        if person.is_active == active:
            raise Invalid(
                {"__all__": "Ce compte est déjà actif." if active else "Ce compte est déjà désactivé."}
            )
        if not active:
            _keep_an_admin(person)
        User.update(is_active=active, session_version=User.session_version + 1, failed_attempts=0,
                    locked_until=None).where(User.id == person.id).execute()
        person.is_active = active
        if active and person.password_hash is None:
            invite(actor, person, firm, links, f"{actor.full_name} a réactivé votre compte.")
        elif active:
            people_mails.reactivated(person, firm, actor.full_name, links)
        else:
            AccountToken.update(used_at=clock.now()).where(
                (AccountToken.user == person.id) & AccountToken.used_at.is_null()).execute()
            people_mails.deactivated(person, firm, actor.full_name)
        verb = "Réactivation" if active else "Désactivation"
        audit.record(actor, "person.reactivated" if active else "person.deactivated",
                     f"{verb} du compte de {person.full_name}", obj=person,
                     before={"is_active": not active}, after={"is_active": active})
    return person


def set_role(actor, user_id, role, links):
    """Nommer administrateur / Retirer le rôle d'administrateur."""
    require_admin(actor)
    if role not in ROLES:
        raise Invalid({"role": "Choisissez le rôle de la personne."})
    firm = Firm.get_by_id(actor.firm_id)
    with database.atomic():
        person = _person_under_lock(actor, user_id)
        if person.role == role:
            raise Invalid({"__all__": f"Cette personne a déjà le rôle {ROLES[role]}."})
        if not person.is_active:
            raise Invalid({"__all__": "Ce compte est désactivé : réactivez-le d'abord."})
        if role != ROLE_ADMIN:
            _keep_an_admin(person)
        before = person.role
        User.update(role=role).where(User.id == person.id).execute()
        person.role = role
        people_mails.role_changed(person, firm, actor.full_name, links)
        audit.record(actor, "person.promoted" if role == ROLE_ADMIN else "person.demoted",
                     f"{person.full_name} : {ROLES[before]} → {ROLES[role]}", obj=person,
                     before={"role": before}, after={"role": role})
    return person


def resend_activation(actor, user_id, links):
    """A new activation link (the previous one stops working)."""
    person = get_person(actor, user_id)
    if person.password_hash is not None:
        raise Invalid({"__all__": "Ce compte est déjà activé."})
    if not person.is_active:
        raise Invalid({"__all__": "Ce compte est désactivé : réactivez-le d'abord."})
    firm = Firm.get_by_id(actor.firm_id)
    with database.atomic():
        invite(actor, person, firm, links, f"{actor.full_name} vous envoie un nouveau lien d'activation.")
        audit.record(
            actor,
            "person.activation_sent",
            f"Nouveau lien d'activation envoyé à {person.full_name} ({person.email})",
            obj=person,
        )
    return person
