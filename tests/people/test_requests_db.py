"""db.people.requests on SQLite and PostgreSQL: cooptation, temporary password and access requests."""
import threading

import pytest

from db.accounts.passwords import check_secret
from db.database import database
from db.errors import Conflict, Forbidden, Invalid, NotFound
from db.models import AuditEvent, PendingRequest, User
from db.models.accounts import ROLE_DECLARANT
from db.people import requests
from tests.factories.firms import make_firm
from tests.factories.outbox import activation_token, mails
from tests.factories.people import LINKS, reload


def _password_request(user):
    return PendingRequest.create(firm=user.firm_id, kind="password", requester=user.id,
                                 requester_name=user.full_name, requester_email=user.email)


def _access_request(firm_id):
    return PendingRequest.create(
        firm=firm_id, kind="access", requester_name="DE LA FONTAINE Jean", requester_email="jean@x.fr",
        message="Nom : de La Fontaine\nPrénom : Jean\nTéléphone : 0123456789\nTéléphone portable : —\n"
                "Courriel : jean@x.fr\n\nJe rejoins le cabinet.")


def test_a_declarant_asks_once_and_the_administrators_are_told(firm):
    _, admin, [marc] = firm
    request = requests.ask_cooptation(marc, "Je m'occupe de la paie.", LINKS)
    assert (request.kind, request.status, request.requester_id) == ("cooptation", "pending", marc.id)
    assert requests.my_cooptation(marc).id == request.id
    [notice] = mails(admin.email)
    assert "PETIT Marc demande à devenir administrateur" in notice.body and LINKS.requests in notice.body
    with pytest.raises(Invalid) as twice:
        requests.ask_cooptation(marc, "", LINKS)
    assert "déjà en attente" in twice.value.errors["message"]
    with pytest.raises(Invalid):
        requests.ask_cooptation(admin, "", LINKS)  # already administrator
    with pytest.raises(Invalid) as hostile:
        requests.ask_cooptation(make_firm("97785096500020", admin=("A", "B"), declarants=(("C", "D"),))[2][0],
                               "Merci \u202e d'avance", LINKS)
    assert "invisibles" in hostile.value.errors["message"]
    # The count comes with the session's user (a fresh read of the account, as each request makes).
    assert requests.pending_count(reload(admin)) == 1 and requests.pending_count(reload(marc)) == 0


def test_accord_makes_the_requester_administrator(firm):
    _, admin, [marc] = firm
    request = requests.ask_cooptation(marc, "", LINKS)
    requests.accept_cooptation(admin, request.id, LINKS)
    assert reload(marc).is_admin and PendingRequest.get_by_id(request.id).status == "accepted"
    assert mails(marc.email)[-1].subject == "Réponse à votre demande de devenir administrateur"
    assert "accepté" in mails(marc.email)[-1].body
    assert {"request.accepted", "person.promoted"} <= {e.action for e in AuditEvent.select()}
    with pytest.raises(Conflict):
        requests.refuse(admin, request.id, LINKS)  # already decided


def test_refus_tells_the_requester(firm):
    _, admin, [marc] = firm
    request = requests.ask_cooptation(marc, "", LINKS)
    requests.refuse(admin, request.id, LINKS)
    assert not reload(marc).is_admin and "refusé" in mails(marc.email)[-1].body
    assert requests.list_requests(admin) == [] and [
        r.id for r in requests.list_requests(admin, decided=True)
    ] == [request.id]


def test_two_administrators_answering_together_decide_once(firm):
    _, admin, [marc] = firm
    second = User.create(firm=admin.firm_id, role="admin", nom="ROUX", prenom="Zoé", nom_key="roux",
                         prenom_key="zoe", email="zoe@x.fr", password_hash=admin.password_hash)
    request = requests.ask_cooptation(marc, "", LINKS)
    barrier, outcomes = threading.Barrier(2), []

    def answer(actor, operation):
        database.connect(reuse_if_open=True)
        try:
            barrier.wait()
            operation(actor, request.id, LINKS)
            outcomes.append("decided")
        except Conflict:
            outcomes.append("conflict")
        finally:
            database.close()

    threads = [threading.Thread(target=answer, args=(admin, requests.accept_cooptation)),
               threading.Thread(target=answer, args=(second, requests.refuse))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["conflict", "decided"]
    assert len([m for m in mails(marc.email) if m.subject.startswith("Réponse")]) == 1


def test_the_temporary_password_is_returned_once_and_must_be_changed(firm):
    _, admin, [marc] = firm
    request = _password_request(marc)
    person, password = requests.accept_password(admin, request.id, "marc.nouveau@x.fr", LINKS)
    stored = reload(marc)
    assert check_secret(password, stored.password_hash) and stored.must_change_password
    assert stored.session_version == marc.session_version + 1 and stored.email == "marc.nouveau@x.fr"
    assert len(password) == 16 and not set(password) & set("O0Il1o")
    [old_notice] = mails(marc.email)
    assert old_notice.subject == "Modification de votre adresse électronique"
    assert password in mails("marc.nouveau@x.fr")[-1].body
    assert all(password not in (e.summary + (e.before or "") + (e.after or "")) for e in AuditEvent.select())


def test_a_password_request_with_a_bad_address_changes_nothing(firm):
    _, admin, [marc] = firm
    request = _password_request(marc)
    with pytest.raises(Invalid):
        requests.accept_password(admin, request.id, "pas une adresse", LINKS)
    assert (
        reload(marc).password_hash == marc.password_hash
        and PendingRequest.get_by_id(request.id).status == "pending"
    )


def test_no_one_answers_their_own_request_nor_for_a_deactivated_requester(firm):
    _, admin, [marc] = firm
    own = _password_request(admin)
    with pytest.raises(Forbidden):
        requests.accept_password(admin, own.id, admin.email, LINKS)
    request = _password_request(marc)
    User.update(is_active=False).where(User.id == marc.id).execute()
    with pytest.raises(Invalid) as refused:
        requests.accept_password(admin, request.id, marc.email, LINKS)
    assert "désactivé" in refused.value.errors["__all__"]


def test_access_accord_creates_the_person_with_an_activation_link(firm):
    _, admin, _ = firm
    request = _access_request(admin.firm_id)
    details = requests.access_details(request)
    assert details == {"nom": "de La Fontaine", "prenom": "Jean", "email": "jean@x.fr", "phone": "0123456789",
                       "mobile": "", "role": ROLE_DECLARANT}
    person = requests.accept_access(admin, request.id, details, LINKS)
    assert person.firm_id == admin.firm_id and person.password_hash is None
    assert activation_token("jean@x.fr")
    assert PendingRequest.get_by_id(request.id).requester_id == person.id


def test_access_refus_mails_the_requester(firm):
    _, admin, _ = firm
    request = _access_request(admin.firm_id)
    requests.refuse(admin, request.id, LINKS)
    assert mails("jean@x.fr")[-1].subject == "Réponse à votre demande d’accès"
    assert User.select().where(User.email == "jean@x.fr").count() == 0


def test_another_firms_request_is_not_found_and_a_declarant_is_refused(firm):
    _, admin, [marc] = firm
    _, other_admin, [other] = make_firm(
        "97785096500020", admin=("MOUTIN", "Claire"), declarants=(("DURAND", "Paul"),)
    )
    request = requests.ask_cooptation(other, "", LINKS)
    for operation in (requests.accept_cooptation, requests.refuse):
        with pytest.raises(NotFound):
            operation(admin, request.id, LINKS)
    with pytest.raises(Forbidden):
        requests.list_requests(marc)
    with pytest.raises(NotFound):
        requests.accept_access(
            other_admin, _access_request(admin.firm_id).id, requests.access_details(request), LINKS
        )
    assert PendingRequest.get_by_id(request.id).status == "pending"
