"""The mail texts (db/mail/templates), on SQLite and PostgreSQL: every mail greets and signs the same
way, leaves no template syntax behind, says when in Paris time, is in French typography, and sends what
people typed literally."""
import datetime
import re

import pytest

from db import clock, notifications
from db.mail import account_mails, people_mails, texts
from db.models import Firm, OutgoingMail, User
from db.support import assistance
from tests.factories.firms import make_firm

GREETING = "Madame, Monsieur,\n\n"
SIGNATURE = "\n\nCordialement,\nLe portail tiers déclarant\n" \
    "(message automatique\u202f: merci de ne pas y répondre)"
TEMPLATE_SYNTAX = re.compile(r"\{[{%#]|[}%#]\}")
SPACE_BEFORE_SIGN = re.compile(r"\S{0,20}[ \u00a0][:;?!](?=\s|$)")
STRAIGHT_APOSTROPHE = re.compile(r"\S{0,20}\w'\w\S{0,10}")
BARE_GUILLEMET = re.compile(r"\S{0,20}(?:«(?!\u202f)|(?<!\u202f)»)\S{0,20}")
URL = "https://portail.example/lien/abc-123"
LINKS = people_mails.Links(login="https://portail.example/connexion",
                           activation=f"https://portail.example/activation/{people_mails.TOKEN_PLACEHOLDER}")
SUMMER_NOON_UTC = datetime.datetime(2026, 7, 14, 12, 5)  # 14:05 in Paris


@pytest.fixture
def people(demo_firm):
    clock.freeze(SUMMER_NOON_UTC)
    admin, paul = (User.get(User.nom == nom) for nom in ("MOUTIN", "DURAND"))
    return demo_firm, admin, paul


def every_mail(firm, admin, paul):
    """Each mail of the portal, by the name of its texts: how to send it, and who it greets by name."""
    request = assistance.submit({"motif": "Autre", "siret": "", "nom": "Petit", "prenom": "Marc",
                                 "email": "marc@petit.fr", "message": "Je ne trouve plus mon identifiant."})
    return {
        "account_created": (lambda: account_mails.account_created(admin, firm, URL), admin.full_name),
        "validation_link": (lambda: account_mails.validation_link(admin, URL), admin.full_name),
        "reset_link": (lambda: account_mails.reset_link(paul, URL), paul.full_name),
        "password_reset_by_question": (lambda: account_mails.password_reset_by_question(paul, URL),
                                       paul.full_name),
        "password_request_sent": (lambda: account_mails.password_request_sent(paul), paul.full_name),
        "request_waiting": (lambda: account_mails.request_waiting([admin], firm, "Une demande.", URL), None),
        "login_reminder": (lambda: account_mails.login_reminder(paul.email, [paul], URL), None),
        "activation": (lambda: people_mails.activation(paul, firm, "jeton", LINKS, "Bienvenue."),
                       paul.full_name),
        "deactivated": (lambda: people_mails.deactivated(paul, firm, admin.full_name), paul.full_name),
        "reactivated": (lambda: people_mails.reactivated(paul, firm, admin.full_name, LINKS),
                        paul.full_name),
        "role_changed": (lambda: people_mails.role_changed(paul, firm, admin.full_name, LINKS),
                         paul.full_name),
        "email_changed": (lambda: people_mails.email_changed(paul, firm, paul.email, "paul@neuf.fr"),
                          paul.full_name),
        "security_changed": (lambda: people_mails.security_changed(paul, firm, "question secrète"),
                             paul.full_name),
        "cooptation_answered": (lambda: people_mails.cooptation_answered(paul, firm, True, admin.full_name),
                                paul.full_name),
        "access_refused": (lambda: people_mails.access_refused("lea@ailleurs.fr", "MARTIN Léa", firm,
                                                               admin.full_name), "MARTIN Léa"),
        "password_refused": (lambda: people_mails.password_refused(paul, firm, admin.full_name),
                             paul.full_name),
        "temporary_password": (lambda: people_mails.temporary_password(paul, firm, "Provisoire-1", LINKS),
                               paul.full_name),
        "identifier_changed": (
            lambda: people_mails.identifier_changed(paul, firm, admin.full_name, "DURAND Paul", [], LINKS),
            paul.full_name),
        "notice": (lambda: _noticed(paul, firm), paul.full_name),
        "assistance_received": (lambda: people_mails.assistance_received(request), None),
        "assistance_answered": (lambda: people_mails.assistance_answered(request, "Voici votre identifiant."),
                                None),
    }


def _noticed(person, firm):
    """A notice of a kind the person chose to receive by mail too."""
    notifications.set_mail_choices(person, ["habilitations_granted"])
    notifications.notify("habilitations_granted", [person],  # built in Python: typography in the mail
                         "MOUTIN Claire vous a accordé 1 habilitation sur « ACME » : l'accès suit.",
                         firm_id=firm.id)


def _sent(send):
    """The mails that send() queues."""
    before = OutgoingMail.select().count()
    send()
    return list(OutgoingMail.select().order_by(OutgoingMail.id).offset(before))


def test_every_mail_has_a_way_to_be_sent_here(people):
    assert sorted(every_mail(*people)) == texts.names()


def test_every_mail_greets_and_signs_the_same_way_with_no_template_syntax_left(people):
    for name, (send, recipient) in every_mail(*people).items():
        mails = _sent(send)
        assert mails, name
        for mail in mails:
            greeting = GREETING + (f"À l’attention de {recipient}\n\n" if recipient else "")
            assert mail.body.startswith(greeting) and mail.body.endswith(SIGNATURE), (name, mail.body)
            assert mail.body.count("Madame, Monsieur") == 1 and mail.body.count("Cordialement") == 1, name
            assert not TEMPLATE_SYNTAX.search(mail.body) and not TEMPLATE_SYNTAX.search(mail.subject), name
            assert "\n\n\n" not in mail.body and mail.body == mail.body.strip(), (name, mail.body)
            assert mail.subject and "\n" not in mail.subject and mail.subject == mail.subject.strip(), name


def test_every_mail_is_in_french_typography(people):
    for name, (send, _) in every_mail(*people).items():
        for mail in _sent(send):
            for text in (mail.subject, mail.body):
                found = [m.group(0) for rule in (SPACE_BEFORE_SIGN, STRAIGHT_APOSTROPHE, BARE_GUILLEMET)
                         for m in rule.finditer(text)]
                assert not found, (name, found)


def test_what_people_typed_keeps_its_own_spaces_and_apostrophes(people):
    firm, _, paul = people
    people_mails.temporary_password(paul, firm, "l'a : b ?", LINKS)
    body = OutgoingMail.get().body
    assert "provisoire\u202f:\n\n  l'a : b ?\n" in body  # the template's words only
    assert "Vos identifiants de connexion\u202f:\n  SIRET\u202f: 977\u202f850\u202f965\u202f00020\n" in body


def test_a_notice_written_by_the_portal_reaches_the_mail_in_french_typography(people):
    firm, _, paul = people
    _noticed(paul, firm)
    mail = OutgoingMail.get()
    expected = "sur «\u202fACME\u202f»\u202f: l’accès suit."
    assert expected in mail.body and expected in mail.subject


def test_the_mails_say_when_in_paris_time(people):
    firm, admin, paul = people
    people_mails.deactivated(paul, firm, admin.full_name)
    assert "désactivé le 14/07/2026 à 14\u202fh\u202f05 par MOUTIN Claire." in OutgoingMail.get().body


def test_names_that_look_like_templates_are_sent_literally(people):
    firm, admin, paul = people
    Firm.update(name="{{ 7*7 }} & <Associés>").where(Firm.id == firm.id).execute()  # Sirene names are free
    User.update(prenom="{% raw %}Paul{{ 7*7 }}").where(User.id == paul.id).execute()
    people_mails.reactivated(User.get_by_id(paul.id), Firm.get_by_id(firm.id), "{# MOUTIN #} Claire", LINKS)
    body = OutgoingMail.get().body
    assert "À l’attention de DURAND {% raw %}Paul{{ 7*7 }}\n" in body
    assert "Votre compte du cabinet {{ 7*7 }} & <Associés> sur le portail" in body
    assert "par {# MOUTIN #} Claire." in body and "Prénom\u202f: {% raw %}Paul{{ 7*7 }}\n" in body
    assert "49" not in body


def test_a_message_that_looks_like_a_template_is_sent_back_literally(db_engine):
    message = "Bonjour {{ 7*7 }},\n{% for x in y %}mon identifiant{% endfor %} ne marche plus."
    _, admin, _ = make_firm()  # a person logged in, writing from the validated address: the text comes back
    request = assistance.submit({"motif": "Autre", "siret": "", "nom": "Petit", "prenom": "Marc",
                                 "email": admin.email, "message": message}, admin)
    ack = OutgoingMail.get(OutgoingMail.to == admin.email)
    assert ack.subject == f"Demande d’assistance {request.reference} reçue"
    assert f"Votre message\u202f:\n{message}{SIGNATURE}" in ack.body
