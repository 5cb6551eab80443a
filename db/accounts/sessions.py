"""Server-side sessions of logged-in people (firms' people and support agents alike).

Opening a session mints a random token that the signed cookie carries; only its SHA-256 is stored.
Every request finds the session, its user and the firm in one indexed query, and the session is
refused when it was ended (logout), when it was opened under an older password epoch
(User.session_version: a password change, a deactivation), after `idle` without a request, or
`lifetime` after it was opened. Its last activity is written at most once a minute, and a database
that refuses that write (read-only, full) does not log anyone out.
"""
import datetime
import hashlib
import secrets

from peewee import JOIN, DatabaseError

from db import clock
from db.declarations import tiles
from db.models import Firm, User, UserSession
from db.prepared import Prepared

TOUCH_SECONDS = 60  # the granularity of the idle timeout: at most one write a minute per session
KEEP_ENDED_DAYS = 30
# Read on every request: the person and the firm without their secrets (password and answer
# hashes, second-factor secrets, lockout counters); the operations needing them read them afresh.
SESSION_ROW = (UserSession.id, UserSession.session_version, UserSession.created_at, UserSession.last_seen_at,
               UserSession.ended_at)
SESSION_USER = (User.id, User.firm, User.role, User.nom, User.prenom, User.nom_key, User.prenom_key,
                User.email, User.phone, User.mobile, User.secret_question, User.email_validated_at,
                User.must_change_password, User.is_active, User.session_version, User.created_at,
                User.last_login_at, User.totp_enabled_at, User.unread_notice_count)
SESSION_FIRM = (Firm.id, Firm.siret, Firm.name, Firm.address, Firm.kind, Firm.is_active, Firm.manages_clients,
                Firm.second_factor_required, Firm.created_at, Firm.pending_request_count)


def _by_token(token_hash):
    return (UserSession.select(*SESSION_ROW, *SESSION_USER, *SESSION_FIRM)
            .join(User).join(Firm, JOIN.LEFT_OUTER).where(UserSession.token_hash == token_hash))


# Its SQL is built once (db/prepared.py): building it costs twenty times running it.
_BY_TOKEN = Prepared(lambda token_hash: _by_token(token_hash).limit(1), str, server_side=True)
# The same with the user's tiles tally (token_hash is unique: the session's row once per tally row).
_BY_TOKEN_WITH_TALLY = Prepared(lambda token_hash: tiles.with_session_tally(_by_token(token_hash)), str,
                                server_side=True)
_SESSION_WIDTH = len(SESSION_ROW) + len(SESSION_USER) + len(SESSION_FIRM)


def _converters(fields):
    return [(field.name, field.python_value) for field in fields]


_COLUMNS = ((UserSession, _converters(SESSION_ROW)), (User, _converters(SESSION_USER)),
            (Firm, _converters(SESSION_FIRM)))


def _session_with_user(values):
    """The session row, its user and the user's firm built from the query's tuple: Peewee's own joined
    rows (resolving 34 columns over three models on every request) cost ten times the query."""
    built = []
    values = iter(values)
    for model, columns in _COLUMNS:
        data = {name: None if value is None else convert(value)
                for (name, convert), value in zip(columns, values, strict=False)}
        built.append(model(__no_default__=1, **data))
    row, user, firm = built
    if user.firm_id is not None:
        user.firm = firm
    row.user = user
    for instance in built:  # as read, nothing to save
        instance._dirty.clear()
    return row


def _digest(token):
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def open_session(user, ip="", now=None):
    """A new session for user (after a complete login); returns user, whose get_id() is the token."""
    now = now or clock.now()
    token = secrets.token_urlsafe(32)
    UserSession.delete().where(  # this person's sessions ended long ago: nothing to keep them for
        (UserSession.user == user.id)
        & (UserSession.last_seen_at < now - datetime.timedelta(days=KEEP_ENDED_DAYS))
    ).execute()
    UserSession.create(user=user.id, token_hash=_digest(token), session_version=user.session_version,
                       created_at=now, last_seen_at=now, ip=(ip or "")[:45])
    user.session_token = token
    return user


def load_session_user(token, idle, lifetime, now=None, with_tally=False):
    """The user of a live session, with its firm, or None (ended, expired, password changed, person
    or firm deactivated). One query, without the secrets; the last activity is written at most once
    a minute. with_tally: the same query also reads the user's tiles tally (db/declarations/tiles.py),
    for a page that shows them."""
    if not token or not isinstance(token, str) or len(token) > 100:
        return None
    now = now or clock.now()
    if with_tally:
        rows = _BY_TOKEN_WITH_TALLY.cursor(_digest(token)).fetchall()
        found = rows[0] if rows else None
    else:
        found = _BY_TOKEN.cursor(_digest(token)).fetchone()
    row = found and _session_with_user(found)
    if row is None or row.ended_at is not None:
        return None
    user = row.user
    if (not user.is_active or user.session_version != row.session_version
            or (user.firm_id is not None and not user.firm.is_active)
            or now - row.last_seen_at > idle or now - row.created_at > lifetime):
        return None
    if (now - row.last_seen_at).total_seconds() > TOUCH_SECONDS:
        _touch(row.id, now)
    user.session_token = token
    if with_tally:
        tiles.keep_session_tally(user, [row[_SESSION_WIDTH:] for row in rows])
    return user


def _touch(session_id, now):
    try:
        UserSession.update(last_seen_at=now).where(UserSession.id == session_id).execute()
    except DatabaseError:  # read-only or full: the pages that read keep working
        pass


def end_session(token, now=None):
    """Log out: the token never opens a page again, even replayed."""
    if token:
        UserSession.update(ended_at=now or clock.now()).where(
            (UserSession.token_hash == _digest(token)) & UserSession.ended_at.is_null()).execute()
