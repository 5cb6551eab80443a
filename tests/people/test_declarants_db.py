"""db.people.declarants on SQLite and PostgreSQL: creation, edits, (de)activation, roles, the last
administrator."""
import json
import threading

import pytest

from db.database import database
from db.errors import Forbidden, Invalid, NotFound
from db.models import AccountToken, AuditEvent, User
from db.models.accounts import ROLE_ADMIN, ROLE_DECLARANT
from db.people import declarants
from tests.factories.firms import make_firm
from tests.factories.outbox import activation_token, mails
from tests.factories.people import LINKS, add_people, reload

NEW = {"nom": "Martin", "prenom": "Léa", "email": "lea.martin@cabinet.fr", "phone": "01 23 45 67 89",
       "role": ROLE_DECLARANT}


def test_new_declarant_gets_an_activation_link_and_is_journaled(firm):
    _, admin, _ = firm
    person = declarants.create_person(admin, NEW, LINKS)
    assert (person.role, person.password_hash, person.phone) == (ROLE_DECLARANT, None, "0123456789")
    assert declarants.state(person) == "En attente d'activation"
    [mail] = mails("lea.martin@cabinet.fr")
    assert mail.subject == "Activation de votre compte sur le portail tiers déclarant"
    assert "SIRET\u202f: 443\u202f061\u202f841\u202f00047" in mail.body and "valable 72 heures" in mail.body
    assert AccountToken.get(AccountToken.user == person.id).expires_at is not None
    assert activation_token("lea.martin@cabinet.fr") not in [t.token_hash for t in AccountToken.select()]
    event = AuditEvent.get(AuditEvent.action == "person.created")
    assert (event.actor_id, event.firm_id) == (admin.id, admin.firm_id)
    assert json.loads(event.after)["email"] == "lea.martin@cabinet.fr"


@pytest.mark.parametrize("field, value, message", [
    ("nom", "", "Ce champ est obligatoire."),
    ("nom", "x" * 101, "au plus"),
    ("nom", "<script>alert(1)</script>", "que des lettres"),
    ("prenom", "Ro\u200bbert", "invisibles"),
    ("prenom", "Lé\x00a", "caractères de contrôle"),
    ("email", "pas-une-adresse", "Adresse électronique invalide"),
    ("phone", "12345", "Numéro de téléphone français"),
    ("role", "superuser", "Choisissez le rôle"),
])
def test_bad_input_is_refused_field_by_field_and_nothing_is_stored(firm, field, value, message):
    _, admin, _ = firm
    before = (User.select().count(), mails())
    with pytest.raises(Invalid) as refused:
        declarants.create_person(admin, {**NEW, field: value}, LINKS)
    assert message in refused.value.errors[field]
    assert (User.select().count(), mails()) == before


def test_same_names_in_the_firm_are_refused_because_they_are_the_login(firm):
    _, admin, [marc] = firm
    with pytest.raises(Invalid) as refused:
        declarants.create_person(admin, {**NEW, "nom": "petit", "prenom": "MARC"}, LINKS)
    assert "nom" in refused.value.errors


def test_a_declarant_may_not_manage_people(firm):
    _, _, [marc] = firm
    with pytest.raises(Forbidden):
        declarants.create_person(marc, NEW, LINKS)
    with pytest.raises(Forbidden):
        declarants.list_people(marc)


def test_another_firms_person_is_not_found(firm):
    _, admin, _ = firm
    _, other_admin, [other_person] = make_firm(
        siret="97785096500020", name="AUTRE", admin=("MOUTIN", "Claire"), declarants=(("DURAND", "Paul"),)
    )
    for operation in (
        lambda: declarants.get_person(admin, other_person.id),
        lambda: declarants.update_person(admin, other_person.id, NEW, LINKS),
        lambda: declarants.set_active(admin, other_person.id, False, LINKS),
        lambda: declarants.set_role(admin, other_admin.id, ROLE_DECLARANT, LINKS),
        lambda: declarants.resend_activation(admin, other_person.id, LINKS),
    ):
        with pytest.raises(NotFound):
            operation()
    assert reload(other_person).is_active and reload(other_admin).is_admin


def test_search_matches_every_word_without_case_or_accents(firm):
    _, admin, _ = firm
    declarants.create_person(
        admin, {**NEW, "nom": "Éloïse", "prenom": "Dupré", "email": "e.dupre@x.fr"}, LINKS
    )
    found, total, term = declarants.list_people(admin, "  DUPRE   eloise ")
    assert [p.nom for p in found] == ["Éloïse"] and total == 1 and term == "DUPRE eloise"
    assert declarants.list_people(admin, "100%")[1] == 0  # LIKE wildcards are literal
    assert declarants.list_people(admin, "")[1] == 3
    assert declarants.list_people(admin, "<b>")[1] == 0  # any printable text is searched for
    with pytest.raises(Invalid):
        declarants.list_people(admin, "du\u202epont")


def test_the_list_pages_by_fifty(firm):
    _, admin, _ = firm
    add_people(admin.firm_id, 60)
    first, total, _ = declarants.list_people(admin, "", page=1)
    second, _, _ = declarants.list_people(admin, "", page=2)
    assert total == 62 and len(first) == 50 and len(second) == 12
    assert not {p.id for p in first} & {p.id for p in second}


def test_an_email_change_notifies_the_old_and_the_new_address(firm):
    _, admin, [marc] = firm
    changed = declarants.update_person(
        admin,
        marc.id,
        {"nom": "Petit", "prenom": "Marc", "email": "marc@neuf.fr", "phone": "", "mobile": "06 12 34 56 78"},
        LINKS,
    )
    assert set(changed) == {"nom", "email", "mobile"}
    assert [m.subject for m in mails(marc.email)] == ["Modification de votre adresse électronique"]
    assert "ancienne adresse\u202f: " + marc.email in mails("marc@neuf.fr")[0].body
    event = AuditEvent.get(AuditEvent.action == "person.updated")
    assert (
        json.loads(event.before)["email"] == marc.email and json.loads(event.after)["email"] == "marc@neuf.fr"
    )
    assert (
        declarants.update_person(
            admin,
            marc.id,
            {"nom": "Petit", "prenom": "Marc", "email": "marc@neuf.fr", "mobile": "0612345678"},
            LINKS,
        )
        == []
    )


def test_deactivation_ends_sessions_and_links_and_is_notified(firm):
    _, admin, [marc] = firm
    lea = declarants.create_person(admin, NEW, LINKS)
    declarants.set_active(admin, lea.id, False, LINKS)
    assert (
        not AccountToken.select()
        .where((AccountToken.user == lea.id) & AccountToken.used_at.is_null())
        .exists()
    )
    person = declarants.set_active(admin, marc.id, False, LINKS)
    assert not person.is_active and reload(marc).session_version == marc.session_version + 1
    assert mails(marc.email)[-1].subject == "Désactivation de votre compte"
    with pytest.raises(Invalid):
        declarants.set_active(admin, marc.id, False, LINKS)
    declarants.set_active(admin, marc.id, True, LINKS)
    assert mails(marc.email)[-1].subject == "Réactivation de votre compte"
    declarants.set_active(admin, lea.id, True, LINKS)  # never activated: a new activation link
    assert mails(lea.email)[-1].subject.startswith("Activation de votre compte")
    actions = [e.action for e in AuditEvent.select().order_by(AuditEvent.id)]
    assert actions.count("person.deactivated") == 2 and actions.count("person.reactivated") == 2


def test_the_last_active_administrator_cannot_be_deactivated_or_demoted(firm):
    _, admin, [marc] = firm
    for operation in (lambda: declarants.set_active(admin, admin.id, False, LINKS),
                      lambda: declarants.set_role(admin, admin.id, ROLE_DECLARANT, LINKS)):
        with pytest.raises(Invalid) as refused:
            operation()
        assert "au moins un administrateur actif" in refused.value.errors["__all__"]
    assert reload(admin).is_admin and reload(admin).is_active
    declarants.set_role(admin, marc.id, ROLE_ADMIN, LINKS)
    assert "Vous êtes désormais administrateur" in mails(marc.email)[-1].body
    declarants.set_role(admin, admin.id, ROLE_DECLARANT, LINKS)  # another administrator now exists
    assert not reload(admin).is_admin
    with pytest.raises(Forbidden):
        declarants.set_role(admin, marc.id, ROLE_DECLARANT, LINKS)  # no longer an administrator


def test_an_inactive_administrator_does_not_count(firm):
    _, admin, [marc] = firm
    declarants.set_role(admin, marc.id, ROLE_ADMIN, LINKS)
    declarants.set_active(admin, marc.id, False, LINKS)
    with pytest.raises(Invalid):
        declarants.set_active(admin, admin.id, False, LINKS)
    with pytest.raises(Invalid):
        declarants.set_role(admin, marc.id, ROLE_ADMIN, LINKS)  # already administrator


def test_two_administrators_demoting_each_other_at_once_leave_one(firm, db_engine):
    """The race the firm lock prevents: each sees the other as administrator, both demote."""
    _, admin, [marc] = firm
    declarants.set_role(admin, marc.id, ROLE_ADMIN, LINKS)
    marc = reload(marc)
    barrier = threading.Barrier(2)
    outcomes = []

    def demote(actor, target):
        database.connect(reuse_if_open=True)
        try:
            barrier.wait()
            declarants.set_role(actor, target.id, ROLE_DECLARANT, LINKS)
            outcomes.append("demoted")
        except (Invalid, Forbidden):  # the last administrator, or no longer an administrator
            outcomes.append("refused")
        finally:
            database.close()

    threads = [threading.Thread(target=demote, args=pair) for pair in ((admin, marc), (marc, admin))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["demoted", "refused"]
    assert declarants.other_active_admins(admin.firm_id, 0) == 1


def test_resend_activation_replaces_the_previous_link(firm):
    _, admin, [marc] = firm
    lea = declarants.create_person(admin, NEW, LINKS)
    first = activation_token(lea.email)
    declarants.resend_activation(admin, lea.id, LINKS)
    second = activation_token(lea.email)
    assert first != second
    from db.accounts import activation

    assert activation.account_for(first) is None and activation.account_for(second).id == lea.id
    with pytest.raises(Invalid):
        declarants.resend_activation(admin, marc.id, LINKS)  # already activated


def test_renaming_mails_the_new_login_to_the_person_and_the_administrators_and_journals_it(firm):
    _, admin, [marc] = firm
    other_admin = declarants.create_person(admin, {"nom": "Second", "prenom": "Admin", "email": "s@a.fr",
                                                   "role": ROLE_ADMIN}, LINKS)
    declarants.update_person(admin, marc.id, {"nom": "Petit-Durand", "prenom": "Marc", "email": marc.email},
                             LINKS)
    [to_marc] = [m for m in mails(marc.email) if m.subject == "Votre identifiant de connexion a changé"]
    assert "Ancien identifiant\u202f: PETIT Marc" in to_marc.body
    assert "Nom\u202f: Petit-Durand\n" in to_marc.body
    for person in (admin, other_admin):
        [mail] = [m for m in mails(person.email) if "Identifiant de connexion" in m.subject]
        assert mail.subject == "Identifiant de connexion de PETIT-DURAND Marc modifié"
    event = AuditEvent.get(AuditEvent.action == "person.renamed")
    assert event.summary.startswith("Identifiant de connexion de PETIT Marc modifié : ")
    assert "Petit-Durand / Marc" in event.summary


def test_a_change_of_case_or_accents_is_no_new_login(firm):
    _, admin, [marc] = firm
    declarants.update_person(admin, marc.id, {"nom": "Petit", "prenom": "Marc", "email": marc.email}, LINKS)
    assert not [m for m in mails(marc.email) if "identifiant" in m.subject.lower()]
    assert not AuditEvent.select().where(AuditEvent.action == "person.renamed").exists()


def test_names_that_read_alike_get_the_persons_number(firm):
    _, admin, _ = firm
    first = declarants.create_person(admin, {"nom": "Durand", "prenom": "Jean-Paul", "email": "jp1@a.fr",
                                             "role": ROLE_DECLARANT}, LINKS)
    second = declarants.create_person(admin, {"nom": "Durand", "prenom": "Jean Paul", "email": "jp2@a.fr",
                                              "role": ROLE_DECLARANT}, LINKS)
    people, _, _ = declarants.list_people(admin, "durand")
    assert {p.list_name for p in people} == {f"DURAND Jean-Paul ({first.id:05d})",
                                             f"DURAND Jean Paul ({second.id:05d})"}
    others, _, _ = declarants.list_people(admin, "petit")
    assert [p.list_name for p in others] == ["PETIT Marc"]  # a name of its own: no number
    from db.clients import portfolios

    labels = {value: label for value, label, _email in portfolios.declarant_choices(admin)}
    assert labels[str(first.id)] == f"DURAND Jean-Paul ({first.id:05d}) (déclarant)"
