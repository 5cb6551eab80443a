"""How the journal tells a change in French: action names, field names, values (Oui/Non, Paris
dates, lists), and before → after for the fields that changed."""
import datetime
import json
import re
from dataclasses import dataclass

from db.clock import datetime_fr
from db.identifiers import format_siret

# What the journal calls each action; actions not listed are named by their area (prefix).
ACTION_LABELS = {
    "declaration.select": "Déclaration ajoutée",
    "declaration.unselect": "Déclaration retirée",
    "habilitation.grant": "Habilitation accordée",
    "habilitation.add": "Habilitation accordée",
    "habilitation.change": "Habilitation modifiée",
    "habilitation.update": "Habilitation modifiée",
    "habilitation.remove": "Habilitation supprimée",
    "habilitation.revoke": "Habilitation supprimée",
    "habilitation.review": "Revue des habilitations",
    "portfolio.create": "Portefeuille créé",
    "portfolio.update": "Portefeuille modifié",
    "portfolio.delete": "Portefeuille supprimé",
    "portfolio.declarants": "Déclarants du portefeuille",
    "company.add": "Entreprise ajoutée",
    "company.remove": "Entreprise retirée",
    "company.transfer": "Entreprise transférée",
    "company.establishments": "Établissements de l'entreprise",
    "company.refresh": "Entreprise mise à jour (Sirene)",
    "person.created": "Déclarant créé",
    "person.updated": "Déclarant modifié",
    "person.deactivated": "Compte désactivé",
    "person.reactivated": "Compte réactivé",
    "person.promoted": "Nommé administrateur",
    "person.demoted": "Redevenu déclarant",
    "person.activation_sent": "Lien d'activation envoyé",
    "account.activated": "Compte activé",
    "firm.registered": "Inscription du cabinet",
    "access.requested": "Demande d'accès",
    "request.cooptation": "Demande pour devenir administrateur",
    "request.accepted": "Demande acceptée",
    "request.refused": "Demande refusée",
    "profile.updated": "Coordonnées modifiées",
    "profile.password_changed": "Mot de passe changé",
    "profile.secret_changed": "Question secrète changée",
    "user.email_validated": "Adresse électronique validée",
    "user.password_renewed": "Mot de passe renouvelé",
    "user.password_reset": "Mot de passe réinitialisé",
    "user.recovery_link": "Lien de réinitialisation envoyé",
    "user.recovery_request": "Demande de mot de passe",
    "user.secret_locked": "Question secrète bloquée",
    "support.created": "Compte du support créé",
    "support.handover": "Administration confiée par le support",
    "assistance.answered": "Demande d'assistance traitée",
    "assistance.closed": "Demande d'assistance close",
    "login.succeeded": "Connexion",
    "login.failed": "Échec de connexion",
    "login.locked": "Connexion suspendue",
    "login.second_factor_failed": "Code de double authentification erroné",
    "user.second_factor_enabled": "Double authentification activée",
    "user.second_factor_disabled": "Double authentification désactivée",
    "user.recovery_codes": "Codes de secours renouvelés",
    "person.second_factor_reset": "Double authentification réinitialisée",
    "firm.second_factor_required": "Double authentification du cabinet",
}
AREA_LABELS = {
    "declaration": "Déclarations",
    "habilitation": "Habilitations",
    "portfolio": "Portefeuille",
    "company": "Entreprise",
    "establishment": "Établissement",
    "person": "Déclarant",
    "declarant": "Déclarant",
    "user": "Compte",
    "account": "Compte",
    "profile": "Compte",
    "firm": "Cabinet",
    "request": "Demande en attente",
    "access": "Demande en attente",
    "support": "Support",
    "assistance": "Assistance",
    "login": "Connexion",
}
FIELD_LABELS = {
    "selected": "Sélectionnée",
    "declare": "Déclarer",
    "pay": "Payer",
    "active_from": "Accessible le",
    "pay_active_from": "Payer accessible le",
    "granted_at": "Accordée le",
    "name": "Nom",
    "nom": "Nom",
    "prenom": "Prénom",
    "comment": "Commentaire",
    "role": "Rôle",
    "email": "Courriel",
    "phone": "Téléphone",
    "mobile": "Portable",
    "is_active": "Actif",
    "portfolio": "Portefeuille",
    "declarants": "Déclarants",
    "declarant": "Déclarant",
    "declarations": "Déclarations",
    "declaration": "Déclaration",
    "companies": "Entreprises",
    "company": "Entreprise",
    "establishments": "Établissements",
    "establishment": "Établissement",
    "siren": "SIREN",
    "siret": "SIRET",
    "status": "Statut",
    "kind": "Type",
    "secret_question": "Question secrète",
    "admins": "Administrateurs",
    "admin": "Administrateur",
    "deactivated": "Désactivés",
}
VALUE_LABELS = {
    "role": {"admin": "Administrateur", "declarant": "Déclarant"},
    "status": {"pending": "En attente", "accepted": "Acceptée", "refused": "Refusée"},
    "kind": {"cooptation": "Devenir administrateur", "password": "Mot de passe", "access": "Accès au compte"},
}
_MOMENT = re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d)?$")


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


def action_label(action):
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    area, _, verb = (action or "").partition(".")
    return AREA_LABELS.get(area, area.capitalize() or "Modification")


def _load(text):
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def describe(before_json, after_json):
    """[FieldChange] in French: the fields that changed (all of them on creation or deletion)."""
    before, after = _load(before_json), _load(after_json)
    if before is None and after is None:
        return []
    if not isinstance(before, dict | type(None)) or not isinstance(after, dict | type(None)):
        return [FieldChange("Valeur", value_fr(before), value_fr(after))]
    before, after = before or {}, after or {}
    keys = list(dict.fromkeys([*before, *after]))
    changed = [k for k in keys if before.get(k) != after.get(k)] or keys
    return [
        FieldChange(
            field_label(k),
            value_fr(before.get(k), k) if k in before else "—",
            value_fr(after.get(k), k) if k in after else "—",
        )
        for k in changed
    ]


def field_label(key):
    return FIELD_LABELS.get(key, str(key).replace("_", " ").capitalize())


def value_fr(value, key=None):
    """A stored value as people read it: Oui/Non, Paris dates, lists joined, — for nothing."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, list):
        return ", ".join(value_fr(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{field_label(k)} : {value_fr(v, k)}" for k, v in value.items())
    if isinstance(value, str) and _MOMENT.match(value):
        return datetime_fr(datetime.datetime.fromisoformat(value))
    if isinstance(value, str) and value in VALUE_LABELS.get(key, {}):
        return VALUE_LABELS[key][value]
    if key == "siret" and isinstance(value, str) and len(value) == 14:
        return format_siret(value)
    return str(value)
