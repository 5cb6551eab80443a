"""Security as people meet it, in Chromium: the « Démonstration » banner and a Boîte d'envoi that shows
each newcomer only the mails of their own browser; the second factor that an administrator requires,
enrolled with a phone (the code computed here from the key the page shows), then asked at each login,
and reset by the administrator after a lost phone."""
from playwright.sync_api import expect

from db.demo import DEMO_SIRET
from tests.factories.second_factor import code_now


def test_a_newcomer_sees_the_demonstration_and_only_the_mails_of_their_browser(page, live_server, browser):
    page.goto(live_server.url("/connexion"))
    expect(page.get_by_role("note")).to_contain_text("Démonstration")
    page.get_by_role("link", name="Mot de passe oublié").click()
    page.get_by_label("SIRET").fill(DEMO_SIRET)
    page.get_by_label("Nom", exact=True).fill("DURAND")
    page.get_by_label("Prénom").fill("Paul")
    page.get_by_role("button", name="Valider").click()
    page.get_by_role("button", name="Réinitialiser le mot de passe par courrier électronique").click()
    page.get_by_role("note").get_by_role("link", name="courriels préparés pour vous").click()
    expect(page.get_by_role("article", name="Réinitialisation de votre mot de passe")).to_be_visible()

    other = browser.new_context(locale="fr-FR").new_page()  # another visitor of the demonstration
    other.goto(live_server.url("/boite-d-envoi"))
    expect(other.get_by_text("Aucun courriel préparé à la suite de vos actions")).to_be_visible()
    expect(other.get_by_role("article")).to_have_count(0)
    other.context.close()


def test_an_administrator_requires_a_second_factor_and_a_declarant_enrols_a_phone(page, live_server, login,
                                                                                  browser):
    login()
    menu = page.get_by_role("navigation", name="Menu personnalisé")
    menu.get_by_role("link", name="Gérer les déclarants").click()
    page.get_by_label("Exiger la double authentification pour toutes les personnes du cabinet").check()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#messages")).to_contain_text("désormais exigée pour toutes les personnes du cabinet")

    # Paul, on his own computer: his next login goes through the enrolment of his phone.
    paul = browser.new_context(locale="fr-FR").new_page()
    login(nom="DURAND", prenom="Paul", on=paul)
    expect(paul.get_by_role("heading", name="Activer la double authentification")).to_be_visible()
    expect(paul.locator(".qr-code svg")).to_be_visible()
    secret = paul.locator(".qr-code .mono").inner_text()
    paul.get_by_label("Code").fill(code_now(secret))
    paul.get_by_role("button", name="Activer la double authentification").click()
    expect(paul.get_by_role("heading", name="Vos codes de secours")).to_be_visible()
    expect(paul.get_by_role("list", name="Codes de secours").get_by_role("listitem")).to_have_count(10)
    paul.get_by_role("link", name="J’ai noté mes codes, continuer").click()
    expect(paul.get_by_role("heading", name="Vos déclarations", level=1)).to_be_visible()
    paul.get_by_role("button", name="Se déconnecter").click()

    # The next login asks for the code; a wrong one is refused next to the field.
    login(nom="DURAND", prenom="Paul", on=paul)
    expect(paul.get_by_role("heading", name="Double authentification", level=1)).to_be_visible()
    paul.get_by_label("Code").fill("000000" if code_now(secret) != "000000" else "111111")
    paul.get_by_role("button", name="Je me connecte").click()
    expect(paul.get_by_text("Code incorrect ou expiré")).to_be_visible()
    paul.get_by_label("Code").fill(code_now(secret, steps_later=1))  # the enrolment used this step's code
    paul.get_by_role("button", name="Je me connecte").click()
    expect(paul.get_by_role("banner")).to_contain_text("DURAND Paul")
    paul.context.close()

    # Paul lost his phone: Claire, still logged in, sees his last login and resets his second factor.
    page.reload()
    row = page.get_by_role("row").filter(has_text="DURAND")
    expect(row).to_contain_text("Activée")
    expect(row.get_by_role("cell").nth(6)).not_to_have_text("Jamais")
    row.get_by_role("link", name="Modifier").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Réinitialiser la double authentification").click()
    expect(page.locator("#messages")).to_contain_text(
        "La double authentification de DURAND Paul est réinitialisée")
