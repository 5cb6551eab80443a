"""The layout of every page (webapp/layout.py): its markup is kept per kind of visitor, its values are the
request's. One person after another in the same process each sees their own name, firm, role, token
and messages, escaped; an anonymous visitor sees none of it."""
import re

from db.models import Firm
from tests.factories.people import demo_user


def header(response):
    return response.get_data(as_text=True).split('<header class="site-header">')[1].split("</header>")[0]


def tokens(response):
    page = response.get_data(as_text=True)
    return set(re.findall(r'"X-CSRFToken": "([^"]+)"', page)
               + re.findall(r'name="csrf_token" value="([^"]+)"', page))


def test_each_person_sees_their_own_values_in_the_kept_layout(client, auth):
    firm = Firm.get(Firm.id == demo_user().firm_id)
    Firm.update(name="Cabinet <Dupont & Fils>").where(Firm.id == firm.id).execute()
    auth.login()
    page = client.get("/declarations")
    claire = header(page)
    assert "MOUTIN Claire" in claire and "Administrateur - Déclarant" in claire
    assert claire.count("Cabinet &lt;Dupont &amp; Fils&gt;") == 2 and "<Dupont" not in claire
    assert len(tokens(page)) == 1
    auth.logout()
    auth.login_declarant()
    page = client.get("/declarations")
    paul = header(page)
    assert "DURAND Paul" in paul and "MOUTIN" not in paul and "Administrateur" not in paul
    assert claire.replace("MOUTIN Claire", "DURAND Paul") != paul  # the role's words differ too
    assert len(tokens(page)) == 1


def test_an_anonymous_page_shows_no_person_and_the_messages_of_the_request(client):
    page = client.get("/menu", follow_redirects=True).get_data(as_text=True)  # « connectez-vous » flashed
    assert 'class="account-name"' not in page and 'id="menu-personnalise"' not in page
    messages = page.split('id="messages"')[1].split("</div>")[0]
    assert 'class="message message-' in messages
    again = client.get("/connexion").get_data(as_text=True)
    assert 'class="message message-' not in again.split('id="messages"')[1].split("</div>")[0]
