"""Revue des habilitations (db/habilitations/review.py): due and not due, people without login for
90 days, « Confirmer » journaled, the report, the detail per portfolio, the firm's status."""
import datetime

import pytest

from db import clock
from db.clients.dashboard import dashboard
from db.errors import NotFound
from db.habilitations import review
from db.models import AuditEvent, Habilitation, User
from tests.factories.habilitations import establishments, grant
from tests.habilitations.conftest import NOW


def person(found, user):
    return next(p for p in found.people if p.user.id == user.id)


def test_a_review_is_due_until_confirmed_then_again_after_the_months(t):
    grant(t.paul, establishments(t.acme), "DSN")
    found = review.review(t.admin, 12)
    paul = person(found, t.paul)
    assert paul.due and paul.services == [("DSN", 3)] and paul.rights == 3
    review.confirm(t.admin, t.paul.id)
    found = review.review(t.admin, 12)
    assert not person(found, t.paul).due and person(found, t.sophie).due
    event = AuditEvent.get(AuditEvent.action == review.ACTION)
    assert event.summary == "Habilitations de DURAND Paul revues et confirmées (3 habilitations)"
    clock.freeze(NOW + datetime.timedelta(days=364))
    assert not person(review.review(t.admin, 12), t.paul).due
    clock.freeze(datetime.datetime(2027, 11, 22, 13, 5))  # 12 months later to the minute
    assert person(review.review(t.admin, 12), t.paul).due
    assert person(review.review(t.admin, 24), t.paul).due is False


def test_people_without_login_for_90_days_are_flagged(t):
    User.update(last_login_at=NOW - datetime.timedelta(days=90)).where(User.id == t.paul.id).execute()
    User.update(last_login_at=NOW - datetime.timedelta(days=89)).where(User.id == t.sophie.id).execute()
    found = review.review(t.admin)
    assert person(found, t.paul).dormant and not person(found, t.sophie).dormant


def test_ended_rights_are_not_counted(t):
    grant(t.paul, establishments(t.acme), "DSN")
    Habilitation.update(active_until=NOW).execute()
    from db import counts
    from db.models import USER_DECLARATION_RIGHTS
    counts.recount(USER_DECLARATION_RIGHTS)
    assert person(review.review(t.admin), t.paul).services == []
    assert review.detail(t.admin, t.paul.id)[1] == []


def test_the_detail_per_portfolio_and_service(t):
    grant(t.paul, establishments(t.acme), "DSN", pay=True)
    grant(t.paul, establishments(t.gamma), "DSN")
    _, rows = review.detail(t.admin, t.paul.id)
    assert rows == [("GRANDS COMPTES", "DSN", 3, 3), ("PETITS", "DSN", 1, 0)]
    with pytest.raises(NotFound):
        review.detail(t.admin, t.other.people[0].id)
    with pytest.raises(NotFound):
        review.confirm(t.admin, t.other.people[0].id)


def _status(admin):
    """The firm's review status as the Menu personnalisé shows it: (reviews due, active people)."""
    board = dashboard(admin)
    return board.review_due, board.review_people


def test_the_report_and_the_firm_status(t):
    assert _status(t.admin) == (3, 3)
    review.confirm(t.admin, t.sophie.id)
    assert _status(t.admin) == (2, 3)
    rows = list(review.report_rows(t.admin))
    assert rows[0] == ["Date", "Revu par", "Revue"]
    assert rows[1][1:] == ["ADMIN Alice",
                           "Habilitations de LEROY Sophie revues et confirmées (0 habilitation)"]
    assert rows[1][0] == "22/11/2026 14:05:00"
    assert len(list(review.report_rows(t.other.admin))) == 1
