"""Vos notifications through the pages: the menu's unread count, the list, marking read, the choice of
the notices that also come by mail; each person sees only their own."""
import html

from db import notifications
from db.database import database
from db.models import Notification, NotificationMail, User


def text(response):
    return " ".join(html.unescape(response.get_data(as_text=True)).split())


def notify(nom, message, link="declarations.tiles"):
    with database.connection_context():
        user = User.get(User.nom == nom)
        notifications.notify("habilitations_granted", [user], message, link=link, firm_id=user.firm_id)
        return Notification.select().order_by(Notification.id.desc()).first().id


def test_the_menu_counts_the_unread_notices(client, auth):
    page = text(auth.login_declarant())
    assert "Vos notifications</a>" in page and "menu-count" not in page
    notify("DURAND", "MOUTIN Claire vous a accordé 3 habilitations (DSN).")
    notify("DURAND", "MOUTIN Claire vous a accordé 1 habilitation (DPAE).")
    page = text(client.get("/declarations"))
    assert 'Vos notifications<span class="menu-count"><span class="visually-hidden"> : </span>2' in page
    assert "2 non lues" in text(client.get("/menu"))


def test_the_list_marks_read_one_or_all(client, auth):
    first = notify("DURAND", "Premier avis.")
    notify("DURAND", "Second avis.", link="habilitation_files.report?import_id=nope")
    notify("LEROY", "Avis de Sophie.")
    auth.login_declarant()
    page = text(client.get("/notifications"))
    assert "<h1>Vos notifications</h1>" in page and "2 notifications non lues sur 2." in page
    assert "Premier avis." in page and "Second avis." in page and "Avis de Sophie." not in page
    assert 'href="/declarations">Voir' in page  # the link of a notice, resolved by the webapp
    response = client.post(f"/notifications/{first}/lue")
    assert response.status_code == 302
    assert "1 notification non lue sur 2." in text(client.get("/notifications"))
    assert "Second avis." in text(client.get("/notifications?non_lues=1"))
    assert "Premier avis." not in text(client.get("/notifications?non_lues=1"))
    assert "Toutes vos notifications sont marquées comme lues." in text(
        client.post("/notifications/tout-lu", follow_redirects=True))
    with database.connection_context():
        sophie_notice = Notification.get(Notification.text == "Avis de Sophie.")
        assert sophie_notice.read_at is None
    assert client.post(f"/notifications/{sophie_notice.id}/lue").status_code == 404
    assert client.post("/notifications/abc/lue").status_code == 404


def test_the_kinds_by_mail_are_chosen_on_the_page(client, auth):
    auth.login_declarant()
    page = text(client.get("/notifications"))
    assert "Recevoir aussi par courriel" in page and "Habilitations accordées" in page
    assert "Imports de fichiers terminés" not in page  # an administrator's notice
    response = client.post("/notifications/courriels", data={"kinds": ["habilitations_removed", "x"]},
                           follow_redirects=True)
    assert "Vos choix sont enregistrés : « Habilitations retirées » par courriel." in text(response)
    assert 'value="habilitations_removed" id="mail-habilitations_removed" checked' in text(response)
    with database.connection_context():
        assert [c.kind for c in NotificationMail.select()] == ["habilitations_removed"]
