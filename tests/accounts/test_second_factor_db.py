"""The second factor (db/accounts/second_factor.py) on SQLite and PostgreSQL: enrolment confirmed by
a first code, codes never accepted twice, recovery codes used once, wrong codes throttled and
journaled, the firm-level requirement, and the administrator's reset after a lost phone."""
import pytest

from db import clock
from db.accounts import second_factor
from db.accounts.throttle import Throttled
from db.errors import Forbidden, Invalid, NotFound
from db.models import AuditEvent, Firm, RecoveryCode, User
from tests.factories.accounts import NOON, claire
from tests.factories.firms import make_firm
from tests.factories.people import demo_user
from tests.factories.second_factor import code_now, enrolled


def actions(firm_id):
    return [e.action for e in AuditEvent.select().where(AuditEvent.firm == firm_id).order_by(AuditEvent.id)]


def test_enrolment_shows_a_qr_code_and_needs_a_first_right_code(db_engine, demo_firm):
    clock.freeze(NOON)
    user = claire()
    secret = second_factor.start_enrolment(user)
    uri, svg, grouped = second_factor.provisioning(User.get_by_id(user.id))
    assert uri.startswith("otpauth://totp/Portail%20tiers%20d%C3%A9clarant:") and f"secret={secret}" in uri
    assert svg.startswith("<svg") and "<path" in svg and grouped.replace(" ", "") == secret
    with pytest.raises(Invalid) as refused:
        second_factor.confirm_enrolment(user, "000000" if code_now(secret) != "000000" else "111111")
    assert "Code incorrect" in refused.value.errors["code"] and not second_factor.is_enrolled(claire())
    codes = second_factor.confirm_enrolment(user, code_now(secret))
    assert len(codes) == 10 and len(set(codes)) == 10 and all(len(c) == 9 and c[4] == "-" for c in codes)
    stored = claire()
    assert stored.totp_secret == secret and stored.totp_pending_secret is None
    assert not any(c in {r.code_hash for r in RecoveryCode.select()} for c in codes)  # digests only
    assert "user.second_factor_enabled" in actions(demo_firm.id)


def test_a_code_is_accepted_once_and_drift_of_one_step_is_tolerated(db_engine, demo_firm):
    clock.freeze(NOON)
    secret, _ = enrolled(claire())
    clock.advance(seconds=30)
    code = code_now(secret)
    assert second_factor.verify(claire(), code) == "code"
    with pytest.raises(Invalid):
        second_factor.verify(claire(), code)  # replayed
    assert second_factor.verify(claire(), code_now(secret, steps_later=1)) == "code"  # a phone 30 s ahead
    clock.advance(minutes=5)
    with pytest.raises(Invalid):
        second_factor.verify(claire(), code_now(secret, steps_later=-2))  # too old


def test_recovery_codes_work_once_each(db_engine, demo_firm):
    clock.freeze(NOON)
    _, codes = enrolled(claire())
    assert second_factor.verify(claire(), codes[0].lower().replace("-", " ")) == "recovery"
    with pytest.raises(Invalid):
        second_factor.verify(claire(), codes[0])
    assert second_factor.remaining_codes(claire()) == 9
    with pytest.raises(Invalid):
        second_factor.new_recovery_codes(claire(), "mauvais")
    fresh = second_factor.new_recovery_codes(claire(), "Demo-Portail-2026")
    with pytest.raises(Invalid):
        second_factor.verify(claire(), codes[1])  # the old ones stopped working
    assert second_factor.verify(claire(), fresh[1]) == "recovery"


def test_wrong_codes_are_throttled_and_journaled(db_engine, demo_firm):
    clock.freeze(NOON)
    secret, _ = enrolled(claire())
    wrong = "123456" if code_now(secret) != "123456" else "654321"
    for _ in range(4):
        with pytest.raises(Invalid):
            second_factor.verify(claire(), wrong, "203.0.113.4")
    with pytest.raises(Throttled) as throttled:
        second_factor.verify(claire(), wrong, "203.0.113.4")
    with pytest.raises(Throttled):
        second_factor.verify(claire(), code_now(secret), "203.0.113.4")
    assert throttled.value.scope == "account"
    assert actions(demo_firm.id).count("login.second_factor_failed") == 5


def test_the_firm_can_require_it_and_a_person_cannot_then_turn_it_off(db_engine, demo_firm):
    admin = claire()
    assert not second_factor.is_required(demo_user("DURAND"))
    second_factor.set_required(admin, True)
    assert second_factor.is_required(demo_user("DURAND"))
    assert Firm.get_by_id(demo_firm.id).second_factor_required
    enrolled(demo_user("DURAND"))
    with pytest.raises(Invalid) as refused:
        second_factor.disable(demo_user("DURAND"), "Demo-Portail-2026")
    assert "exige" in refused.value.errors["__all__"]
    second_factor.set_required(admin, False)
    with pytest.raises(Invalid):
        second_factor.disable(demo_user("DURAND"), "mauvais")
    second_factor.disable(demo_user("DURAND"), "Demo-Portail-2026")
    assert not second_factor.is_enrolled(demo_user("DURAND"))
    assert actions(demo_firm.id)[-4:] == ["firm.second_factor_required", "user.second_factor_enabled",
                                          "firm.second_factor_required", "user.second_factor_disabled"]


def test_an_administrator_resets_a_lost_phone_of_the_firm_only(db_engine, demo_firm):
    paul = demo_user("DURAND")
    enrolled(paul)
    _, other_admin, _ = make_firm()
    with pytest.raises(NotFound):
        second_factor.reset_by_admin(other_admin, paul.id)
    with pytest.raises(Forbidden):  # a déclarant may not
        second_factor.reset_by_admin(demo_user("LEROY"), paul.id)
    second_factor.reset_by_admin(claire(), paul.id)
    after = demo_user("DURAND")
    assert not second_factor.is_enrolled(after) and after.session_version == paul.session_version + 1
    assert RecoveryCode.select().where(RecoveryCode.user == paul.id).count() == 0
    event = AuditEvent.select().where(AuditEvent.action == "person.second_factor_reset").get()
    assert event.summary == "Double authentification de DURAND Paul réinitialisée par MOUTIN Claire"
