"""French error pages, and the mapping of db/ domain errors to HTTP statuses.

An error page never depends on the database: when the database is what failed (PostgreSQL down, a
SQLite file read-only or on a full disk), the page is drawn for an anonymous visitor, and as a last
resort from a fixed French text, never as Werkzeug's English one."""
from flask import current_app, g, render_template
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from peewee import IntegrityError, InterfaceError, OperationalError

from db.errors import Forbidden, NotFound

PAGES = {
    400: ("Requête invalide", "La requête envoyée n'a pas pu être traitée."),
    403: ("Accès refusé", "Vous n'avez pas les droits nécessaires pour accéder à cette page."),
    404: ("Page introuvable", "La page demandée n'existe pas ou n'est pas accessible avec votre compte."),
    405: ("Méthode non autorisée", "Cette action n'est pas permise de cette façon."),
    409: ("Action déjà enregistrée", "Cette action vient d’être enregistrée par une autre demande (un double "
          "clic, ou une autre personne au même moment)\u202f: rechargez la page pour voir où elle en est."),
    413: ("Envoi trop volumineux", "Les données envoyées dépassent la taille autorisée\u202f: rien n’a été "
          "enregistré. Raccourcissez le texte ou envoyez un fichier plus petit."),
    429: ("Trop de tentatives", "Trop de tentatives en peu de temps. Patientez quelques minutes."),
    500: ("Erreur du serveur", "Une erreur inattendue s'est produite. Vos données n'ont pas été modifiées."),
    503: ("Service momentanément indisponible", "La base de données du portail ne répond pas. Réessayez "
          "dans quelques minutes\u202f; si cela dure, prévenez la personne qui administre le portail."),
}
READ_ONLY = ("Le portail ne peut rien enregistrer pour le moment (espace disque plein ou base en lecture "
             "seule)\u202f: votre action n’a pas été enregistrée. Vous pouvez continuer à consulter vos "
             "pages\u202f; réessayez plus tard.")
_READ_ONLY_SIGNS = ("readonly", "read-only", "disk is full", "no space left", "could not extend file")

NUL_REFUSED = "La saisie contient un caractère nul, qui n'est pas accepté. Corrigez-la et recommencez."
_PSYCOPG_NUL = "cannot contain NUL (0x00) characters"


def error_page(status, detail=None):
    title, text = PAGES.get(status, PAGES[500])
    text = detail or text
    try:
        return render_template("errors/error.html", status=status, title=title, text=text), status
    except Exception:  # noqa: BLE001 - the page itself needed the database (the menu, the person)
        current_app.logger.exception("Page d'erreur sans la base de données")
    g._login_user = current_app.login_manager.anonymous_user()  # no query for the header and menu
    try:
        return render_template("errors/error.html", status=status, title=title, text=text), status
    except Exception:  # noqa: BLE001 - last resort: a page that needs nothing
        current_app.logger.exception("Page d'erreur de secours")
    return _bare_page(status, title, text), status


def _bare_page(status, title, text):
    return (f'<!doctype html><html lang="fr"><meta charset="utf-8"><title>{escape(title)} – Portail tiers '
            f"déclarant</title><h1>{escape(title)}</h1><p>{escape(text)}</p><p>Code {status}</p></html>")


def _database_unavailable(exc):
    """PostgreSQL unreachable, SQLite read-only or full: 503 with the reason in French; the request's
    transaction rolled back, nothing was half-written."""
    current_app.logger.error("Base de données indisponible : %s", exc)
    return error_page(503, READ_ONLY if _cannot_write(exc) else None)


def _cannot_write(exc):
    """The database reads but refuses writes. SQLite rolls back by itself on a full disk, and the
    rollback that follows fails in turn: the reason is further down the chain of exceptions."""
    while exc is not None:
        if any(sign in str(exc).lower() for sign in _READ_ONLY_SIGNS):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _duplicate(exc):
    """A unique index refused a row that the checks let through (two submits at the same moment)
    where no operation gives its own refusal: a French 409, never a 500."""
    current_app.logger.warning("Contrainte d'unicité : %s", exc)
    return error_page(409)


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
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(InterfaceError, _database_unavailable)
    app.register_error_handler(IntegrityError, _duplicate)


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
