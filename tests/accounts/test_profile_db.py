"""db.accounts.profile on SQLite and PostgreSQL: contact details, password, secret question,
administrators."""
import pytest

from db import clock
from db.accounts import profile
from db.accounts.passwords import check_secret
from db.errors import Forbidden, Invalid
from db.models import AuditEvent, User
from tests.factories.firms import PASSWORD
from tests.factories.outbox import mails
from tests.factories.people import LINKS, reload

NEW_PASSWORD = "Autre-Motdepasse-77"


def test_everyone_of_the_firm_sees_the_active_administrators(firm):
    _, admin, [marc] = firm
    User.create(
        firm=admin.firm_id,
        role="admin",
        nom="ANCIEN",
        prenom="Chef",
        nom_key="ancien",
        prenom_key="chef",
        email="a@x.fr",
        is_active=False,
    )
    assert [(a.nom, a.prenom) for a in profile.administrators(marc)] == [("BERNARD", "Alice")]


def test_support_agents_have_no_profile(firm):
    agent = User.create(
        firm=None, role="support", nom="S", prenom="A", nom_key="s", prenom_key="a", email="s@x.fr"
    )
    with pytest.raises(Forbidden):
        profile.administrators(agent)


def test_phone_changes_need_no_password_but_an_address_change_does(firm):
    _, _, [marc] = firm
    assert profile.update_contact(marc, {"email": marc.email, "phone": "+33 1 23 45 67 89"}, LINKS) == [
        "phone"
    ]
    assert reload(marc).phone == "0123456789" and mails() == []
    with pytest.raises(Invalid) as refused:
        profile.update_contact(marc, {"email": "marc@neuf.fr"}, LINKS)
    assert refused.value.errors == {"current_password": "Ce champ est obligatoire."}
    with pytest.raises(Invalid) as wrong:
        profile.update_contact(marc, {"email": "marc@neuf.fr", "current_password": "faux"}, LINKS)
    assert wrong.value.errors == {"current_password": profile.WRONG_PASSWORD}
    assert reload(marc).email == marc.email
    profile.update_contact(marc, {"email": "marc@neuf.fr", "current_password": PASSWORD}, LINKS)
    assert [m.to for m in mails()] == [marc.email, "marc@neuf.fr"]
    assert all(m.subject == "Modification de votre adresse électronique" for m in mails())


def test_a_password_change_ends_the_other_sessions(firm):
    _, _, [marc] = firm
    fresh = profile.change_password(marc, {"current_password": PASSWORD, "password": NEW_PASSWORD,
                                           "confirmation": NEW_PASSWORD})
    assert fresh.session_version == marc.session_version + 1 and check_secret(
        NEW_PASSWORD, fresh.password_hash
    )
    assert mails(marc.email)[-1].subject == "Modification de votre mot de passe"
    assert AuditEvent.get(AuditEvent.action == "profile.password_changed").actor_id == marc.id


@pytest.mark.parametrize("data, field, message", [
    ({"current_password": "faux"}, "current_password", "incorrect"),
    ({"password": "court"}, "password", "au moins 12"),
    ({"password": PASSWORD, "confirmation": PASSWORD}, "password", "différent de l'actuel"),
    ({"password": "Petit-Marc-2026-x"}, "password", "ni votre nom"),
    ({"confirmation": "autre"}, "confirmation", "ne correspond pas"),
])
def test_bad_password_changes_are_refused(firm, data, field, message):
    _, _, [marc] = firm
    with pytest.raises(Invalid) as refused:
        profile.change_password(marc, {"current_password": PASSWORD, "password": NEW_PASSWORD,
                                       "confirmation": NEW_PASSWORD, **data})
    assert message in refused.value.errors[field]
    assert reload(marc).password_hash == marc.password_hash


def test_five_wrong_current_passwords_lock_the_account(firm):
    _, _, [marc] = firm
    clock.freeze(clock.now())
    for _ in range(5):
        with pytest.raises(Invalid):
            profile.change_password(marc, {"current_password": "faux"})
    assert reload(marc).locked_until is not None
    with pytest.raises(Invalid) as locked:
        profile.change_password(marc, {"current_password": PASSWORD, "password": NEW_PASSWORD,
                                       "confirmation": NEW_PASSWORD})
    assert "réessayez après" in locked.value.errors["current_password"]
    clock.advance(minutes=16)
    profile.change_password(marc, {"current_password": PASSWORD, "password": NEW_PASSWORD,
                                   "confirmation": NEW_PASSWORD})


def test_the_secret_question_changes_with_the_current_password(firm):
    _, _, [marc] = firm
    with pytest.raises(Invalid) as refused:
        profile.change_secret(marc, {"current_password": PASSWORD, "secret_question": "Ville natale ?",
                                     "secret_answer": "ville natale"})
    assert "ne doit pas figurer" in refused.value.errors["secret_answer"]
    profile.change_secret(marc, {"current_password": PASSWORD, "secret_question": "Ma ville natale ?",
                                 "secret_answer": "Saint-Étienne"})
    stored = reload(marc)
    assert stored.secret_question == "Ma ville natale ?" and check_secret(
        "saint-etienne", stored.secret_answer_hash
    )
    assert mails(marc.email)[-1].subject == "Modification de votre question secrète"
