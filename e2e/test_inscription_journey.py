"""The seed's inscription of a tiers déclarant, in Chromium: every step of the guide (« Vous êtes… »,
one « Nouveau déclarant », « Validation de l'inscription »), the validation e-mail read from the Boîte
d'envoi, the refused login before validation, then the first login that shows the SOLTéA tiles
"Accessible sous 24 heures" and a "Portefeuille par défaut" holding the firm itself."""
import re

from playwright.sync_api import expect

BOITE_D_ENVOI = re.compile("^Boîte d[’']envoi$")  # the menu's apostrophe is typographic

SIRET = "10404942400013"  # ARCTURUS, an active establishment of the bundled Sirene sample
PASSWORD = "Cabinet-Arcturus-2026"


def test_a_tiers_declarant_registers_validates_the_address_and_logs_in(page, live_server):
    page.goto(live_server.url("/connexion"))
    page.get_by_role("link", name="Je crée mon compte").click()
    expect(page.get_by_role("heading", name="Je crée mon compte", level=1)).to_be_visible()

    # Step 1, with a check on blur: the message appears next to the field, then goes away.
    siret = page.get_by_label("SIRET")
    siret.fill("1040494240")
    page.get_by_label("Nom", exact=True).focus()
    expect(page.get_by_text("Le SIRET doit comporter 14 chiffres (10 saisis).")).to_be_visible()
    expect(page.get_by_label("SIRET")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("SIRET").fill("104 049 424 00013")
    page.get_by_label("Nom", exact=True).fill("MOUTIN")
    expect(page.get_by_text("Le SIRET doit comporter 14 chiffres")).to_have_count(0)
    page.get_by_label("Prénom").fill("CLAIRE")
    page.get_by_label("Téléphone", exact=True).fill("0123456789")
    page.get_by_label("Téléphone portable").fill("0623456789")
    page.get_by_label("Courriel", exact=True).fill("claire.moutin@arcturus.fr")
    page.get_by_label("Confirmation courriel").fill("claire.moutin@arcturus.fr")
    page.get_by_role("button", name="Je m’inscris").click()

    # Step 2: our own conditions.
    expect(page.get_by_role("heading", name="Conditions générales d’utilisation", level=1)).to_be_visible()
    expect(page.get_by_role("region", name="Texte des conditions générales d’utilisation")).to_contain_text(
        "Données personnelles")
    with page.expect_download() as downloaded:
        page.get_by_role("link", name="Télécharger les conditions").click()
    assert downloaded.value.suggested_filename == "conditions-generales-portail-tiers-declarant.html"
    with open(downloaded.value.path(), encoding="utf-8") as conditions:
        assert "Données personnelles" in conditions.read()
    page.get_by_role("button", name="J’accepte").click()

    # Step 3, prefilled from the directory; "Étape précédente" keeps what was typed.
    expect(page.get_by_role("heading", name="Identification de votre établissement")).to_be_visible()
    expect(page.get_by_text("ARCTURUS", exact=True)).to_be_visible()
    expect(page.get_by_text("centre de formalités des entreprises (CFE)")).to_be_visible()
    page.get_by_role("link", name="Étape précédente").click()
    expect(page).to_have_url(live_server.url("/inscription/conditions"))
    page.get_by_role("link", name="Étape précédente").click()
    expect(page.get_by_label("SIRET")).to_have_value(SIRET)
    expect(page.get_by_label("Téléphone portable")).to_have_value("0623456789")
    page.get_by_role("button", name="Je m’inscris").click()
    page.get_by_role("button", name="J’accepte").click()
    page.get_by_role("button", name="Étape suivante").click()

    # Step 4: criteria ticked live and the gauge.
    expect(page.get_by_role("heading", name="Créez votre mot de passe")).to_be_visible()
    page.get_by_label("Mot de passe", exact=True).fill("moutin")
    criteria = page.locator(".password-criteria")
    expect(criteria.locator("[data-criterion=length]")).to_have_class(re.compile("is-unmet"))
    expect(criteria.locator("[data-criterion=identity]")).to_have_class(re.compile("is-unmet"))
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    for key in ("length", "max_length", "classes", "identity"):
        expect(criteria.locator(f"[data-criterion={key}]")).to_have_class(re.compile("is-met"))
    expect(page.get_by_text("Qualité de votre mot de passe")).to_be_visible()
    expect(criteria.locator("[data-strength-text]")).to_have_text("Très bon")
    page.get_by_label("Confirmation du mot de passe").fill(PASSWORD)
    expect(page.get_by_text("Les deux saisies sont identiques.")).to_be_visible()
    page.get_by_label("Question secrète").fill("Quel est le nom de mon premier chien ?")
    page.get_by_label("Réponse secrète").fill("Médor le Grand")
    page.get_by_role("button", name="Valider").click()

    # Step 5: the récapitulatif, printable.
    expect(page.get_by_role("heading", name="Vos données d’authentification")).to_be_visible()
    expect(page.get_by_role("button", name="Imprimer le récapitulatif")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(PASSWORD)
    page.get_by_role("button", name="S’inscrire aux services").click()

    # Step 6: « Vous êtes… », the domains, the proposed declarations, changed with the dual list.
    page.get_by_label("Un tiers déclarant : cabinet d’expertise comptable").check()
    page.get_by_label("Formation").check()
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("heading", name="Validation de vos déclarations")).to_be_visible()
    expect(page.locator(".declaration-list")).to_contain_text("SOLTéA – Employeurs")
    page.get_by_role("link", name="Modifier la liste des déclarations").click()
    page.get_by_label("Filtrer : Liste des déclarations disponibles").fill("nominative")
    available = page.get_by_role("listbox", name="Liste des déclarations disponibles")
    available.get_by_role("option", name="DSN - Déclaration sociale nominative", exact=True).click()
    page.get_by_role("button", name="Choisir", exact=True).click()
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("heading", name="Déclarations sélectionnées (6)")).to_be_visible()
    page.get_by_role("button", name="Étape suivante").click()

    # Step 7: one « Nouveau déclarant », with the form of Gérer les déclarants.
    expect(page.get_by_role("heading", name="Inscription des déclarants")).to_be_visible()
    page.get_by_role("link", name="Nouveau déclarant").click()
    page.get_by_label("Nom", exact=True).fill("Durand")
    page.get_by_label("Prénom").fill("Paul")
    page.get_by_label("Courriel").fill("paul.durand@arcturus.fr")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("heading", name="Déclarants ajoutés (1)")).to_be_visible()
    expect(page.get_by_role("cell", name="paul.durand@arcturus.fr")).to_be_visible()
    page.get_by_role("button", name="Étape suivante").click()

    # Step 8: « Validation de l'inscription »: the recap and the habilitations of the firm.
    expect(page.get_by_role("heading", name="Validation de l’inscription", level=1)).to_be_visible()
    table = page.get_by_role("table", name="Gestion des habilitations pour l’entreprise")
    for column in ("Entreprise", "Déclarants", "Déclarations", "Déclarer", "Payer"):
        expect(table.get_by_role("columnheader", name=column)).to_be_visible()
    expect(table.get_by_role("rowheader", name=re.compile("MOUTIN CLAIRE"))).to_be_visible()
    expect(table.get_by_role("checkbox", name=re.compile("DURAND Paul déclare"))).to_be_checked()
    page.get_by_role("button", name="Valider l’inscription").click()

    # Step 9: the account exists; login waits for the address to be validated.
    expect(page.get_by_role("heading", name="Votre compte est créé")).to_be_visible()
    page.get_by_role("link", name="Je me connecte").click()
    _log_in(page)
    expect(page.get_by_role("alert")).to_contain_text("n’a pas encore été validée")
    page.get_by_role("button", name="Recevoir un nouveau lien de validation").click()
    expect(page.locator("#messages")).to_contain_text("patientez une minute")

    page.get_by_role("link", name=BOITE_D_ENVOI).click()
    message = page.get_by_role("article", name="Validation de votre adresse électronique").first
    expect(message).to_contain_text("À l’attention de MOUTIN CLAIRE")
    message.get_by_role("link").click()
    page.get_by_role("button", name="Valider mon adresse électronique").click()
    expect(page.get_by_role("heading", name="Adresse électronique validée")).to_be_visible()

    page.get_by_role("link", name="Je me connecte").click()
    _log_in(page)
    header = page.get_by_role("banner")
    expect(header).to_contain_text("ARCTURUS")
    expect(header).to_contain_text("MOUTIN CLAIRE")
    expect(header).to_contain_text("Administrateur - Déclarant")

    # The first login lands on the Menu personnalisé and its tiles, usable after the access delay.
    expect(page.get_by_role("heading", name="Menu personnalisé", level=1)).to_be_visible()
    soltea = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name="SOLTéA – Employeurs"))
    expect(soltea).to_contain_text("Accessible sous 24 heures")
    expect(soltea).to_contain_text(re.compile(r"à partir du .+ à \d+\sh\s\d\d"))
    menu = page.get_by_role("navigation", name="Menu personnalisé")
    expect(menu.get_by_role("link", name=re.compile("Vos notifications"))).to_contain_text("1")
    menu.get_by_role("link", name="Gérer vos portefeuilles").click()
    default = page.get_by_role("row", name=re.compile("Portefeuille par défaut"))
    expect(default.get_by_role("cell").nth(0)).to_have_text("1")
    default.get_by_role("link", name=re.compile("Composer le portefeuille")).click()
    expect(page.get_by_role("row", name=re.compile("ARCTURUS"))).to_be_visible()


def test_an_already_registered_siret_sends_a_request_to_its_administrators(page, live_server, login):
    page.goto(live_server.url("/inscription/"))
    page.get_by_label("SIRET").fill("97785096500020")
    page.get_by_label("Nom", exact=True).fill("Martin")
    page.get_by_label("Prénom").fill("Léa")
    page.get_by_label("Téléphone", exact=True).fill("01 43 00 00 00")
    page.get_by_label("Courriel", exact=True).fill("lea.martin@cabinet.fr")
    page.get_by_label("Confirmation courriel").fill("lea.martin@cabinet.fr")
    page.get_by_role("button", name="Je m’inscris").click()
    page.get_by_role("button", name="J’accepte").click()
    expect(page.get_by_role("heading", name="Ce SIRET est déjà inscrit")).to_be_visible()
    expect(page.get_by_role("button", name="Étape suivante")).to_have_count(0)
    page.get_by_label("Message aux administrateurs (facultatif)").fill("Je rejoins le cabinet lundi.")
    page.get_by_role("button", name="Envoyer une demande aux administrateurs").click()
    expect(page.get_by_role("heading", name="Demande envoyée")).to_be_visible()

    login()  # Claire Moutin, administrator of the demo firm
    page.get_by_role("navigation", name="Menu personnalisé").get_by_role(
        "link", name=re.compile("Demande en attente")
    ).click()
    expect(page.get_by_role("heading", name=re.compile("MARTIN Léa"))).to_be_visible()
    expect(page.get_by_text("Je rejoins le cabinet lundi.")).to_be_visible()


def test_a_late_check_does_not_erase_what_was_typed_since(page, live_server):
    """The check of an empty « Nom » comes back after the person has typed their name: their name stays."""
    held = []
    page.route("**/inscription/verifier/nom", lambda route: held.append(route))
    page.goto(live_server.url("/inscription/"))
    name = page.get_by_label("Nom", exact=True)
    name.focus()
    page.get_by_label("Prénom").focus()  # « Nom » left empty: its check is asked, and held
    _wait_for_requests(page, held, 1)
    name.fill("MOUTIN")
    page.get_by_label("Prénom").focus()  # a second check, for « MOUTIN », queued behind the first
    held[0].continue_()  # the answer about the empty field arrives after « MOUTIN » was typed
    page.wait_for_timeout(300)
    expect(name).to_have_value("MOUTIN")
    expect(name).not_to_have_attribute("aria-invalid", "true")  # not marked by the answer about ""
    _wait_for_requests(page, held, 2)
    held[1].continue_()  # the answer about « MOUTIN » is swapped in: the field is valid
    expect(page.get_by_label("Nom", exact=True)).to_have_value("MOUTIN")
    expect(page.get_by_label("Nom", exact=True)).not_to_have_attribute("aria-invalid", "true")


def _wait_for_requests(page, held, count):
    for _ in range(100):  # 5 s at most
        if len(held) >= count:
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"{count} checks expected, {len(held)} asked")


def _log_in(page):
    page.get_by_label("SIRET").fill(SIRET)
    page.get_by_label("Nom", exact=True).fill("moutin")
    page.get_by_label("Prénom").fill("claire")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Je me connecte").click()
