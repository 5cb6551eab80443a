"""French error pages, and the mapping of db/ domain errors to HTTP statuses."""
from flask import render_template
from flask_wtf.csrf import CSRFError

from db.errors import Forbidden, NotFound

PAGES = {
    400: ("Requête invalide", "La requête envoyée n'a pas pu être traitée."),
    403: ("Accès refusé", "Vous n'avez pas les droits nécessaires pour accéder à cette page."),
    404: ("Page introuvable", "La page demandée n'existe pas ou n'est pas accessible avec votre compte."),
    405: ("Méthode non autorisée", "Cette action n'est pas permise de cette façon."),
    413: ("Fichier trop volumineux", "Le fichier envoyé dépasse la taille autorisée."),
    429: ("Trop de tentatives", "Trop de tentatives en peu de temps. Patientez quelques minutes."),
    500: ("Erreur du serveur", "Une erreur inattendue s'est produite. Vos données n'ont pas été modifiées."),
}


NUL_REFUSED = "La saisie contient un caractère nul, qui n'est pas accepté. Corrigez-la et recommencez."
_PSYCOPG_NUL = "cannot contain NUL (0x00) characters"


def error_page(status, detail=None):
    title, text = PAGES.get(status, PAGES[500])
    return render_template("errors/error.html", status=status, title=title, text=detail or text), status


def init_app(app):
    for status in PAGES:
        app.register_error_handler(status, lambda e, status=status: error_page(status))
    app.register_error_handler(NotFound, lambda e: error_page(404))
    # A view that refuses with a reason raises Forbidden("…") and the page says it.
    app.register_error_handler(Forbidden, lambda e: error_page(403, str(e) or None))
    app.register_error_handler(
        CSRFError,
        lambda e: error_page(
            400, "Le formulaire a expiré ou n'est pas valide. Rechargez la page et recommencez."
        ),
    )
    app.register_error_handler(ValueError, _nul_character)


def _nul_character(exc):
    """A NUL character that reaches a query: a French 400 page instead of a 500.

    Nobody types one; it only comes from tools or attacks. SQLite stores it, but PostgreSQL refuses it
    in any text (psycopg2 raises ValueError before sending the query), wherever a search term or a
    field reaches SQL unchecked. The transaction of the request rolls back, nothing is written, and the
    person is told what to correct. Fields that check their input (db.fields) still answer with their
    own message next to the field, before any query."""
    if _PSYCOPG_NUL not in str(exc):
        raise exc
    return error_page(400, NUL_REFUSED)
