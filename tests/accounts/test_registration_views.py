"""The end of the inscription as the guide has it, through the test client: « Vous êtes… », the optional
« Nouveau déclarant », « Validation de l'inscription » with its habilitations table, the conditions
downloadable, the wizard's state kept server-side (a late field check cannot undo a step), and the
first login that shows the firm's tiles "Accessible sous 24 heures"."""

import datetime

from db import clock
from db.accounts import drafts
from db.database import database
from db.models import Company, Firm, Habilitation, InscriptionDraft, OutgoingMail, Portfolio, User
from tests.factories.accounts import ACTIVE_SIRET, CREDENTIALS, IDENTITY, PAUL
from tests.factories.outbox import link_token

SOPHIE = {**PAUL, "nom": "Leroy", "prenom": "Sophie", "email": "sophie.leroy@arcturus.fr"}


def text(response):
    return response.get_data(as_text=True).replace("&#39;", "'")


def test_vous_etes_particulier_employeur_says_where_to_go(client, wizard):
    wizard.through_profile(kind="particulier", domains=())
    response = client.post("/inscription/profil", data={"kind": "particulier"})
    page = text(response)
    assert response.status_code == 200 and "Vous êtes un particulier employeur" in page
    assert 'href="https://www.cesu.urssaf.fr"' in page and 'href="https://www.pajemploi.urssaf.fr"' in page
    assert client.get("/inscription/declarations").location == "/inscription/profil"  # no way forward


def test_nouveau_declarant_is_optional_repeatable_and_checked(client, wizard):
    wizard.through_profile()
    client.post("/inscription/declarations")
    page = text(client.get("/inscription/declarants"))
    assert "<h1>Inscription des déclarants</h1>" in page and "Aucun déclarant ajouté" in page
    form = text(client.get("/inscription/declarants/nouveau"))
    for label in ("Nom", "Prénom", "Courriel", "Téléphone", "Téléphone portable", "Rôle"):
        assert f">{label}</label>" in form  # the form of Gérer les déclarants
    assert client.post("/inscription/declarants/nouveau", data=PAUL).location == "/inscription/declarants"
    client.post("/inscription/declarants/nouveau", data=SOPHIE)
    refused = client.post("/inscription/declarants/nouveau", data={**PAUL, "prenom": "PAUL"})
    assert refused.status_code == 422 and "porte déjà ces nom et prénom" in text(refused)
    refused = client.post(
        "/inscription/declarants/nouveau", data={**PAUL, "nom": "Moutin", "prenom": "Claire"}
    )
    assert refused.status_code == 422
    page = text(client.get("/inscription/declarants"))
    assert "Déclarants ajoutés (2)" in page and "paul.durand@arcturus.fr" in page
    client.post("/inscription/declarants/1/retirer")
    assert "Déclarants ajoutés (1)" in text(client.get("/inscription/declarants"))
    assert client.post("/inscription/declarants").location == "/inscription/validation"


def test_validation_de_l_inscription_shows_the_recap_and_the_habilitations_table(client, wizard):
    wizard.through_declarants(PAUL)
    page = text(client.get("/inscription/validation"))
    assert (
        "<h1>Validation de l’inscription</h1>" in page
        and "Gestion des habilitations pour l’entreprise" in page
    )
    for column in ("Entreprise", "Déclarants", "Déclarations", "Déclarer", "Payer"):
        assert f'<th scope="col">{column}</th>' in page
    assert "Un tiers déclarant : cabinet d’expertise comptable" in page and "ARCTURUS" in page
    assert 'name="declare" value="admin" id="declare-admin" checked' in page
    assert 'name="pay" value="0" id="pay-0" checked' in page
    assert "Valider l’inscription" in page
    response = client.post("/inscription/validation", data={"declare": ["admin", "0"], "pay": ["admin"]})
    assert response.location == "/inscription/terminee"
    assert "Votre compte est créé" in text(client.get("/inscription/terminee"))
    with database.connection_context():
        paul = User.get(User.nom == "Durand")
        assert {(h.declare, h.pay) for h in Habilitation.select().where(Habilitation.user == paul.id)} == {
            (True, False)
        }
        assert OutgoingMail.select().where(OutgoingMail.to == "paul.durand@arcturus.fr").count() == 1
        assert not InscriptionDraft.select().exists()  # the draft goes with the inscription


def test_the_conditions_can_be_downloaded_as_well_as_printed(client, wizard):
    wizard.identity()
    page = text(client.get("/inscription/conditions"))
    assert 'href="/inscription/conditions/telecharger" download>Télécharger les conditions</a>' in page
    assert "Imprimer les conditions" in page
    bar = page[page.index('<div class="actions">'):]
    assert bar.index("Télécharger les conditions") < bar.index(">Je refuse<") < bar.index(">J’accepte<")
    response = client.get("/inscription/conditions/telecharger")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="conditions-generales-portail-tiers-declarant.html"'
    )
    document = text(response)
    assert document.startswith("<!doctype html>") and "Données personnelles" in document
    assert "<script" not in document and "Document téléchargé depuis le portail" in document


def _session_cookie(client):
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def test_the_cookie_holds_no_wizard_state(client, wizard):
    wizard.through_credentials()
    with database.connection_context():
        [draft] = InscriptionDraft.select()
        assert "password_hash" in draft.state and "secret_answer_hash" in draft.state
    from itsdangerous import URLSafeTimedSerializer

    value = _session_cookie(client)
    data = URLSafeTimedSerializer(
        "test-secret",
        salt="cookie-session",
        signer_kwargs={"key_derivation": "hmac", "digest_method": "sha1"},
    ).loads(value)
    assert set(data) <= {"csrf_token", "inscription", "_flashes", "_fresh", "_id", "_remember"}
    assert "$2b$" not in str(data) and "Moutin" not in str(data)


def test_a_late_field_check_cannot_send_the_wizard_back_to_step_one(app, client):
    """The race of issue 11.6: a check sent before « Je m'inscris » that answers after it must not
    replace the cookie that « Je m'inscris » just set."""
    client.get("/inscription/")
    before = _session_cookie(client)  # what the late check's request carries
    assert client.post("/inscription/", data=IDENTITY).location == "/inscription/conditions"
    late = app.test_client()
    late.set_cookie("session", before)
    late.csrf_token = client.csrf_token
    answer = late.post("/inscription/verifier/email", data=IDENTITY, headers={"HX-Request": "true"})
    assert answer.status_code == 200 and "Set-Cookie" not in answer.headers
    # The browser keeps the cookie of « Je m'inscris »: the next step is still there.
    assert client.get("/inscription/conditions").status_code == 200
    assert (
        client.post("/inscription/conditions", data={"decision": "accept"}).location
        == "/inscription/etablissement"
    )


def test_field_checks_never_answer_with_a_cookie(client, wizard):
    wizard.through_credentials()
    for name, data in (("siret", IDENTITY), ("secret_answer", CREDENTIALS)):
        response = client.post(f"/inscription/verifier/{name}", data=data, headers={"HX-Request": "true"})
        assert response.status_code == 200 and "Set-Cookie" not in response.headers


def test_an_expired_draft_starts_again_with_a_message(client, wizard):
    clock.freeze(datetime.datetime(2026, 11, 23, 9, 0))
    wizard.through_credentials()
    clock.advance(hours=drafts.DRAFT_HOURS, seconds=1)
    response = client.get("/inscription/recapitulatif", follow_redirects=True)
    assert "Votre inscription en cours a expiré après 4 heures sans activité" in text(response)
    assert response.request.path == "/inscription/"
    with database.connection_context():
        drafts.start({"reached": 0})  # a new inscription deletes the expired drafts
        assert InscriptionDraft.select().count() == 1


def test_first_login_shows_the_firm_tiles_and_its_own_portfolio(client, wizard):
    clock.freeze(datetime.datetime(2026, 11, 23, 9, 0))
    wizard.complete()
    with database.connection_context():
        token = link_token(
            OutgoingMail.get(OutgoingMail.subject == "Validation de votre adresse électronique").body
        )
    client.post(f"/inscription/validation/{token}")
    response = client.post(
        "/connexion",
        data={
            "siret": ACTIVE_SIRET,
            "nom": "moutin",
            "prenom": "claire",
            "password": CREDENTIALS["password"],
        },
        follow_redirects=True,
    )
    page = text(response)
    assert response.request.path == "/menu"  # the first administrator lands on the dashboard
    assert page.count("Accessible sous 24 heures") == 5  # the Formation declarations chosen
    assert "SOLTéA – Employeurs" in page and "à partir du mardi 24 novembre à 10\u202fh\u202f00" in page
    assert 'Vos notifications<span class="menu-count">' in page
    menu = text(client.get("/menu"))
    assert "Accessible sous 24 heures" in menu and "SOLTéA – Établissements" in menu
    portfolios = text(client.get("/gestion/portefeuilles"))
    assert "Portefeuille par défaut" in portfolios
    with database.connection_context():
        firm = Firm.get(Firm.siret == ACTIVE_SIRET)
        default = Portfolio.get((Portfolio.firm == firm.id) & Portfolio.is_default)
        assert [c.siren for c in Company.select().where(Company.portfolio == default.id)] == [
            ACTIVE_SIRET[:9]
        ]
