"""db.support (assistance, agents) on SQLite and PostgreSQL: requests, answers, agents, hand-over."""
import json
import re

import pytest

from db import clock
from db.accounts.rate_limits import TooMany
from db.accounts.throttle import Throttled
from db.errors import Forbidden, Invalid, NotFound
from db.models import AssistanceRequest, AuditEvent, User
from db.support import agents, assistance
from tests.factories.firms import OTHER_SIRET
from tests.factories.outbox import activation_token, mails
from tests.factories.people import AGENT_PASSWORD, LINKS, make_agent, reload

REQUEST = {"motif": "Habilitation extranet", "siret": "443 061 841 00047", "nom": "Nouveau", "prenom": "Jean",
           "email": "jean@cabinet.fr", "message": "Notre administratrice a quitté le cabinet.\nMerci."}


@pytest.fixture
def agent(db_engine):
    return make_agent()


def test_a_request_gets_a_reference_and_an_acknowledgement(firm):
    request = assistance.submit(REQUEST)
    assert re.fullmatch(r"DA-[A-Z2-9]{8}", request.reference)
    assert request.firm_id == firm[0].id and request.siret == OTHER_SIRET and request.status == "open"
    [ack] = mails("jean@cabinet.fr")
    assert request.reference in ack.subject and "Habilitation extranet" in ack.body


def test_the_answer_is_the_same_whatever_the_siret(db_engine):
    request = assistance.submit({**REQUEST, "siret": "97785096500020"})  # valid, not registered
    assert request.firm_id is None and mails("jean@cabinet.fr")[0].subject.endswith("reçue")


@pytest.mark.parametrize("field, value, message", [
    ("motif", "Pirater", "Choisissez le motif"),
    ("siret", "12345678901234", "clé de contrôle"),
    ("siret", "4430618410004\u200b7", "invisibles"),
    ("nom", "", "obligatoire"),
    ("email", "jean@", "invalide"),
    ("message", "court", "au moins"),
    ("message", "x" * 4001, "au plus"),
    ("message", "Bonjour \u202etout le monde", "invisibles"),
    ("message", "Bonjour \x1b[31m", "contrôle"),
])
def test_bad_requests_store_nothing(db_engine, field, value, message):
    with pytest.raises(Invalid) as refused:
        assistance.submit({**REQUEST, field: value})
    assert message in refused.value.errors[field]
    assert AssistanceRequest.select().count() == 0 and mails() == []


def test_a_flood_to_one_address_is_refused(db_engine):
    clock.freeze(clock.now())
    for n in range(assistance.MAX_PER_HOUR):
        assistance.submit(REQUEST, sender=f"192.0.2.{n}")
    with pytest.raises(TooMany):
        assistance.submit(REQUEST, sender="192.0.2.99")
    clock.advance(hours=1, minutes=1)
    assistance.submit(REQUEST)


def test_a_flood_from_one_sender_to_many_addresses_is_refused(db_engine):
    clock.freeze(clock.now())
    for n in range(assistance.MAX_PER_HOUR):
        assistance.submit({**REQUEST, "email": f"victime{n}@ailleurs.fr"}, sender="203.0.113.50")
    with pytest.raises(TooMany) as refused:
        assistance.submit({**REQUEST, "email": "victime99@ailleurs.fr"}, sender="203.0.113.50")
    assert "Patientez avant d’en envoyer une autre." in str(refused.value)
    assert AssistanceRequest.select().count() == assistance.MAX_PER_HOUR
    assistance.submit({**REQUEST, "email": "victime99@ailleurs.fr"}, sender="198.51.100.3")  # someone else


def test_a_strangers_text_is_never_mailed_back_to_an_unverified_address(db_engine, demo_firm):
    text = "Achetez maintenant : http://spam.example/offre — offre limitée !"
    assistance.submit({**REQUEST, "email": "victime@ailleurs.fr", "message": text}, sender="203.0.113.50")
    [ack] = mails("victime@ailleurs.fr")
    assert "spam.example" not in ack.body and "Achetez" not in ack.body
    assert "Si vous n’êtes pas à l’origine de cette demande, ignorez ce message" in ack.body
    paul = User.get(User.nom == "DURAND")
    assistance.submit({**REQUEST, "email": paul.email, "message": "Mon habilitation DSN a disparu."}, paul)
    assert "Mon habilitation DSN a disparu." in mails(paul.email)[-1].body  # the own validated address


def test_agents_log_in_by_address_and_wait_after_five_failures_from_one_address(agent):
    assert agent.firm_id is None and agent.is_support
    assert agents.authenticate("AGENT@portail.fr", AGENT_PASSWORD).id == agent.id
    with pytest.raises(Invalid):
        agents.authenticate("inconnu@portail.fr", AGENT_PASSWORD)
    clock.freeze(clock.now())
    for _ in range(4):
        with pytest.raises(Invalid):
            agents.authenticate("agent@portail.fr", "faux", ip="203.0.113.9")
    with pytest.raises(Throttled):
        agents.authenticate("agent@portail.fr", "faux", ip="203.0.113.9")
    with pytest.raises(Throttled):
        agents.authenticate("agent@portail.fr", AGENT_PASSWORD, ip="203.0.113.9")
    assert agents.authenticate("agent@portail.fr", AGENT_PASSWORD, ip="198.51.100.2").id == agent.id
    clock.advance(minutes=1)
    assert agents.authenticate("agent@portail.fr", AGENT_PASSWORD, ip="203.0.113.9").id == agent.id


def test_agent_creation_checks_the_address_and_the_password(agent):
    with pytest.raises(Invalid) as twice:
        agents.create_agent("Agent@portail.fr", "Autre", "Agent", AGENT_PASSWORD)
    assert "déjà" in twice.value.errors["email"]
    with pytest.raises(Invalid) as weak:
        agents.create_agent("b@portail.fr", "Autre", "Agent", "faible")
    assert "password" in weak.value.errors


def test_only_agents_see_and_answer_requests(firm, agent):
    _, admin, _ = firm
    request = assistance.submit(REQUEST)
    with pytest.raises(Forbidden):
        assistance.list_requests(admin)
    with pytest.raises(Forbidden):
        assistance.answer(admin, request.id, "Non.")
    rows, total, _ = assistance.list_requests(agent, "open", "jean")
    assert [r.id for r in rows] == [request.id] and total == 1
    answered = assistance.answer(agent, request.id, "Nous avons vérifié votre identité.")
    assert answered.status == "answered" and answered.answered_by_id == agent.id
    assert mails("jean@cabinet.fr")[-1].subject == f"Réponse à votre demande d’assistance {request.reference}"
    assistance.close(agent, request.id)
    with pytest.raises(Invalid):
        assistance.answer(agent, request.id, "Encore")
    assert {e.action for e in AuditEvent.select()} >= {"assistance.answered", "assistance.closed"}
    with pytest.raises(NotFound):
        assistance.get_request(agent, 999999)


def test_hand_over_creates_the_new_administrator_and_deactivates_the_former_one(firm, agent):
    _, admin, [marc] = firm
    request = assistance.submit(REQUEST)
    person = agents.hand_over(
        agent,
        request.id,
        {"nom": "Nouveau", "prenom": "Jean", "email": "jean@cabinet.fr"},
        [str(admin.id)],
        LINKS,
    )
    assert person.is_admin and person.firm_id == admin.firm_id and person.password_hash is None
    assert activation_token("jean@cabinet.fr")
    assert not reload(admin).is_active and reload(marc).is_active
    assert mails(admin.email)[-1].subject == "Désactivation de votre compte"
    event = AuditEvent.get(AuditEvent.action == "support.handover")
    assert event.firm_id == admin.firm_id and event.actor_id == agent.id
    assert json.loads(event.after) == {"admin": "NOUVEAU Jean", "deactivated": ["BERNARD Alice"]}


def test_hand_over_promotes_an_existing_person(firm, agent):
    _, admin, [marc] = firm
    User.update(is_active=False).where(User.id == marc.id).execute()
    request = assistance.submit({**REQUEST, "nom": "Petit", "prenom": "Marc"})
    person = agents.hand_over(
        agent, request.id, {"nom": "PETIT", "prenom": "marc", "email": "marc@neuf.fr"}, [], LINKS
    )
    assert person.id == marc.id and person.is_admin and person.is_active and person.email == "marc@neuf.fr"
    assert activation_token("marc@neuf.fr") and reload(admin).is_active


def test_hand_over_needs_a_registered_firm_and_its_own_administrators(firm, agent):
    _, admin, [marc] = firm
    unknown = assistance.submit({**REQUEST, "siret": ""})
    with pytest.raises(NotFound):
        agents.hand_over(agent, unknown.id, {"nom": "A", "prenom": "B", "email": "a@b.fr"}, [], LINKS)
    request = assistance.submit(REQUEST)
    with pytest.raises(NotFound):
        agents.hand_over(
            agent, request.id, {"nom": "A", "prenom": "B", "email": "a@b.fr"}, [str(marc.id)], LINKS
        )
    with pytest.raises(Forbidden):
        agents.hand_over(admin, request.id, {"nom": "A", "prenom": "B", "email": "a@b.fr"}, [], LINKS)
    with pytest.raises(Invalid):
        agents.hand_over(agent, request.id, {"nom": "<b>", "prenom": "B", "email": "a@b.fr"}, [], LINKS)
    assert User.select().where(User.firm == admin.firm_id).count() == 2
