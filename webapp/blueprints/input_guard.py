"""A NUL character that reaches a query: a French 400 page instead of a 500.

Nobody types one; it only comes from tools or attacks. SQLite stores it, but PostgreSQL refuses it
in any text (psycopg2 raises ValueError before sending the query), wherever a search term or a
field reaches SQL unchecked. The transaction of the request rolls back, nothing is written, and the
person is told what to correct. Fields that check their input (db.account_fields) still answer
with their own message next to the field, before any query."""
from flask import Blueprint

from webapp.errors import error_page

bp = Blueprint("input_guard", __name__)
REFUSED = "La saisie contient un caractère nul, qui n'est pas accepté. Corrigez-la et recommencez."
_PSYCOPG_NUL = "cannot contain NUL (0x00) characters"


@bp.app_errorhandler(ValueError)
def _nul_character(exc):
    if _PSYCOPG_NUL not in str(exc):
        raise exc
    return error_page(400, REFUSED)
