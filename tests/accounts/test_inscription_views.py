"""The inscription's pages through the test client: one URL per step, full pages, the state kept
in the signed session, htmx checks on blur, refusals with status 422, the validation link."""
import pytest

from db.database import database
from db.demo import DEMO_SIRET
from db.models import Firm, OutgoingMail, PendingRequest, User
from tests.factories.accounts import ACTIVE_SIRET, CREDENTIALS, IDENTITY, PASSWORD, UNKNOWN_SIRET
from tests.factories.outbox import link_token

STEP_URLS = [
    "/inscription/",
    "/inscription/conditions",
    "/inscription/etablissement",
    "/inscription/mot-de-passe",
    "/inscription/recapitulatif",
    "/inscription/profil",
    "/inscription/declarations",
    "/inscription/declarations/modifier",
    "/inscription/declarants",
    "/inscription/declarants/nouveau",
    "/inscription/validation",
]


def text(response):
    """The page, with Jinja's escaped apostrophes read back (other escapes stay, to check them)."""
    return response.get_data(as_text=True).replace("&#39;", "'")


def login(client, password=PASSWORD, nom="MOUTIN", prenom="claire"):
    return client.post(
        "/connexion", data={"siret": ACTIVE_SIRET, "nom": nom, "prenom": prenom, "password": password}
    )


def test_the_login_page_leads_to_the_inscription(client):
    assert 'href="/inscription/"' in text(client.get("/connexion"))
    page = text(client.get("/inscription/"))
    assert "<h1>Je crée mon compte</h1>" in page and "Je m’inscris" in page
    for label in (
        "SIRET",
        "Nom",
        "Prénom",
        "Téléphone",
        "Téléphone portable",
        "Courriel",
        "Confirmation courriel",
    ):
        assert f">{label}</label>" in page


def test_later_steps_send_back_to_the_first_unfinished_one(client, wizard):
    for url in STEP_URLS[1:]:
        assert client.get(url).location == "/inscription/"
    wizard.identity()
    assert client.get("/inscription/mot-de-passe").location == "/inscription/conditions"


def test_every_step_is_a_full_page_at_its_own_url(client, wizard):
    wizard.through_declarants()
    for url in STEP_URLS:
        response = client.get(url)
        assert response.status_code == 200, url
        assert text(response).startswith("<!doctype html>") and 'aria-current="step"' in text(response)


def test_step_one_refuses_bad_input_next_to_each_field_and_keeps_nothing(client, wizard):
    response = wizard.identity(
        siret=UNKNOWN_SIRET, nom="<script>alert(1)</script>", email_confirmation="x@y.fr"
    )
    page = text(response)
    assert response.status_code == 422
    assert 'id="siret-error">Ce SIRET est absent du référentiel Sirene.' in page
    assert 'id="nom-error">Le nom ne peut contenir que des lettres' in page
    assert 'id="email_confirmation-error">Les deux adresses électroniques ne sont pas identiques.' in page
    assert "<script>alert(1)</script>" not in page and 'aria-invalid="true"' in page
    assert client.get("/inscription/conditions").location == "/inscription/"


@pytest.mark.parametrize("hostile", ["Robert'); DROP TABLE firm; --", "Mou\x00tin", "A" * 10_000])
def test_hostile_names_are_refused(wizard, hostile):
    response = wizard.identity(nom=hostile)
    assert response.status_code == 422
    assert 'id="nom-error"' in text(response)


def test_blur_check_answers_with_the_field_only(client):
    headers = {"HX-Request": "true"}
    response = client.post("/inscription/verifier/siret", data={**IDENTITY, "siret": "123"}, headers=headers)
    assert response.status_code == 422
    fragment = text(response)
    assert "<html" not in fragment and fragment.strip().startswith('<div class="field has-error">')
    assert (
        "Le SIRET doit comporter 14 chiffres (3 saisis)." in fragment
        and 'hx-post="/inscription/verifier/siret"' in fragment
    )
    response = client.post("/inscription/verifier/siret", data=IDENTITY, headers=headers)
    assert (
        response.status_code == 200
        and "field-error" not in text(response)
        and f'value="{ACTIVE_SIRET}"' in text(response)
    )
    response = client.post("/inscription/verifier/email_confirmation",
                           data={**IDENTITY, "email_confirmation": "autre@arcturus.fr"}, headers=headers)
    assert response.status_code == 422 and "ne sont pas identiques" in text(response)
    response = client.post(
        "/inscription/verifier/secret_question", data={"secret_question": "Court ?"}, headers=headers
    )
    assert response.status_code == 422 and "Saisissez au moins 10 caractères" in text(response)
    assert client.post("/inscription/verifier/password", data={}, headers=headers).status_code == 404


def test_previous_step_keeps_what_was_typed(client, wizard):
    wizard.through_credentials()
    page = text(client.get("/inscription/"))
    assert f'value="{ACTIVE_SIRET}"' in page and 'value="claire.moutin@arcturus.fr"' in page
    assert page.count('value="claire.moutin@arcturus.fr"') == 2  # the confirmation too
    page = text(client.get("/inscription/mot-de-passe"))
    assert CREDENTIALS["secret_question"] in page
    assert "laissez les deux champs vides pour le conserver" in page
    assert PASSWORD not in page and "Médor" not in page


def test_changing_the_name_asks_for_the_password_again(client, wizard):
    wizard.through_credentials()
    client.post("/inscription/recapitulatif")
    assert (
        client.post("/inscription/", data={**IDENTITY, "nom": "Arcturus"}).location
        == "/inscription/conditions"
    )
    assert client.get("/inscription/recapitulatif").location == "/inscription/mot-de-passe"


def test_the_session_is_the_only_source_of_the_siret(client, wizard):
    """Posting another SIRET to a later step changes nothing: no hidden field is trusted."""
    wizard.through_declarants()
    client.post("/inscription/etablissement", data={"siret": DEMO_SIRET})
    client.post("/inscription/validation", data={"siret": DEMO_SIRET, "identity": "forged"})
    with database.connection_context():
        assert Firm.get(Firm.siret == ACTIVE_SIRET).name == "ARCTURUS"
        assert Firm.select().count() == 2


def test_refusing_the_conditions_ends_the_inscription(client, wizard):
    wizard.identity()
    page = text(client.get("/inscription/conditions"))
    assert "Conditions générales d’utilisation du portail tiers déclarant" in page
    response = client.post("/inscription/conditions", data={"decision": "refuse"})
    assert "Vous avez refusé les conditions générales d’utilisation" in text(response)
    assert client.get("/inscription/conditions").location == "/inscription/"
    assert client.get("/inscription/").get_data(as_text=True).count(f'value="{ACTIVE_SIRET}"') == 0


def test_abandon_forgets_everything(client, wizard):
    wizard.through_credentials()
    response = client.post("/inscription/abandonner", follow_redirects=True)
    assert "Inscription abandonnée : aucune donnée n’a été enregistrée." in text(response)
    assert client.get("/inscription/recapitulatif").location == "/inscription/"


def test_a_registered_siret_offers_a_request_to_its_administrators(client, wizard):
    wizard.identity(siret=DEMO_SIRET)
    client.post("/inscription/conditions", data={"decision": "accept"})
    page = text(client.get("/inscription/etablissement"))
    assert "Ce SIRET est déjà inscrit" in page and "Envoyer une demande aux administrateurs" in page
    assert "Étape suivante" not in page
    assert client.post("/inscription/etablissement").status_code == 409
    response = client.post("/inscription/demande-aux-administrateurs", data={"message": "moi\u202e"})
    assert response.status_code == 422 and "caractères de contrôle ou invisibles" in text(response)
    response = client.post(
        "/inscription/demande-aux-administrateurs", data={"message": "Nouvelle collaboratrice."}
    )
    assert "Votre demande a été transmise aux administrateurs" in text(response)
    with database.connection_context():
        request = PendingRequest.get()
        assert (request.kind, request.requester_name) == ("access", "MOUTIN Claire")
        assert Firm.select().count() == 1


def test_password_step_refusals(client, wizard):
    wizard.identity()
    client.post("/inscription/conditions", data={"decision": "accept"})
    client.post("/inscription/etablissement")
    response = client.post(
        "/inscription/mot-de-passe", data={**CREDENTIALS, "password": "court", "confirmation": "court"}
    )
    assert response.status_code == 422
    assert "Le mot de passe ne respecte pas les règles : au moins 12 caractères" in text(response)
    page = text(client.get("/inscription/mot-de-passe"))
    assert "Qualité de votre mot de passe" in page and 'data-criterion="classes"' in page
    assert f'data-siret="{ACTIVE_SIRET}"' in page and "password.js" in page


def test_profile_and_declarations_steps(client, wizard):
    wizard.through_credentials()
    client.post("/inscription/recapitulatif")
    page = text(client.get("/inscription/profil"))
    assert "<legend>Vous êtes… " in page and "Un tiers déclarant : cabinet d’expertise comptable" in page
    response = client.post("/inscription/profil", data={"kind": "expert_comptable"})
    assert response.status_code == 422 and "Choisissez au moins un domaine de services." in text(response)
    client.post("/inscription/profil", data={"kind": "expert_comptable", "domains": ["Formation"]})
    page = text(client.get("/inscription/declarations"))
    assert "SOLTéA – Employeurs" in page and "Modifier la liste des déclarations" in page
    page = text(client.get("/inscription/declarations/modifier"))
    assert 'data-available-label="Liste des déclarations disponibles"' in page
    assert '<option value="MCF_ELU" selected>' in page and '<option value="DSN">' in page
    assert client.post("/inscription/declarations/modifier", data={"declarations": ["X"]}).status_code == 422
    assert client.post("/inscription/declarations/modifier", data={}).status_code == 422
    client.post("/inscription/declarations/modifier", data={"declarations": ["DSN", "DPAE"]})
    page = text(client.get("/inscription/declarations"))
    assert "Déclarations sélectionnées (2)" in page and "SOLTéA" not in page


def test_full_inscription_then_validation_then_login(client, wizard):
    response = wizard.complete()
    assert response.location == "/inscription/terminee"
    page = text(client.get("/inscription/terminee"))
    assert "Votre compte est créé" in page and "claire.moutin@arcturus.fr" in page and "Boîte d’envoi" in page
    refused = login(client)
    assert refused.status_code == 403 and "n’a pas encore été validée" in text(refused)
    assert "Recevoir un nouveau lien de validation" in text(refused)
    with database.connection_context():
        token = link_token(OutgoingMail.get(OutgoingMail.to == "claire.moutin@arcturus.fr").body)
    assert "Valider mon adresse électronique" in text(client.get(f"/inscription/validation/{token}"))
    assert "Adresse électronique validée" in text(client.post(f"/inscription/validation/{token}"))
    assert client.post(f"/inscription/validation/{token}").status_code == 410
    assert client.get(f"/inscription/validation/{token}").status_code == 410
    assert login(client).location == "/"
    with database.connection_context():
        assert User.get(User.email == "claire.moutin@arcturus.fr").last_login_at is not None


def test_unvalidated_account_can_ask_for_a_new_link(client, wizard):
    wizard.complete()
    assert client.post("/connexion/nouveau-lien").location == "/connexion"  # nothing to resend before a login
    login(client)
    response = client.post("/connexion/nouveau-lien", follow_redirects=True)
    assert "patientez une minute" in text(response)
    with database.connection_context():
        assert OutgoingMail.select().where(OutgoingMail.to == "claire.moutin@arcturus.fr").count() == 1


def test_a_wrong_password_on_an_unvalidated_account_says_nothing_about_validation(client, wizard):
    wizard.complete()
    response = login(client, password="pas-le-bon-mot-de-passe")
    assert response.status_code == 401 and "validée" not in text(response)
