"""The session's statement of each page that reads its content with the session (webapp/login_sessions.py
EXTENDED_PAGES, db/accounts/sessions.py Extension), on SQLite and PostgreSQL: it runs and finds the session's
user, and PostgreSQL plans its UNION ALL flat: every branch yields the statement's own
column types (Extension.types), so no branch is wrapped in a Subquery Scan that copies its ~50 columns
again on every request (~45 µs of the Menu's ~370 µs of backend CPU)."""
import datetime

import pytest

from db.accounts import sessions
from db.database import is_postgres
from tests.factories.accounts import NOON, claire
from webapp.login_sessions import EXTENDED_PAGES

_SAMPLE = {int: 1, str: "admin", datetime.datetime: NOON}
PAGES = sorted({extensions for extensions, _ in EXTENDED_PAGES.values()}, key=repr)


@pytest.mark.parametrize("extensions", PAGES, ids=lambda extensions: "+".join(e.key for e in extensions))
def test_each_pages_session_statement_is_one_flat_union(db_engine, demo_firm, extensions):
    token = sessions.open_session(claire()).session_token
    statement, _ = sessions._extended(extensions)
    values = [sessions._digest(token)] + [_SAMPLE[kind] for e in extensions for kind in e.kinds]
    rows = statement.cursor(*values).fetchall()
    [session] = [row for row in rows if row[sessions._SESSION_WIDTH] == 0]  # the session's row
    assert session[len(sessions.SESSION_ROW)] == claire().id  # its user's id
    plan = "\n".join(statement.plan(*values))
    if is_postgres():
        assert "Append" in plan and "Subquery Scan" not in plan, plan
