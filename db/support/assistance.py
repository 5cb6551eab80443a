"""Besoin d'aide: "Envoyer une demande d'assistance" (anyone, logged in or not), and the support
desk's answers. A request gets a reference and an acknowledgement mail; the answer is mailed.

The page says the same whatever the SIRET or the address: nothing here tells whether they are
registered (the firm is linked silently, for the support desk only).
"""
import datetime
import secrets

from peewee import IntegrityError

from db import audit, clock, fields
from db.access import require_support
from db.accounts import rate_limits
from db.database import database
from db.errors import Invalid, NotFound
from db.identifiers import clean, siret_error
from db.mail import people_mails
from db.models import AssistanceRequest, Firm

MOTIFS = ["Habilitation extranet", "Mot de passe", "Inscription", "Autre"]
STATUSES = {"open": "À traiter", "answered": "Répondue", "closed": "Close"}
PER_PAGE = 50
MAX_PER_HOUR = 5  # per sender and per address mailed: enough for a person, too few for a flood
HOUR = datetime.timedelta(hours=1)
ENOUGH = ("Plusieurs demandes ont déjà été envoyées dans l’heure\u202f: le support y répondra. Patientez "
          "avant d’en envoyer une autre.")
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_reference():
    """ "DA-7K3M9Q2X": random, so that references cannot be enumerated."""
    return "DA-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


def _siret(value):
    raw = value if isinstance(value, str) else ""
    if not raw.strip():
        return "", None
    if len(raw) > 40:
        return "", "Le SIRET doit comporter 14 chiffres."
    error = fields.hostile_error(raw) or siret_error(raw)
    return clean(raw), error


def check_request(data):
    motif = data.get("motif")
    return fields.checked(
        {
            "motif": (motif, None if motif in MOTIFS else "Choisissez le motif de votre demande."),
            "siret": _siret(data.get("siret")),
            "nom": fields.name(data.get("nom"), "Le nom"),
            "prenom": fields.name(data.get("prenom"), "Le prénom"),
            "email": fields.email(data.get("email")),
            "message": fields.text(
                data.get("message"),
                max_length=fields.LONG_MESSAGE_MAX,
                min_length=10,
                multiline=True,
                what="Le message",
            ),
        }
    )


def submit(data, user=None, sender=None):
    """Record the request, queue the acknowledgement; returns it (with its reference). Raises TooMany
    past MAX_PER_HOUR requests from one sender (the address it comes from) or to one address."""
    values = check_request(data)
    rate_limits.check("assistance.sender", sender, MAX_PER_HOUR, HOUR, ENOUGH)
    rate_limits.check("assistance.target", values["email"].lower(), MAX_PER_HOUR, HOUR, ENOUGH)
    firm = Firm.get_or_none(Firm.siret == values["siret"]) if values["siret"] else None
    # The acknowledgement repeats the message only to the validated address of the person who wrote it:
    # to any other address, the portal would relay a stranger's text.
    echo = (user is not None and user.is_authenticated and user.email_validated_at is not None
            and user.email.lower() == values["email"].lower())
    for _ in range(5):  # a reference already taken: draw another one
        try:
            with database.atomic():
                request = AssistanceRequest.create(
                    reference=new_reference(), firm=firm.id if firm else None,
                    user=user.id if user is not None and user.is_authenticated else None,
                    created_at=clock.now(), **values)
                people_mails.assistance_received(request, echo)
                rate_limits.record("assistance.sender", sender)
                rate_limits.record("assistance.target", values["email"].lower())
            return request
        except IntegrityError:
            continue
    raise RuntimeError("no free assistance reference")


def list_requests(actor, status="open", term="", page=1):
    """(requests of the page, total, cleaned term): newest first, by status, searched by
    reference, SIRET, name or address."""
    require_support(actor)
    term = fields.checked({"q": fields.search_term(term)})["q"]
    query = AssistanceRequest.select()
    if status in STATUSES:
        query = query.where(AssistanceRequest.status == status)
    for word in term.split():
        query = query.where(
            AssistanceRequest.reference.contains(word) | AssistanceRequest.siret.contains(clean(word) or word)
            | AssistanceRequest.nom.contains(word) | AssistanceRequest.prenom.contains(word)
            | AssistanceRequest.email.contains(word))
    total = query.count()
    rows = list(query.order_by(AssistanceRequest.created_at.desc(), AssistanceRequest.id.desc())
                .paginate(max(page, 1), PER_PAGE))
    return rows, total, term


def get_request(actor, request_id):
    require_support(actor)
    request = AssistanceRequest.get_or_none(AssistanceRequest.id == request_id)
    if request is None:
        raise NotFound()
    return request


def answer(actor, request_id, text):
    """Mail the support's answer to the requester; the request becomes "Répondue"."""
    request = get_request(actor, request_id)
    if request.status == "closed":
        raise Invalid({"answer": "Cette demande est close."})
    reply = fields.checked({"answer": fields.text(text, max_length=fields.LONG_MESSAGE_MAX, multiline=True,
                                                  what="La réponse")})["answer"]
    now = clock.now()
    with database.atomic():
        AssistanceRequest.update(
            status="answered", answer=reply, answered_at=now, answered_by=actor.id
        ).where(AssistanceRequest.id == request.id).execute()
        people_mails.assistance_answered(request, reply)
        audit.record(
            actor,
            "assistance.answered",
            f"Réponse à la demande d'assistance {request.reference}",
            firm=request.firm,
            obj=request,
            before={"status": request.status},
            after={"status": "answered"},
        )
    return AssistanceRequest.get_by_id(request.id)


def close(actor, request_id):
    request = get_request(actor, request_id)
    if request.status == "closed":
        raise Invalid({"__all__": "Cette demande est déjà close."})
    with database.atomic():
        AssistanceRequest.update(status="closed").where(AssistanceRequest.id == request.id).execute()
        audit.record(
            actor,
            "assistance.closed",
            f"Clôture de la demande d'assistance {request.reference}",
            firm=request.firm,
            obj=request,
            before={"status": request.status},
            after={"status": "closed"},
        )
    return request
