"""The Menu personnalisé in the header of every page, rendered once per process for the same entries,
counts and current page (webapp/templating.py menu_html): each person still sees their own role's
entries, and the link of the page they are on, only that one, marked as the current page."""
import re


def current_links(response):
    """The labels of the header menu's links marked aria-current="page"."""
    menu = response.get_data(as_text=True).split('id="menu-personnalise"')[1].split("</nav>")[0]
    return re.findall(r'aria-current="page">([^<]+)<', menu)


def test_the_menu_marks_the_page_the_person_is_on(client, auth):
    auth.login()
    assert current_links(client.get("/declarations")) == ["Vos déclarations"]
    assert current_links(client.get("/notifications")) == ["Vos notifications"]
    assert current_links(client.get("/gestion/portefeuilles")) == ["Gérer vos portefeuilles"]
    assert current_links(client.get("/gestion/portefeuilles?page=1")) == ["Gérer vos portefeuilles"]
    assert current_links(client.get("/menu")) == []
    assert current_links(client.get("/declarations")) == ["Vos déclarations"]


def test_each_role_sees_its_own_menu_after_the_other(client, auth):
    auth.login()
    assert "Gérer les habilitations</a>" in client.get("/declarations").get_data(as_text=True)
    auth.logout()
    auth.login_declarant()
    page = client.get("/declarations")
    assert "Gérer les habilitations</a>" not in page.get_data(as_text=True)
    assert current_links(page) == ["Vos déclarations"]
