"""The texts of the mails the account flows send (French, plain text), queued in the caller's
transaction. Links are absolute URLs built by the webapp and passed in: db/ knows no routes.

Owned here: account created (with the validation link), a new validation link, password
recovery started (link by e-mail, secret question, request to the administrators), the
forgotten login, and the notice to administrators that a request waits for them.
"""
from db.mail import delivery

SIGNATURE = "\n\nCordialement,\nLe portail tiers déclarant\n\n" \
    "Ce message est envoyé automatiquement : merci de ne pas y répondre."
LINK_MINUTES = 60
LOGIN_REMINDER_SUBJECT = "Rappel de vos identifiants de connexion"


def _greeting(user):
    return f"Madame, Monsieur,\n\nÀ l'attention de {user.nom.upper()} {user.prenom}\n\n"


def account_created(user, firm, validation_url):
    """Account created: the first administrator must validate the address (link, 60 minutes)."""
    body = (
        _greeting(user)
        + f"Vous êtes désormais inscrit comme administrateur de {firm.name} (SIRET {firm.siret}) "
        "sur le portail tiers déclarant.\n\n"
        "Pour garantir vos échanges et accéder au portail, validez votre adresse électronique en "
        "suivant ce lien (valable 60 minutes, utilisable une seule fois) :\n\n"
        f"{validation_url}\n\n"
        "Validation de votre adresse électronique.\n\n"
        "Passé ce délai, la page de connexion vous proposera d'envoyer un nouveau lien.\n\n"
        f"Vos identifiants de connexion : SIRET {firm.siret}, nom {user.nom}, prénom {user.prenom}."
        + SIGNATURE
    )
    return delivery.queue(user.email, "Validation de votre adresse électronique", body, firm=firm.id)


def validation_link(user, validation_url):
    """A new validation link, asked from the connexion page."""
    body = (
        _greeting(user)
        + "Vous avez demandé un nouveau lien de validation de votre adresse électronique. "
        "Suivez ce lien (valable 60 minutes, utilisable une seule fois) :\n\n"
        f"{validation_url}\n\n"
        "Les liens envoyés précédemment ne fonctionnent plus." + SIGNATURE
    )
    return delivery.queue(user.email, "Validation de votre adresse électronique", body, firm=user.firm_id)


def reset_link(user, reset_url):
    """Recovery by e-mail: the link to choose a new password."""
    body = (
        _greeting(user)
        + "Une procédure de récupération de votre mot de passe a été engagée sur le portail tiers "
        "déclarant. Pour choisir un nouveau mot de passe, suivez ce lien (valable 60 minutes, "
        "utilisable une seule fois) :\n\n"
        f"{reset_url}\n\n"
        "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe "
        "actuel reste valable." + SIGNATURE
    )
    return delivery.queue(user.email, "Réinitialisation de votre mot de passe", body, firm=user.firm_id)


def password_reset_by_question(user, login_url):
    """Recovery by the secret question succeeded: tell the holder of the mailbox."""
    body = (
        _greeting(user)
        + "Votre mot de passe vient d'être modifié après une réponse correcte à votre question "
        "secrète (procédure « Mot de passe oublié »). Vos autres sessions ont été fermées.\n\n"
        "Si vous n'êtes pas à l'origine de ce changement, utilisez dès maintenant « Mot de passe "
        f"oublié » sur {login_url} puis prévenez un administrateur de votre établissement." + SIGNATURE
    )
    return delivery.queue(user.email, "Votre mot de passe a été modifié", body, firm=user.firm_id)


def password_request_sent(user):
    """Recovery through the administrators: tell the requester what happens next."""
    body = (
        _greeting(user)
        + "Une procédure de récupération de votre mot de passe a été engagée : votre demande de "
        "génération d'un mot de passe a été transmise aux administrateurs de votre établissement "
        "(« Demande en attente »).\n\n"
        "Un administrateur vous communiquera un mot de passe temporaire ; à la connexion suivante, "
        "vous choisirez un nouveau mot de passe et une nouvelle question secrète.\n\n"
        "Si vous n'êtes pas à l'origine de cette demande, prévenez un administrateur." + SIGNATURE
    )
    return delivery.queue(user.email, "Récupération de votre mot de passe", body, firm=user.firm_id)


def request_waiting(admins, firm, what, requests_url):
    """Tell the firm's administrators that a request waits in "Demande en attente"."""
    body = (
        "Madame, Monsieur,\n\n"
        f"{what}\n\n"
        f"Vous pouvez y répondre dans « Demande en attente » : {requests_url}" + SIGNATURE
    )
    return [
        delivery.queue(admin.email, "Une demande vous attend dans « Demande en attente »", body, firm=firm.id)
        for admin in admins
    ]


def login_reminder(address, accounts, login_url):
    """Forgotten login: the triplets (SIRET, nom, prénom) of every account using the address."""
    lines = "\n".join(f"  - SIRET {u.firm.siret} ({u.firm.name}) : nom {u.nom}, prénom {u.prenom}"
                      for u in accounts)
    body = (
        "Madame, Monsieur,\n\n"
        "Vous avez demandé le rappel de vos identifiants de connexion au portail tiers déclarant. "
        "Les comptes suivants utilisent cette adresse électronique :\n\n"
        f"{lines}\n\n"
        f"Connectez-vous sur {login_url} avec le SIRET, le nom, le prénom et votre mot de passe. "
        "Si vous l'avez oublié, utilisez « Mot de passe oublié »." + SIGNATURE
    )
    return delivery.queue(address, LOGIN_REMINDER_SUBJECT, body)
