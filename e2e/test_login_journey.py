"""First journey: the demo administrator logs in and sees the Menu personnalisé."""
from playwright.sync_api import expect


def test_admin_logs_in_and_sees_the_menu(page, live_server, login):
    login()
    # An administrator's first page is the Menu personnalisé, a dashboard of the firm's figures.
    expect(page.get_by_role("heading", name="Menu personnalisé", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Vos déclarations", level=2)).to_be_visible()
    header = page.get_by_role("banner")
    expect(header).to_contain_text("MOUTIN Claire")
    expect(header).to_contain_text("Administrateur - Déclarant")
    expect(page.get_by_role("navigation", name="Menu personnalisé")).to_be_visible()


def test_wrong_password_gets_one_generic_message(page, live_server, login):
    login(password="pas-le-bon-mot-de-passe")
    expect(page.get_by_role("alert")).to_have_text(
        "Identifiants incorrects. Vérifiez le SIRET, le nom, le prénom et le mot de passe."
    )
    expect(page.get_by_label("SIRET")).to_have_value("97785096500020")


def test_logout_returns_to_the_connexion_page(page, live_server, login):
    login()
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("button", name="Je me connecte")).to_be_visible()
    page.goto(live_server.url("/menu"))
    expect(page).to_have_url(live_server.url("/connexion?next=%2Fmenu"))
