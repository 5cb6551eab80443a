"""Demande en attente: the requests a firm's administrators answer with Accord or Refus.

kinds: "cooptation" (a person of the firm asks to become administrator, see ask_cooptation),
"password" (way 3 of "Mot de passe oublié": the administrator generates a temporary password),
"access" (someone asks for an account in an already registered firm; Accord creates it).
A request is decided once: two administrators answering together get a Conflict for the second.
"""
import re
import secrets
import string

from peewee import IntegrityError

from db import audit, clock, counts, fields
from db.access import firm_row, is_firm_admin, require_admin, require_current_admin, require_firm_person
from db.accounts.password_policy import password_error
from db.accounts.passwords import hash_secret
from db.database import database
from db.errors import Conflict, Forbidden, Invalid, NotFound
from db.mail import account_mails, people_mails
from db.models import FIRM_PENDING_REQUESTS, Firm, PendingRequest, User
from db.models.accounts import ROLE_ADMIN, ROLE_DECLARANT
from db.people import declarants

COOPTATION, PASSWORD, ACCESS = "cooptation", "password", "access"
KINDS = {
    COOPTATION: "Devenir administrateur",
    PASSWORD: "Nouveau mot de passe",
    ACCESS: "Accès au compte du cabinet",
}
ALREADY_DECIDED = "Cette demande a déjà été traitée (peut-être par un autre administrateur)."
REQUESTER_GONE = "Le compte du demandeur est désactivé : refusez la demande."
# Unambiguous characters only: the temporary password is read on a screen and typed again.
_TEMPORARY_ALPHABET = (
    "".join(c for c in string.ascii_letters + string.digits if c not in "O0Il1o") + "-+=?!#%"
)


def pending_count(actor):
    """How many requests wait for the actor's firm (0 for a déclarant): the firm's maintained count,
    which the session's user brings along (no query)."""
    if not is_firm_admin(actor):
        return 0
    return actor.firm.pending_request_count


def list_requests(actor, decided=False, limit=100):
    """The firm's pending requests, oldest first; or the latest decided ones, newest first."""
    require_admin(actor)
    query = PendingRequest.select().where(PendingRequest.firm == actor.firm_id)
    if decided:
        query = query.where(PendingRequest.status != "pending").order_by(PendingRequest.decided_at.desc())
    else:
        query = query.where(PendingRequest.status == "pending").order_by(PendingRequest.created_at)
    return list(query.order_by_extend(PendingRequest.id.desc()).limit(limit))


def get_request(actor, request_id):
    """A pending request of the actor's firm, or NotFound (also for another firm's id)."""
    require_admin(actor)
    request = firm_row(actor, PendingRequest, request_id)
    if request.status != "pending":
        raise Conflict(ALREADY_DECIDED)
    if request.requester_id is not None and request.requester_id == actor.id:
        raise Forbidden("Un autre administrateur doit répondre à votre propre demande.")
    return request


def _decide(actor, request, status, summary):
    """Mark the request decided, once: the conditional UPDATE refuses a second answer."""
    decided = PendingRequest.update(status=status, decided_at=clock.now(), decided_by=actor.id).where(
        (PendingRequest.id == request.id) & (PendingRequest.status == "pending")).execute()
    if not decided:
        raise Conflict(ALREADY_DECIDED)
    counts.add(FIRM_PENDING_REQUESTS, {request.firm_id: -1})
    audit.record(actor, f"request.{status}", summary, obj=request,
                 before={"status": "pending"}, after={"status": status, "kind": request.kind})


def _active_requester(request):
    requester = User.get_or_none((User.id == request.requester_id) & (User.firm == request.firm_id))
    if requester is None or not requester.is_active:
        raise Invalid({"__all__": REQUESTER_GONE})
    return requester


def ask_cooptation(actor, message, links):
    """A déclarant asks the administrators to become administrator."""
    require_firm_person(actor, "Seule une personne d'un cabinet peut faire cette demande.")
    if actor.is_admin:
        raise Invalid({"message": "Vous êtes déjà administrateur."})
    text = fields.checked({"message": fields.message(message, required=False)})["message"]
    firm = Firm.get_by_id(actor.firm_id)
    with database.atomic():
        declarants.lock_firm(firm.id)  # two clicks at once do not make two requests
        if (
            PendingRequest.select()
            .where(
                (PendingRequest.requester == actor.id)
                & (PendingRequest.kind == COOPTATION)
                & (PendingRequest.status == "pending")
            )
            .exists()
        ):
            raise Invalid({"message": "Votre demande est déjà en attente de réponse."})
        request = PendingRequest.create(
            firm=firm.id,
            kind=COOPTATION,
            requester=actor.id,
            requester_name=actor.full_name,
            requester_email=actor.email,
            message=text,
        )
        admins = User.select().where((User.firm == firm.id) & (User.role == ROLE_ADMIN) & User.is_active)
        account_mails.request_waiting(admins, firm, f"{actor.full_name} demande à devenir administrateur.",
                                      links.requests)
        audit.record(
            actor, "request.cooptation", f"{actor.full_name} demande à devenir administrateur", obj=request
        )
    return request


def my_cooptation(actor):
    """The actor's pending cooptation request, or None."""
    return PendingRequest.get_or_none(
        (PendingRequest.requester == actor.id)
        & (PendingRequest.kind == COOPTATION)
        & (PendingRequest.status == "pending")
    )


def accept_cooptation(actor, request_id, links):
    """Accord: the requester becomes administrator and is told by mail."""
    firm = Firm.get_by_id(actor.firm_id)
    with database.atomic():
        declarants.lock_firm(firm.id)
        require_current_admin(actor)
        request = _kind(get_request(actor, request_id), COOPTATION)
        requester = _active_requester(request)
        _decide(actor, request, "accepted", f"Accord : {requester.full_name} devient administrateur")
        if not requester.is_admin:
            User.update(role=ROLE_ADMIN).where(User.id == requester.id).execute()
            requester.role = ROLE_ADMIN
            audit.record(
                actor,
                "person.promoted",
                f"{requester.full_name} : {declarants.ROLES[ROLE_DECLARANT]} → "
                f"{declarants.ROLES[ROLE_ADMIN]} (cooptation)",
                obj=requester,
                before={"role": ROLE_DECLARANT},
                after={"role": ROLE_ADMIN},
            )
        people_mails.cooptation_answered(requester, firm, True, actor.full_name)
    return requester


def temporary_password(nom="", prenom="", siret=""):
    """16 unambiguous characters meeting the policy."""
    while True:
        candidate = "".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(16))
        if password_error(candidate, nom, prenom, siret) is None:
            return candidate


def accept_password(actor, request_id, email, links):
    """Accord: generate a temporary password (returned once, and mailed to the checked address);
    its holder must choose a new password and secret question at the next login."""
    request = _kind(get_request(actor, request_id), PASSWORD)
    requester = _active_requester(request)
    address = fields.checked({"email": fields.email(email)})["email"]
    firm = Firm.get_by_id(actor.firm_id)
    password = temporary_password(requester.nom, requester.prenom, firm.siret)
    password_hash = hash_secret(password)  # bcrypt outside the transaction: it is slow on purpose
    with database.atomic():
        _decide(
            actor, request, "accepted", f"Accord : mot de passe provisoire généré pour {requester.full_name}"
        )
        old_email = requester.email
        User.update(
            password_hash=password_hash,
            must_change_password=True,
            email=address,
            failed_attempts=0,
            locked_until=None,
            session_version=User.session_version + 1,
        ).where(User.id == requester.id).execute()
        requester.email = address
        if address != old_email:
            people_mails.email_changed(requester, firm, old_email, address)
            audit.record(actor, "person.updated", f"Courriel de {requester.full_name} corrigé", obj=requester,
                         before={"email": old_email}, after={"email": address})
        people_mails.temporary_password(requester, firm, password, links)
    return requester, password


def access_details(request):
    """Nom, prénom, courriel, téléphones of an access request, to prefill the Accord form."""
    details = dict(
        re.findall(r"^(Nom|Prénom|Téléphone|Téléphone portable|Courriel) : (.*)$", request.message, re.M)
    )
    nom, _, prenom = (request.requester_name or "").partition(" ")
    return {
        "nom": details.get("Nom", nom), "prenom": details.get("Prénom", prenom),
        "email": details.get("Courriel", request.requester_email),
        "phone": details.get("Téléphone", ""), "mobile": details.get("Téléphone portable", "").strip("—"),
        "role": ROLE_DECLARANT,
    }


def accept_access(actor, request_id, data, links):
    """Accord: create the person as checked by the administrator; an activation link is mailed."""
    values = declarants.check_person(data, role_required=True)
    firm = Firm.get_by_id(actor.firm_id)
    try:
        with database.atomic():
            declarants.lock_firm(firm.id)  # first statement: SQLite takes its write lock before reading
            request = _kind(get_request(actor, request_id), ACCESS)
            if declarants.same_names_exist(firm.id, values["nom"], values["prenom"]):
                raise Invalid({"nom": declarants.SAME_NAMES})
            person = declarants.add_person(actor, firm, values, links, why=" à sa demande")
            _decide(actor, request, "accepted", f"Accord : compte créé pour {person.full_name}")
            PendingRequest.update(requester=person.id).where(PendingRequest.id == request.id).execute()
    except IntegrityError:
        raise Invalid({"nom": declarants.SAME_NAMES}) from None
    return person


def refuse(actor, request_id, links):
    """Refus: the requester is told by mail."""
    firm = Firm.get_by_id(actor.firm_id)
    with database.atomic():
        declarants.lock_firm(firm.id)
        request = get_request(actor, request_id)
        _decide(
            actor, request, "refused", f"Refus : {KINDS[request.kind].lower()} pour {request.requester_name}"
        )
        requester = User.get_or_none(User.id == request.requester_id) if request.requester_id else None
        if request.kind == ACCESS:
            people_mails.access_refused(
                request.requester_email, request.requester_name, firm, actor.full_name
            )
        elif requester is not None and request.kind == COOPTATION:
            people_mails.cooptation_answered(requester, firm, False, actor.full_name)
        elif requester is not None:
            people_mails.password_refused(requester, firm, actor.full_name)
    return request


def _kind(request, kind):
    if request.kind != kind:
        raise NotFound()
    return request
