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
from collections.abc import Callable
from typing import NamedTuple

from peewee import (
    JOIN,
    SQL,
    BooleanField,
    Cast,
    CharField,
    DatabaseError,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Select,
    TextField,
)

from db import clock
from db.models import Firm, User, UserSession
from db.models.accounts import ROLE_ADMIN
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
_SESSION_WIDTH = len(SESSION_ROW) + len(SESSION_USER) + len(SESSION_FIRM)
_NULL = SQL("NULL")


class SessionUser(NamedTuple):
    """The session's user for the extensions, as subqueries of one column: user_id, and admin_firm (the
    firm of an administrator, none for anyone else). Each is a CTE: PostgreSQL runs one read by several
    branches once, writes one read once into its branch, and skips one read by none."""
    user_id: object
    admin_firm: object


class Extension(NamedTuple):
    """What a page reads in the session's statement beyond the session: on PostgreSQL each statement is a
    round trip and an executor's start. build(me, pad, *markers) are its queries: me the session's user
    (SessionUser; not checked yet: its rows are kept only for a live session), pad(*columns) its
    columns placed among the statement's; types are its columns' SQL types, exactly as each branch yields
    them (varchar for a varchar column, integer for an integer subquery, bigint for a COUNT or a SUM):
    the session's row carries them as typed NULLs (PostgreSQL types a column of NULLs in two UNION
    branches as text), and only when every branch's types are the statement's does PostgreSQL flatten
    the UNION ALL; one type apart (text against varchar) and each branch gets a Subquery Scan that copies
    all its columns again, planned and run on every request (tests/accounts/test_session_plans_db.py).
    kinds are its markers' (db/prepared.py); keep(user, rows) keeps its rows (tuples of its own columns)
    on the user."""
    key: str
    types: tuple
    build: Callable
    kinds: tuple
    keep: Callable


def _extended(extensions):
    """(the session's statement with the extensions' rows, each extension's (number, first column, last));
    made once per tuple of extensions (a page's), not per request."""
    found = _EXTENDED.get(extensions)
    if found is None:
        found = _EXTENDED[extensions] = _make_extended(extensions)
    return found


_EXTENDED = {}  # a page's extensions -> _make_extended's answer: a few tuples (login_sessions.py)


def _make_extended(extensions):
    """The session's statement with the extensions' rows after the session's (UNION ALL): each row says in
    the column after the session's which it is (0 the session, then the extensions in turn), the columns
    of the others NULL, so that the session's 34 columns come once, not once per extension row."""
    width = sum(len(extension.types) for extension in extensions)
    typed_nulls = [Cast(_NULL, kind) for extension in extensions for kind in extension.types]

    def build(token_hash, *markers):
        query = _by_token(token_hash).select_extend(SQL("0"), *typed_nulls)
        # The session's user found once, not by every branch.
        user = (UserSession.select(UserSession.user.alias("user_id"))
                .where(UserSession.token_hash == token_hash).cte("session_user"))
        user_id = Select((user,), (user.c.user_id,))
        firm = (User.select(User.firm.alias("firm_id"))
                .where((User.id == user_id) & (User.role == ROLE_ADMIN)).cte("admin_firm"))
        me = SessionUser(user_id, Select((firm,), (firm.c.firm_id,)))
        before = 0
        for number, extension in enumerate(extensions, 1):
            def pad(*columns, number=number, before=before):
                return (*[_NULL] * _SESSION_WIDTH, SQL(str(number)), *[_NULL] * before, *columns,
                        *[_NULL] * (width - before - len(columns)))
            own, markers = markers[:len(extension.kinds)], markers[len(extension.kinds):]
            for part in extension.build(me, pad, *own):
                query = query.union_all(part)
            before += len(extension.types)
        return query.with_cte(user, firm)

    kinds = [kind for extension in extensions for kind in extension.kinds]
    places, start = [], _SESSION_WIDTH + 1
    for number, extension in enumerate(extensions, 1):
        places.append((extension, number, start, start + len(extension.types)))
        start += len(extension.types)
    return Prepared(build, str, *kinds, server_side=True), places


def _keep_extended(user, places, rows):
    for extension, number, start, end in places:
        extension.keep(user, [row[start:end] for row in rows if row[_SESSION_WIDTH] == number])


def _datetime_value(field):
    """A DateTimeField's python_value, SQLite's text of its two usual shapes parsed in C: Peewee tries
    strptime format after format (~15 Python calls a value, 12 a request). The same datetime; any other
    shape goes to Peewee's own."""
    convert = field.python_value

    def value(text):
        if type(text) is str and len(text) in (19, 26) and text[10] == " ":
            try:
                return datetime.datetime.fromisoformat(text)
            except ValueError:
                pass
        return convert(text)
    return value


def _converters(fields):
    """(name, type, convert) of each column: a value already of the field's Python type is kept as is (what
    Peewee's adapt returns for it), any other converted by the field, as Peewee would."""
    kinds = ((BooleanField, bool), (DateTimeField, datetime.datetime), (IntegerField, int),
             (ForeignKeyField, int), (CharField, str), (TextField, str))
    columns = []
    for field in fields:
        kind = next((kind for cls, kind in kinds if isinstance(field, cls)), None)
        convert = _datetime_value(field) if kind is datetime.datetime else field.python_value
        columns.append((field.name, kind, convert))
    return tuple(columns)


_COLUMNS = ((UserSession, _converters(SESSION_ROW)), (User, _converters(SESSION_USER)),
            (Firm, _converters(SESSION_FIRM)))


def _built(model, columns, values):
    """A model instance of the columns' values, as read (nothing to save): its data set in one dict,
    not column by column through Model.__init__'s setattr."""
    data = {}
    for (name, kind, convert), value in zip(columns, values, strict=False):
        data[name] = value if value is None or type(value) is kind else convert(value)
    instance = model.__new__(model)
    instance.__data__, instance._dirty, instance.__rel__ = data, set(), {}
    return instance


def _session_with_user(values):
    """The session row, its user and the user's firm built from the query's tuple: Peewee's own joined
    rows (resolving 34 columns over three models on every request) cost ten times the query."""
    values = iter(values)
    row, user, firm = (_built(model, columns, values) for model, columns in _COLUMNS)
    if user.firm_id is not None:
        user.firm = firm
    row.user = user
    row._dirty.clear()
    user._dirty.clear()
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


def load_session_user(token, idle, lifetime, now=None, extensions=(), values=()):
    """The user of a live session, with its firm, or None (ended, expired, password changed, person
    or firm deactivated). One query, without the secrets; the last activity is written at most once
    a minute. extensions: what the page reads in the same statement (Extension, their markers' values
    in turn), kept on the user of a live session only."""
    if not token or not isinstance(token, str) or len(token) > 100:
        return None
    now = now or clock.now()
    if extensions:
        statement, places = _extended(extensions)
        rows = statement.cursor(_digest(token), *values).fetchall()
        found = next((row for row in rows if row[_SESSION_WIDTH] == 0), None)
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
    if extensions:
        _keep_extended(user, places, rows)
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
