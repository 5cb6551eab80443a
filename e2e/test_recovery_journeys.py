"""Mot de passe oublié in Chromium: each of the portal's three ways to a new password, the wait
after five wrong answers, and J'ai oublié mon identifiant."""
import re

import pytest
from playwright.sync_api import expect

from db.accounts.passwords import hash_answer
from db.database import database, init_database
from db.demo import DEMO_PASSWORD, DEMO_SIRET
from db.models import User

BOITE_D_ENVOI = re.compile("^Boîte d[’']envoi$")  # the menu's apostrophe is typographic

NEW_PASSWORD = "Nouveau-Secret-2027"
QUESTION = "Quel est le nom de mon premier chien ?"


@pytest.fixture
def paul_has_a_question(live_server):
    """Paul Durand chose a secret question (the demo accounts have none)."""
    init_database(f"sqlite:///{live_server.database_path}")
    with database.connection_context():
        User.update(secret_question=QUESTION, secret_answer_hash=hash_answer("Médor le Grand")) \
            .where(User.nom_key == "durand").execute()
    database.close()


def start_recovery(page, live_server):
    page.goto(live_server.url("/connexion"))
    page.get_by_role("link", name="Mot de passe oublié").click()
    page.get_by_label("SIRET").fill(DEMO_SIRET)
    page.get_by_label("Nom", exact=True).fill("durand")
    page.get_by_label("Prénom").fill("paul")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("heading", name="Réinitialiser le mot de passe", level=1)).to_be_visible()


def choose_new_password(page):
    expect(page.get_by_role("heading", name="Choisissez votre nouveau mot de passe")).to_be_visible()
    page.get_by_label("Nouveau mot de passe", exact=True).fill(NEW_PASSWORD)
    expect(page.locator(".password-criteria [data-strength-text]")).to_have_text("Très bon")
    page.get_by_label("Confirmation du nouveau mot de passe").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Valider").click()
    expect(page.locator("#messages")).to_contain_text("Votre nouveau mot de passe est enregistré")
    expect(page.get_by_role("banner")).to_contain_text("DURAND Paul")


def test_way_one_secret_question_and_the_other_session_ends(
    page, live_server, login, browser, paul_has_a_question
):
    elsewhere = browser.new_context(locale="fr-FR").new_page()  # Paul, logged in on another computer
    elsewhere.goto(live_server.url("/connexion"))
    elsewhere.get_by_label("SIRET").fill(DEMO_SIRET)
    elsewhere.get_by_label("Nom", exact=True).fill("DURAND")
    elsewhere.get_by_label("Prénom").fill("Paul")
    elsewhere.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    elsewhere.get_by_role("button", name="Je me connecte").click()
    expect(elsewhere.get_by_role("banner")).to_contain_text("DURAND Paul")

    start_recovery(page, live_server)
    expect(page.get_by_text(f"Question secrète : {QUESTION}")).to_be_visible()
    page.get_by_label("Réponse").fill("Rex le chien")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("Réponse incorrecte.")).to_be_visible()
    expect(page.get_by_label("Réponse")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Réponse").fill("medor le grand")
    page.get_by_role("button", name="Valider").click()
    choose_new_password(page)

    elsewhere.reload()
    expect(elsewhere.get_by_role("button", name="Je me connecte")).to_be_visible()
    elsewhere.context.close()


def test_five_wrong_answers_make_the_question_wait(page, live_server, paul_has_a_question):
    start_recovery(page, live_server)
    for _ in range(5):
        page.get_by_label("Réponse").fill("Rex le chien")
        page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("alert")).to_contain_text(
        re.compile(r"la question secrète est bloquée jusqu’au \d\d/\d\d/\d{4} à \d{1,2}\u202fh\u202f\d\d"))
    expect(page.get_by_label("Réponse")).to_have_count(0)
    expect(
        page.get_by_role("button", name="Réinitialiser le mot de passe par courrier électronique")
    ).to_be_visible()


def test_way_two_link_by_email(page, live_server, login):
    start_recovery(page, live_server)
    page.get_by_role("button", name="Réinitialiser le mot de passe par courrier électronique").click()
    expect(page.get_by_text("un courriel contenant un lien de réinitialisation")).to_be_visible()
    page.get_by_role("link", name=BOITE_D_ENVOI).click()
    message = page.get_by_role("article", name="Réinitialisation de votre mot de passe")
    expect(message).to_contain_text("paul.durand@cabinet-demo.test")
    link = message.get_by_role("link").get_attribute("href")
    message.get_by_role("link").click()
    choose_new_password(page)

    page.get_by_role("button", name="Se déconnecter").click()
    login(nom="DURAND", prenom="Paul", password=NEW_PASSWORD)
    expect(page.get_by_role("banner")).to_contain_text("DURAND Paul")
    page.goto(link)
    expect(page.get_by_role("heading", name="Ce lien n’est plus valable")).to_be_visible()


def test_way_three_request_to_the_administrator(page, live_server, login):
    start_recovery(page, live_server)
    page.get_by_role(
        "button", name="Envoyer une demande de génération de mot de passe à votre administrateur"
    ).click()
    expect(page.get_by_role("heading", name="Demande envoyée à votre administrateur")).to_be_visible()

    login()  # Claire Moutin, administrator, answers in "Demande en attente"
    page.get_by_role("navigation", name="Menu personnalisé").get_by_role(
        "link", name=re.compile("Demande en attente")).click()
    expect(page.get_by_role("heading", name=re.compile("DURAND Paul"))).to_be_visible()
    page.get_by_role("button", name=re.compile("Accord : générer un mot de passe provisoire")).click()
    temporary = page.locator("#temporary-password").inner_text()
    page.get_by_role("button", name="Se déconnecter").click()

    login(nom="Durand", prenom="Paul", password=temporary)
    expect(page.get_by_role("heading", name="Choisissez votre mot de passe")).to_be_visible()
    page.get_by_label("Nouveau mot de passe", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(NEW_PASSWORD)
    page.get_by_label("Nouvelle question secrète").fill("Ville de mon premier poste ?")
    page.get_by_label("Réponse secrète").fill("Laval sur Mayenne")
    page.get_by_role("button", name="Valider").click()
    expect(page.locator("#messages")).to_contain_text("Votre nouveau mot de passe et votre question secrète")
    expect(page.get_by_role("banner")).to_contain_text("DURAND Paul")

    page.get_by_role("button", name="Se déconnecter").click()
    login(nom="Durand", prenom="Paul", password=temporary)
    expect(page.get_by_role("alert")).to_contain_text("Identifiants incorrects")


def test_forgotten_login_is_mailed(page, live_server):
    page.goto(live_server.url("/connexion"))
    page.get_by_role("link", name="J’ai oublié mon identifiant").click()
    page.get_by_label("Courriel").fill("Paul.Durand@cabinet-demo.test")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("Si cette adresse électronique est celle d’un compte")).to_be_visible()
    page.get_by_role("link", name=BOITE_D_ENVOI).click()
    message = page.get_by_role("article", name="Rappel de vos identifiants de connexion")
    expect(message).to_contain_text(f"SIRET {DEMO_SIRET}")
    expect(message).to_contain_text("nom DURAND, prénom Paul")
