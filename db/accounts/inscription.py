"""The inscription of a firm: the checks of each step, the request to the administrators of an
already registered SIRET, and the validation of the address.

The webapp keeps the wizard's state server-side (db/accounts/drafts.py) and calls the check of each
step; nothing of the firm is written before registration.register(), which checks everything again.
"""
import datetime

from db import audit, clock, fields
from db.accounts import rate_limits, tokens
from db.accounts.passwords import check_new_password, check_secret_pair, hash_answer, hash_secret
from db.database import database
from db.declarations.catalogue import DOMAINS, all_declarations, by_domains
from db.errors import Invalid, NotFound
from db.mail import account_mails
from db.models import AccountToken, Declaration, Firm, PendingRequest, User
from db.models.accounts import ROLE_ADMIN
from db.sirene import find_establishment, find_unit

# « Vous êtes… »: a company filing for itself, or a tiers déclarant who also files for clients.
ENTREPRISE, PARTICULIER = "entreprise", "particulier"
FIRM_KINDS = {
    ENTREPRISE: "Une entreprise ou un organisme du secteur privé",
    "expert_comptable": "Un tiers déclarant : cabinet d'expertise comptable",
    "centre_gestion": "Un tiers déclarant : centre de gestion agréé (CGA, OGA)",
    "autre_tiers": "Un tiers déclarant : autre (groupement d'employeurs, maison mère, holding, association…)",
    PARTICULIER: "Un particulier employeur",
}
IDENTITY_FIELDS = ("siret", "nom", "prenom", "phone", "mobile", "email", "email_confirmation")
RESEND_MINUTES = 1
HOUR = datetime.timedelta(hours=1)
ACCESS_PER_HOUR = 3  # requests to join a firm from one sender
ACCESS_MAILS_PER_HOUR = 3  # mails to a firm's administrators about such requests
ACCESS_ENOUGH = ("Plusieurs demandes ont déjà été envoyées depuis votre adresse dans l’heure\u202f: les "
                 "administrateurs y répondront. Patientez avant d’en envoyer une autre.")
UNKNOWN_SIRET = ("Ce SIRET est absent du référentiel Sirene. Vérifiez-le sur votre avis de situation "
                 "au répertoire Sirene (INSEE).")
CLOSED_SIRET = ("Cet établissement est fermé dans le référentiel Sirene : inscrivez-vous avec le SIRET "
                "d'un établissement actif.")


def directory_entry(siret):
    """(unité légale, établissement) of the directory for a SIRET, or (None, None)."""
    establishment = find_establishment(siret)
    if establishment is None:
        return None, None
    return find_unit(establishment.siren), establishment


def siret_in_directory_error(siret):
    """Why a well-formed SIRET cannot register (absent or closed), or None."""
    unit, establishment = directory_entry(siret)
    if establishment is None:
        return UNKNOWN_SIRET
    if not establishment.is_active or (unit is not None and not unit.is_active):
        return CLOSED_SIRET
    return None


def identity_errors(data):
    """(cleaned values, {field: message}) of step 1: "Je crée mon compte"."""
    values, errors = fields.collect({
        "siret": fields.siret(data.get("siret")),
        "nom": fields.name(data.get("nom"), "Le nom"),
        "prenom": fields.name(data.get("prenom"), "Le prénom"),
        "phone": fields.phone(data.get("phone")),
        "mobile": fields.phone(data.get("mobile"), required=False, mobile=True),
        "email": fields.email(data.get("email")),
        "email_confirmation": fields.email(data.get("email_confirmation")),
    })
    if "siret" not in errors:
        directory_error = siret_in_directory_error(values["siret"])
        if directory_error:
            errors["siret"] = directory_error
    if "email" not in errors and "email_confirmation" not in errors \
            and values["email"].lower() != values["email_confirmation"].lower():
        errors["email_confirmation"] = "Les deux adresses électroniques ne sont pas identiques."
    return values, errors


def check_identity(data):
    """The cleaned identity of step 1, or Invalid."""
    values, errors = identity_errors(data)
    if errors:
        raise Invalid(errors)
    values.pop("email_confirmation")
    return values


def establishment(siret):
    """What step 3 shows: the establishment as the directory knows it, and whether it is registered."""
    unit, entry = directory_entry(siret)
    if entry is None:
        raise NotFound()
    return {
        "siret": siret,
        "name": unit.name if unit is not None else (entry.enseigne or entry.denomination_usuelle or ""),
        "address": entry.address,
        "registered": Firm.select().where(Firm.siret == siret).exists(),
    }


def check_credentials(data, identity, kept=None):
    """Step 4: password, confirmation, secret question and answer -> what the wizard keeps
    (hashes only). With both password fields empty, the password chosen before (kept) stays."""
    kept = kept or {}
    password, confirmation = data.get("password") or "", data.get("confirmation") or ""
    errors = {}
    if password or confirmation or not kept.get("password_hash"):
        errors = check_new_password(
            password, confirmation, identity["nom"], identity["prenom"], identity["siret"]
        )
    answer = data.get("secret_answer") or ""
    keep_answer = not answer and kept.get("secret_answer_hash") \
        and (data.get("secret_question") or "").strip() == kept.get("secret_question")
    question, answer, pair_errors = check_secret_pair(data.get("secret_question"), answer)
    if keep_answer:
        pair_errors.pop("secret_answer", None)
    errors.update(pair_errors)
    if errors:
        raise Invalid(errors)
    return {
        "password_hash": hash_secret(password) if password else kept["password_hash"],
        "secret_question": question,
        "secret_answer_hash": kept["secret_answer_hash"] if keep_answer else hash_answer(answer),
    }


def manages_clients(kind):
    """A tiers déclarant files for clients too; a company only for itself."""
    return kind != ENTREPRISE


def check_profile(data):
    """Step 6, « Vous êtes… » and the domains of services -> {"kind", "domains"}. A particulier
    employeur needs no domain: the portal sends them elsewhere (see registration.PARTICULIER_PLACES)."""
    errors = {}
    kind = data.get("kind")
    if kind not in FIRM_KINDS:
        errors["kind"] = "Indiquez qui vous êtes."
    elif kind == PARTICULIER:
        return {"kind": kind, "domains": []}
    domains = [d for d in DOMAINS if d in set(data.get("domains") or [])]
    if len(domains) != len(set(data.get("domains") or [])):
        errors["domains"] = "Domaine de services inconnu."
    elif not domains:
        errors["domains"] = "Choisissez au moins un domaine de services."
    if errors:
        raise Invalid(errors)
    return {"kind": kind, "domains": domains}


def proposed_codes(domains):
    """The declarations proposed for the chosen domains (codes, in catalogue order)."""
    return [d.code for d in by_domains(domains)]


def declaration_choices():
    """[(code, label)] of the whole active catalogue, for the dual list."""
    return [(d.code, d.display_name) for d in all_declarations()]


def declarations_of(codes):
    """The Declaration rows of codes, in catalogue order."""
    return list(all_declarations().where(Declaration.code.in_(list(codes)))) if codes else []


def check_declarations(codes):
    """The chosen declaration codes, or Invalid (unknown code, empty choice)."""
    codes = list(dict.fromkeys(codes or []))
    known = {d.code for d in declarations_of(codes)}
    if any(c not in known for c in codes):
        raise Invalid({"declarations": "Déclaration inconnue : la liste a été modifiée, rechargez la page."})
    if not codes:
        raise Invalid({"declarations": "Choisissez au moins une déclaration."})
    return codes


def request_access(identity, message, requests_url, sender=None):
    """Ask the administrators of an already registered firm to create an account.

    Creates a PendingRequest(kind="access") with the requester's details, and tells the
    administrators by mail. A second identical pending request is not created twice. Raises TooMany
    past ACCESS_PER_HOUR requests from one sender (the address it comes from); past
    ACCESS_MAILS_PER_HOUR requests to one firm, the next ones wait in « Demande en attente »
    without a mail each. Returns the request.
    """
    identity = check_identity({**identity, "email_confirmation": identity.get("email")})
    message, error = fields.text(message, max_length=fields.MESSAGE_MAX, required=False,
                                         multiline=True, what="Le message")
    if error:
        raise Invalid({"message": error})
    firm = Firm.get_or_none(Firm.siret == identity["siret"])
    if firm is None or not firm.is_active:
        raise Invalid(
            {"__all__": "Ce SIRET n'est pas inscrit sur le portail : poursuivez votre inscription."}
        )
    rate_limits.check("access.sender", sender, ACCESS_PER_HOUR, HOUR, ACCESS_ENOUGH)
    name = f"{identity['nom'].upper()} {identity['prenom']}"
    existing = PendingRequest.get_or_none(
        (PendingRequest.firm == firm.id) & (PendingRequest.kind == "access")
        & (PendingRequest.status == "pending") & (PendingRequest.requester_email == identity["email"])
        & (PendingRequest.requester_name == name)
    )
    if existing is not None:
        return existing
    details = (f"Nom : {identity['nom']}\nPrénom : {identity['prenom']}\nTéléphone : {identity['phone']}\n"
               f"Téléphone portable : {identity['mobile'] or '—'}\nCourriel : {identity['email']}")
    admins = list(User.select().where((User.firm == firm.id) & (User.role == ROLE_ADMIN) & User.is_active))
    recent = PendingRequest.select().where(
        (PendingRequest.firm == firm.id) & (PendingRequest.kind == "access")
        & (PendingRequest.created_at > clock.now() - HOUR)).count()
    with database.atomic():
        request = PendingRequest.create(
            firm=firm.id, kind="access", requester=None, requester_name=name,
            requester_email=identity["email"], message=details + (f"\n\n{message}" if message else ""),
        )
        rate_limits.record("access.sender", sender)
        if recent < ACCESS_MAILS_PER_HOUR:  # beyond, the menu's « Demande en attente (n) » says it
            what = f"{name} ({identity['email']}) demande un compte sur le portail pour {firm.name}."
            account_mails.request_waiting(admins, firm, what, requests_url)
        audit.record(None, "access.requested", f"Demande de compte de {name}", firm=firm, obj=request)
    return request


def validation_pending(token):
    """The user a validation link is for, if the link is still valid (does not consume it)."""
    row = tokens.peek(token, tokens.VALIDATE_EMAIL)
    return row.user if row is not None else None


def validate_email(token):
    """Follow a validation link once: the address is validated. Returns the user, or None when
    the link is unknown, expired or already used."""
    with database.atomic():
        user = tokens.consume(token, tokens.VALIDATE_EMAIL)
        if user is None:
            return None
        User.update(email_validated_at=clock.now()).where(
            (User.id == user.id) & User.email_validated_at.is_null()
        ).execute()
        audit.record(user, "user.email_validated", f"Adresse électronique validée : {user.email}", obj=user)
    return user


def resend_validation(user_id, validation_url):
    """A new validation link for an account whose address is not validated (asked from the
    connexion page after a correct password). Refused within RESEND_MINUTES of the last one."""
    user = User.get_or_none(User.id == user_id)
    if user is None or user.email_validated_at is not None:
        return None
    recent = AccountToken.select().where(
        (AccountToken.user == user.id) & (AccountToken.purpose == tokens.VALIDATE_EMAIL)
        & (AccountToken.created_at > clock.now() - datetime.timedelta(minutes=RESEND_MINUTES))
    ).exists()
    if recent:
        raise Invalid(
            {"__all__": "Un lien vient d'être envoyé : patientez une minute avant d'en demander un autre."}
        )
    with database.atomic():
        token = tokens.issue(user, tokens.VALIDATE_EMAIL, minutes=60)
        account_mails.validation_link(user, validation_url(token))
    return user
