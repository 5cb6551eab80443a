"""Journey: an administrator creates a déclarant, who activates the account from the mailed link
and logs in."""
import re
import sqlite3

from playwright.sync_api import expect

PASSWORD = "Clé-Solide-2026!"


def _activation_path(live_server, address):
    """The activation link of the last mail to address, read from the outbox table (no SMTP in demo mode)."""
    with sqlite3.connect(live_server.database_path) as connection:
        (body,) = connection.execute(
            'SELECT body FROM outgoing_mail WHERE "to" = ? ORDER BY id DESC LIMIT 1', (address,)).fetchone()
    return re.search(r"https?://[^/\s]+(/activation/\S+)", body).group(1)


def test_an_administrator_creates_a_declarant_who_activates_the_account(page, live_server, login):
    login()
    menu = page.get_by_role("navigation", name="Menu personnalisé")
    menu.get_by_role("link", name="Gérer les déclarants").click()
    expect(page.get_by_role("heading", name="Gérer les déclarants", level=1)).to_be_visible()

    # The active search narrows the list as one types (htmx), and the URL follows. htmx binds the field
    # once the page has loaded: typed earlier (a full suite at load 4 did), the input went unheard.
    page.wait_for_load_state("load")
    page.get_by_label("Rechercher").fill("leroy")
    results = page.locator("#declarants-results")
    expect(results).to_contain_text("1 personne pour « leroy »")
    expect(results.get_by_role("cell", name="DURAND")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"q=leroy"))

    page.get_by_role("link", name="Nouveau déclarant").click()
    page.get_by_label("Nom", exact=True).fill("Martin")
    page.get_by_label("Prénom").fill("Léa")
    page.get_by_label("Courriel").fill("not-an-address")
    page.get_by_role("button", name="Valider").click()
    expect(page.locator("#email-error")).to_contain_text("Adresse électronique invalide")
    expect(page.get_by_label("Courriel")).to_have_attribute("aria-invalid", "true")

    page.get_by_label("Courriel").fill("lea.martin@cabinet-demo.test")
    page.get_by_label("Téléphone", exact=True).fill("01 23 45 67 89")
    page.get_by_label("Rôle").select_option(label="Déclarant")
    page.get_by_role("button", name="Valider").click()
    expect(page.locator("#messages")).to_contain_text(
        "MARTIN Léa a été créé. Un lien d’activation a été envoyé à lea.martin@cabinet-demo.test.")
    expect(page.get_by_role("row", name=re.compile("MARTIN"))).to_contain_text("En attente d’activation")

    page.get_by_role("button", name="Se déconnecter").click()
    page.goto(live_server.url(_activation_path(live_server, "lea.martin@cabinet-demo.test")))
    expect(page.get_by_role("heading", name="Activation de votre compte")).to_be_visible()
    page.get_by_label("Mot de passe", exact=True).fill("trop-court")
    page.get_by_label("Confirmation du mot de passe").fill("trop-court")
    page.get_by_label("Question secrète", exact=True).fill("Nom de mon premier chat ?")
    page.get_by_label("Réponse à la question secrète").fill("Félix le chat")
    page.get_by_role("button", name="Valider").click()
    expect(page.locator("#password-error")).to_contain_text("au moins 12 caractères")

    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(PASSWORD)
    page.get_by_label("Réponse à la question secrète").fill("Félix le chat")
    page.get_by_role("button", name="Valider").click()
    expect(page.locator("#messages")).to_contain_text("Votre compte est activé.")

    login(nom="MARTIN", prenom="lea", password=PASSWORD)
    header = page.get_by_role("banner")
    expect(header).to_contain_text("MARTIN Léa")
    header.locator(".account-menu summary").click()  # the role is in the account menu
    expect(header.get_by_text("Déclarant", exact=True)).to_be_visible()
    expect(page.get_by_role("navigation", name="Menu personnalisé").get_by_role(
        "link", name="Gérer les déclarants")).to_have_count(0)
