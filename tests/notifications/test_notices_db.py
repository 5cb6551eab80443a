"""Vos notifications in db/ (db/notifications), on SQLite and PostgreSQL: notify() from any area, the
unread count, marking read, the 12 months they are kept, the kinds chosen by mail, and the notices
that the changes of today's areas record (habilitations, requests, their answers)."""

import datetime

import pytest

from db import clock, counts, notifications
from db.clients import portfolios
from db.declarations import selections
from db.errors import NotFound
from db.habilitations import grid, operations
from db.mail.people_mails import TOKEN_PLACEHOLDER, Links
from db.models import Notification, OutgoingMail, User
from db.people import requests
from tests.factories.declarations import declaration
from tests.factories.habilitations import establishments, grant, key

NOON = datetime.datetime(2026, 11, 22, 11, 0)  # 12:00 in Paris
LINKS = Links(
    login="https://p.example/connexion",
    activation=f"https://p.example/a/{TOKEN_PLACEHOLDER}",
    requests="https://p.example/demandes",
)


def texts_of(user, kind=None):
    query = Notification.select().where(Notification.user == user.id).order_by(Notification.id)
    return [n.text for n in (query.where(Notification.kind == kind) if kind else query)]


def test_notify_then_read(t):
    clock.freeze(NOON)
    assert (
        notifications.notify(
            "import_done", [t.admin, t.paul.id], "Import terminé.", link="menu.index", firm_id=t.firm.id
        )
        == 2
    )
    assert notifications.unread_count(t.admin) == 1
    page = notifications.page(t.admin)
    assert (page.total, page.unread, [n.text for n in page.notices]) == (1, 1, ["Import terminé."])
    notice = page.notices[0]
    assert (notice.kind, notice.link, notice.firm_id, notice.created_at) == (
        "import_done",
        "menu.index",
        t.firm.id,
        NOON,
    )
    notifications.mark_read(t.admin, notice.id)
    assert notifications.unread_count(t.admin) == 0 and notifications.unread_count(t.paul) == 1
    with pytest.raises(NotFound):
        notifications.mark_read(t.admin, Notification.get(Notification.user == t.paul.id).id)  # not hers
    assert notifications.mark_all_read(t.paul) == 1 and notifications.unread_count(t.paul) == 0
    assert counts.check() == {}  # the menu's maintained count followed every write
    with pytest.raises(ValueError):
        notifications.notify("inconnue", [t.admin], "?")


def test_notices_are_kept_twelve_months_then_deleted(t):
    clock.freeze(datetime.datetime(2028, 2, 29, 9, 0))
    notifications.notify("import_done", [t.admin], "Ancien.")
    assert Notification.get().expires_at == datetime.datetime(2029, 2, 28, 9, 0)
    clock.freeze(datetime.datetime(2029, 2, 28, 8, 59))
    assert notifications.unread_count(t.admin) == 1
    clock.freeze(datetime.datetime(2029, 2, 28, 9, 0))
    assert notifications.page(t.admin).total == 0  # gone from the list at once
    notifications.notify("import_done", [t.paul], "Nouveau.")  # recording one deletes the expired ones
    assert [n.text for n in Notification.select()] == ["Nouveau."]
    assert notifications.unread_count(t.admin) == 0 and notifications.unread_count(t.paul) == 1
    assert counts.check() == {}


def test_the_list_pages_newest_first_and_filters_unread(t):
    clock.freeze(NOON)
    for number in range(60):
        clock.advance(minutes=1)
        notifications.notify("import_done", [t.admin], f"Import {number}.")
    notifications.mark_read(t.admin, Notification.get(Notification.text == "Import 59.").id)
    first = notifications.page(t.admin)
    assert (first.total, first.unread, first.pages, len(first.notices)) == (60, 59, 2, 50)
    assert first.notices[0].text == "Import 59."
    unread = notifications.page(t.admin, 2, unread_only=True)
    assert (unread.page, len(unread.notices)) == (2, 9)


def test_kinds_chosen_by_mail_also_come_by_mail(t):
    assert set(notifications.choosable(t.admin)) == {
        "habilitations_granted",
        "habilitations_removed",
        "import_done",
        "sirene_changes",
        "rights_ending",
    }
    assert set(notifications.choosable(t.paul)) == {"habilitations_granted", "habilitations_removed"}
    notifications.set_mail_choices(t.paul, ["habilitations_granted", "import_done", "request_waiting"])
    assert notifications.mail_choices(t.paul) == {"habilitations_granted"}  # only what he may choose
    notifications.notify(
        "habilitations_granted", [t.paul, t.sophie], "Vous avez reçu DSN.", firm_id=t.firm.id
    )
    [mail] = OutgoingMail.select()
    assert mail.to == t.paul.email and mail.subject == "Habilitations accordées\u202f: Vous avez reçu DSN."
    assert "Vous avez reçu DSN." in mail.body and "«\u202fVos notifications\u202f»" in mail.body


def test_a_valider_of_the_grid_tells_each_person_what_changed_and_from_when(t):
    clock.freeze(NOON)
    acme = establishments(t.acme)
    changes = " ".join(
        [
            f"{key(acme[0], 'DSN', t.paul)}-d-1",
            f"{key(acme[1], 'DSN', t.paul)}-d-1",
            f"{key(acme[0], 'DSN', t.sophie)}-p-1",
        ]
    )
    operations.validate(t.admin, {}, {"changes": changes, "version": str(grid.version())})
    assert texts_of(t.paul) == [
        "ADMIN Alice vous a accordé 2 habilitations (DSN) sur 2 établissements, "
        "utilisables à partir du 23/11/2026 à 12\u202fh\u202f00."
    ]
    assert texts_of(t.sophie) == [
        "ADMIN Alice vous a accordé 1 habilitation (DSN) sur 1 établissement, "
        "utilisables à partir du 23/11/2026 à 12\u202fh\u202f00."
    ]
    operations.validate(
        t.admin, {}, {"changes": f"{key(acme[0], 'DSN', t.paul)}-d-0", "version": str(grid.version())}
    )
    assert texts_of(t.paul, "habilitations_removed") == [
        "ADMIN Alice vous a retiré 1 habilitation (DSN) sur 1 établissement."
    ]
    assert not texts_of(t.admin)  # nothing changed for her


def test_rights_taken_away_by_other_changes_are_told(t):
    grant(t.paul, establishments(t.acme), "DPAE")
    selections.submit(
        t.admin, selections.PORTFOLIO, t.big.id, [str(declaration("DSN").id)], confirmed=True
    )  # DPAE removed from the portfolio
    assert texts_of(t.paul, "habilitations_removed") == [
        "3 habilitations (DPAE) vous ont été retirées par ADMIN Alice : déclaration DPAE retirée du "
        "portefeuille « GRANDS COMPTES »."
    ]
    grant(t.paul, establishments(t.gamma), "DSN")
    portfolios.set_declarants(t.admin, t.small.id, [])
    assert texts_of(t.paul, "habilitations_removed")[-1] == (
        "1 habilitation (DSN) vous a été retirée par ADMIN Alice : vous n'êtes plus déclarant du "
        "portefeuille « PETITS »."
    )


def test_requests_and_their_answers_are_notices_too(t):
    request = requests.ask_cooptation(t.paul, "Je remplace Alice en août.", LINKS)
    assert texts_of(t.admin, "request_waiting") == ["DURAND Paul demande à devenir administrateur."]
    assert Notification.get(Notification.kind == "request_waiting").link == "requests.index"
    second = User.get_by_id(t.admin.id)
    requests.refuse(second, request.id, LINKS)
    assert texts_of(t.paul, "request_answered") == [
        "ADMIN Alice a refusé votre demande de devenir administrateur."
    ]
