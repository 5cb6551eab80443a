"""The texts of the mails about people's accounts, and the links they carry.

Operations queue these inside their transaction (db.mail.queue); the webapp delivers after
commit. db/ knows no routes: the webapp passes a Links with the absolute URLs to use.
"""
from dataclasses import dataclass

from db import clock
from db.identifiers import format_siret
from db.mail.delivery import queue

ACTIVATION_HOURS = 72
TOKEN_PLACEHOLDER = "__TOKEN__"
SIGNATURE = "\n\nLe portail tiers déclarant\n(message automatique : merci de ne pas y répondre)"


@dataclass(frozen=True)
class Links:
    """Absolute URLs for mails; activation holds TOKEN_PLACEHOLDER where the token goes."""

    login: str = ""
    activation: str = ""
    assistance: str = ""
    requests: str = ""

    def activate(self, token):
        return self.activation.replace(TOKEN_PLACEHOLDER, token)


def when(moment=None):
    """ "23/11/2026 à 14:05" in Paris time, now by default."""
    return clock.datetime_fr(moment or clock.now())


def _greeting(user):
    return f"Madame, Monsieur,\n\nÀ l'attention de {user.full_name}\n\n"


def _triplet(user, firm):
    return (
        "Vos identifiants de connexion :\n"
        f"  Siret : {format_siret(firm.siret)}\n  Nom : {user.nom}\n  Prénom : {user.prenom}\n"
    )


def _send(user, subject, body, firm=None, to=None):
    return queue(to or user.email, subject, _greeting(user) + body + SIGNATURE, firm=firm or user.firm_id)


def activation(user, firm, token, links, intro):
    """The activation link: choose a password and a secret question."""
    body = (
        f"{intro}\n\n"
        "Pour activer votre compte, choisissez votre mot de passe et votre question secrète en suivant "
        f"ce lien, valable {ACTIVATION_HOURS} heures et utilisable une seule fois :\n"
        f"{links.activate(token)}\n\n{_triplet(user, firm)}\n"
        "Si vous n'attendiez pas ce message, ignorez-le : rien ne sera fait sans votre action."
    )
    return _send(user, "Activation de votre compte sur le portail tiers déclarant", body, firm.id)


def deactivated(user, firm, actor_name):
    body = (
        f"Votre compte du cabinet {firm.name} sur le portail tiers déclarant a été désactivé le "
        f"{when()} par {actor_name}. Vous ne pouvez plus vous connecter.\n\n"
        "Si vous pensez qu'il s'agit d'une erreur, adressez-vous à un administrateur de votre cabinet."
    )
    return _send(user, "Désactivation de votre compte", body, firm.id)


def reactivated(user, firm, actor_name, links):
    body = (
        f"Votre compte du cabinet {firm.name} sur le portail tiers déclarant a été réactivé le "
        f"{when()} par {actor_name}. Vous pouvez de nouveau vous connecter : {links.login}\n\n"
        f"{_triplet(user, firm)}"
    )
    return _send(user, "Réactivation de votre compte", body, firm.id)


def role_changed(user, firm, actor_name, links):
    if user.is_admin:
        what = ("Vous êtes désormais administrateur : vous gérez les portefeuilles, les déclarants, "
                "les habilitations et les demandes en attente du cabinet.")
    else:
        what = "Vous n'êtes plus administrateur ; vous restez déclarant."
    body = f"{actor_name} a modifié votre rôle dans le cabinet {firm.name} le {when()}.\n\n{what}\n\n{links.login}"
    return _send(user, "Modification de votre rôle", body, firm.id)


def email_changed(user, firm, old, new):
    """To the old AND the new address, so that a hijacked account is noticed."""
    common = (
        f"L'adresse électronique de contact de votre compte (cabinet {firm.name}) a été modifiée le {when()} :\n"
        f"  ancienne adresse : {old}\n  nouvelle adresse : {new}\n\n"
    )
    _send(user, "Modification de votre adresse électronique", common +
          "Les messages du portail seront désormais envoyés à la nouvelle adresse. Si vous n'êtes pas à "
          "l'origine de cette modification, prévenez sans attendre un administrateur de votre cabinet.",
          firm.id, to=old)
    _send(user, "Modification de votre adresse électronique", common +
          "Cette adresse recevra désormais les messages du portail.", firm.id, to=new)


def security_changed(user, firm, what):
    """what: "mot de passe" or "question secrète"."""
    body = (
        f"Votre {what} a été modifié{'e' if what.startswith('question') else ''} le {when()}.\n\n"
        "Si vous n'êtes pas à l'origine de cette modification, prévenez sans attendre un administrateur "
        "de votre cabinet ou envoyez une demande d'assistance."
    )
    return _send(user, f"Modification de votre {what}", body, firm.id)


def cooptation_answered(user, firm, accepted, actor_name):
    if accepted:
        body = (f"{actor_name} a accepté votre demande : vous êtes désormais administrateur du cabinet "
                f"{firm.name}.")
    else:
        body = (f"{actor_name} a refusé votre demande de devenir administrateur du cabinet {firm.name}. "
                "Vous restez déclarant.")
    return _send(user, "Réponse à votre demande de devenir administrateur", body, firm.id)


def access_refused(to, name, firm, actor_name):
    body = (
        f"Madame, Monsieur,\n\nÀ l'attention de {name}\n\n"
        f"Votre demande d'accès au compte du cabinet {firm.name} sur le portail tiers déclarant a été "
        f"refusée par {actor_name}. Adressez-vous directement au cabinet si vous pensez qu'il s'agit d'une "
        "erreur." + SIGNATURE
    )
    return queue(to, "Réponse à votre demande d'accès", body, firm=firm.id)


def password_refused(user, firm, actor_name):
    body = (f"{actor_name} a refusé votre demande de nouveau mot de passe. Adressez-vous à un "
            "administrateur de votre cabinet.")
    return _send(user, "Réponse à votre demande de mot de passe", body, firm.id)


def temporary_password(user, firm, password, links):
    body = (
        "À votre demande, un administrateur de votre cabinet a généré un mot de passe provisoire :\n\n"
        f"  {password}\n\n"
        f"Connectez-vous avec ce mot de passe ({links.login}) : vous choisirez alors un nouveau mot de "
        "passe et une nouvelle question secrète.\n\n" + _triplet(user, firm)
    )
    return _send(user, "Votre mot de passe provisoire", body, firm.id)


def assistance_received(request):
    body = (
        f"Madame, Monsieur,\n\nNous avons bien reçu votre demande d'assistance (motif : {request.motif}).\n\n"
        f"Sa référence est {request.reference} : rappelez-la dans vos échanges avec le support. Nous vous "
        f"répondrons à cette adresse.\n\nVotre message :\n{request.message}" + SIGNATURE
    )
    return queue(request.email, f"Demande d'assistance {request.reference} reçue", body, firm=request.firm_id)


def assistance_answered(request, answer):
    body = (
        f"Madame, Monsieur,\n\nVoici la réponse du support à votre demande d'assistance {request.reference} "
        f"(motif : {request.motif}) :\n\n{answer}" + SIGNATURE
    )
    return queue(request.email, f"Réponse à votre demande d'assistance {request.reference}", body,
                 firm=request.firm_id)
