"""The inscription's rules in db/ (db/accounts/inscription.py), on SQLite and PostgreSQL: each step's
checks, the creation in one transaction, the validation link (single use, 60 minutes), the request
to administrators."""
import datetime

import pytest

from db import clock
from db.accounts import inscription, registration
from db.accounts.passwords import answer_matches, check_secret
from db.accounts.rate_limits import TooMany
from db.demo import DEMO_SIRET
from db.errors import Conflict, Invalid
from db.mail import account_mails
from db.models import (
    AccountToken,
    Company,
    CompanyDeclaration,
    Establishment,
    Firm,
    FirmDeclaration,
    Habilitation,
    Notification,
    OutgoingMail,
    PendingRequest,
    Portfolio,
    PortfolioDeclarant,
    PortfolioDeclaration,
    User,
)
from tests.factories.accounts import (
    ACTIVE_SIRET,
    CLOSED_SIRET,
    CREDENTIALS,
    IDENTITY,
    LINKS,
    PASSWORD,
    PAUL,
    UNKNOWN_SIRET,
    state_for,
)
from tests.factories.outbox import link_token
from tests.factories.queries import count_queries


def url(token):
    return f"https://portail.example/inscription/validation/{token}"


def test_identity_is_cleaned(db_engine):
    identity = inscription.check_identity(
        {
            **IDENTITY,
            "siret": "104 049 424 00013",
            "phone": "+33 1 23 45 67 89",
            "email": "Claire.Moutin@ARCTURUS.fr",
        }
    )
    assert identity == {"siret": ACTIVE_SIRET, "nom": "Moutin", "prenom": "Claire", "phone": "0123456789",
                        "mobile": "", "email": "Claire.Moutin@arcturus.fr"}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"siret": UNKNOWN_SIRET}, "siret", inscription.UNKNOWN_SIRET),
        ({"siret": CLOSED_SIRET}, "siret", inscription.CLOSED_SIRET),
        ({"siret": "10404942400014"}, "siret", "Numéro SIRET invalide (clé de contrôle)."),
        ({"email_confirmation": "claire@arcturus.fr"}, "email_confirmation",
         "Les deux adresses électroniques ne sont pas identiques."),
        ({"phone": "12"}, "phone",
         "Numéro de téléphone français attendu : 10 chiffres commençant par 0 (ex. 01 23 45 67 89)."),
    ],
)
def test_identity_refusals(db_engine, changes, field, message):
    with pytest.raises(Invalid) as refused:
        inscription.check_identity({**IDENTITY, **changes})
    assert refused.value.errors == {field: message}


def test_an_empty_form_gets_every_message_at_once(db_engine):
    with pytest.raises(Invalid) as refused:
        inscription.check_identity({})
    assert set(refused.value.errors) == {"siret", "nom", "prenom", "phone", "email", "email_confirmation"}


def test_step_three_is_prefilled_from_the_directory(db_engine, demo_firm):
    found = inscription.establishment(ACTIVE_SIRET)
    assert found == {
        "siret": ACTIVE_SIRET,
        "name": "ARCTURUS",
        "address": found["address"],
        "registered": False,
    }
    assert "75010 PARIS" in found["address"]
    assert inscription.establishment(DEMO_SIRET)["registered"] is True


def test_credentials_keep_hashes_only(db_engine):
    identity = inscription.check_identity(IDENTITY)
    kept = inscription.check_credentials(CREDENTIALS, identity)
    assert set(kept) == {"password_hash", "secret_question", "secret_answer_hash"}
    assert check_secret(PASSWORD, kept["password_hash"])
    assert PASSWORD not in str(kept) and "Médor" not in str(kept)
    assert answer_matches(
        "  medor LE grand ", kept["secret_answer_hash"]
    )  # case, accents, spaces do not count


def test_credentials_refusals(db_engine):
    identity = inscription.check_identity(IDENTITY)
    with pytest.raises(Invalid) as refused:
        inscription.check_credentials({"password": "Moutin-2026-Cabinet", "confirmation": "autre chose",
                                       "secret_question": "Chien ?", "secret_answer": "Rex"}, identity)
    assert refused.value.errors == {
        "password": "Le mot de passe ne respecte pas les règles : ne contient ni votre nom, "
        "ni votre prénom, ni le siret.",
        "confirmation": "La confirmation ne correspond pas au mot de passe saisi.",
        "secret_question": "Saisissez au moins 10 caractères (7 saisis).",
        "secret_answer": "Saisissez au moins 5 caractères (3 saisis).",
    }


def test_going_back_to_step_four_keeps_the_password_and_answer_when_left_empty(db_engine):
    identity = inscription.check_identity(IDENTITY)
    kept = inscription.check_credentials(CREDENTIALS, identity)
    again = inscription.check_credentials(
        {
            "password": "",
            "confirmation": "",
            "secret_question": CREDENTIALS["secret_question"],
            "secret_answer": "",
        },
        identity,
        kept,
    )
    assert again == kept
    with pytest.raises(Invalid) as refused:  # a new question needs its answer
        inscription.check_credentials({"secret_question": "Quelle est ma ville natale ?"}, identity, kept)
    assert refused.value.errors == {"secret_answer": "Ce champ est obligatoire."}


def test_profile_and_declarations(db_engine):
    assert inscription.check_profile({"kind": "entreprise", "domains": ["Formation", "La DSN"]}) == {
        "kind": "entreprise", "domains": ["La DSN", "Formation"]}
    assert inscription.proposed_codes(["Formation"]) == [
        "DSNFORMATION", "MCF_ELU", "REGUL_MCF", "SOLTEA_EMPLOYEURS", "SOLTEA_ETABLISSEMENTS"]
    with pytest.raises(Invalid) as refused:
        inscription.check_profile({"kind": "autre", "domains": ["Les impôts"]})
    assert refused.value.errors == {"kind": "Indiquez qui vous êtes.",
                                    "domains": "Domaine de services inconnu."}
    with pytest.raises(Invalid):
        inscription.check_profile({"kind": "centre_gestion", "domains": []})
    # A particulier employeur needs no domain: the portal sends them to Cesu or Pajemploi.
    assert inscription.check_profile({"kind": "particulier"}) == {"kind": "particulier", "domains": []}
    with pytest.raises(Invalid) as refused:
        inscription.check_declarations(["DSN", "N_EXISTE_PAS"])
    assert "Déclaration inconnue" in refused.value.errors["declarations"]
    with pytest.raises(Invalid):
        inscription.check_declarations([])


def register(state=None, posted=None):
    return registration.register(state or state_for(), posted, url, LINKS)


def test_register_creates_everything_in_one_go(db_engine):
    user = register()
    firm = Firm.get(Firm.siret == ACTIVE_SIRET)
    assert (firm.name, user.firm_id, user.role, user.nom, user.prenom) == (
        "ARCTURUS",
        firm.id,
        "admin",
        "Moutin",
        "Claire",
    )
    assert user.email_validated_at is None and check_secret(PASSWORD, user.password_hash)
    assert user.secret_question == CREDENTIALS["secret_question"]
    assert [p.name for p in Portfolio.select().where(Portfolio.firm == firm)] == ["Portefeuille par défaut"]
    codes = {fd.declaration.code for fd in FirmDeclaration.select().where(FirmDeclaration.firm == firm)}
    assert codes == {"DSN", "SOLTEA_EMPLOYEURS"}
    mail = OutgoingMail.get(OutgoingMail.to == "claire.moutin@arcturus.fr")
    assert mail.subject == "Validation de votre adresse électronique"
    assert "administrateur de ARCTURUS" in mail.body and "valable 60 minutes" in mail.body
    token = link_token(mail.body)
    assert inscription.validation_pending(token).id == user.id
    assert (firm.kind, firm.manages_clients) == ("expert_comptable", True)  # a tiers déclarant


def test_the_firm_is_its_own_first_client_with_its_declarations_and_rights(db_engine):
    clock.freeze(datetime.datetime(2026, 11, 23, 9, 0))
    user = register()
    default = Portfolio.get(Portfolio.firm == user.firm_id)
    company = Company.get(Company.portfolio == default.id)
    assert (company.siren, company.name) == (ACTIVE_SIRET[:9], "ARCTURUS")
    sirets = [e.siret for e in Establishment.select().where(Establishment.company == company.id)]
    assert ACTIVE_SIRET in sirets
    for model, owner in ((PortfolioDeclaration, PortfolioDeclaration.portfolio == default.id),
                         (CompanyDeclaration, CompanyDeclaration.company == company.id)):
        assert {d.declaration.code for d in model.select().where(owner)} == {"DSN", "SOLTEA_EMPLOYEURS"}
    assert PortfolioDeclarant.get(PortfolioDeclarant.portfolio == default.id).user_id == user.id
    rights = {(h.declaration.code, h.declare, h.pay, h.active_from) for h in Habilitation.select()}
    tomorrow = datetime.datetime(2026, 11, 24, 9, 0)
    # Déclarer everywhere, Payer where the declaration carries it; usable after the 24 h delay.
    assert rights == {("DSN", True, True, tomorrow), ("SOLTEA_EMPLOYEURS", True, False, tomorrow)}
    [notice] = Notification.select()
    assert (notice.user_id, notice.kind) == (user.id, "habilitations_granted")
    assert "utilisables à partir du 24/11/2026 à 10\u202fh\u202f00" in notice.text


def test_kind_entreprise_files_for_itself_only(db_engine):
    register(state_for(kind="entreprise"))
    firm = Firm.get(Firm.siret == ACTIVE_SIRET)
    assert (firm.kind, firm.manages_clients) == ("entreprise", False)


def test_a_particulier_employeur_is_never_registered(db_engine):
    with pytest.raises(Invalid):
        register(state_for(kind="particulier"))
    assert not Firm.select().exists()


def test_declarants_added_during_the_inscription(db_engine):
    sophie = {**PAUL, "nom": "Leroy", "prenom": "Sophie", "email": "sophie@arcturus.fr", "role": "admin"}
    state = state_for(declarants=[PAUL, sophie])
    rows = registration.grant_rows(state)
    assert [(r.key, r.name, r.declare, r.pay) for r in rows] == [
        ("admin", "MOUTIN Claire", True, True), ("0", "DURAND Paul", True, True),
        ("1", "LEROY Sophie", True, True)]
    admin = register(state, {"declare": ["admin", "0"], "pay": ["admin"]})
    people = {u.nom: u for u in User.select().where(User.firm == admin.firm_id)}
    assert (people["Durand"].role, people["Leroy"].role) == ("declarant", "admin")
    assert people["Durand"].password_hash is None  # activates through the mailed link
    activation = OutgoingMail.get(OutgoingMail.to == "paul.durand@arcturus.fr")
    assert "inscrit comme déclarant du cabinet ARCTURUS" in activation.body
    members = {m.user_id for m in PortfolioDeclarant.select()}
    assert members == {admin.id, people["Durand"].id}  # Sophie has no box ticked: not a déclarant of it
    paul_rights = {(h.declaration.code, h.declare, h.pay)
                   for h in Habilitation.select().where(Habilitation.user == people["Durand"].id)}
    assert paul_rights == {("DSN", True, False), ("SOLTEA_EMPLOYEURS", True, False)}


def test_declarant_names_must_differ_from_the_administrator_and_each_other(db_engine):
    identity = inscription.check_identity(IDENTITY)
    with pytest.raises(Invalid) as refused:
        registration.check_declarant({**PAUL, "nom": "MOUTIN", "prenom": "claire"}, identity, [])
    assert "ces nom et prénom" in refused.value.errors["nom"]
    with pytest.raises(Invalid):
        registration.check_declarant(PAUL, identity, [PAUL])
    with pytest.raises(Invalid) as refused:
        registration.check_declarant({**PAUL, "email": "pas-une-adresse", "role": "chef"}, identity, [])
    assert set(refused.value.errors) == {"email", "role"}


def test_register_writes_nothing_when_a_step_fails(db_engine, monkeypatch):
    def broken(*args):
        raise RuntimeError("mail queue unavailable")

    monkeypatch.setattr(account_mails, "account_created", broken)
    with pytest.raises(RuntimeError):
        register(state_for(declarants=[PAUL]))
    assert not Firm.select().where(Firm.siret == ACTIVE_SIRET).exists()
    for model in (User, Portfolio, FirmDeclaration, Company, Establishment, Habilitation, Notification):
        assert model.select().count() == 0, model


def test_register_checks_every_step_again(db_engine, demo_firm):
    with pytest.raises(Invalid):
        register({**state_for(), "cgu_accepted": False})
    with pytest.raises(Invalid):
        register({**state_for(), "declarations": ["N_EXISTE_PAS"]})
    with pytest.raises(Invalid):
        register({**state_for(), "credentials": {}})
    with pytest.raises(Invalid):
        register(state_for(declarants=[{**PAUL, "email": "x"}]))
    demo_state = state_for({**IDENTITY, "siret": DEMO_SIRET})
    with pytest.raises(Conflict):
        register(demo_state)
    assert Firm.select().count() == 1


def test_a_siret_is_never_registered_twice(db_engine):
    register()
    with pytest.raises(Conflict):
        register(state_for({**IDENTITY, "nom": "Durand", "prenom": "Paul"}))
    assert Firm.select().where(Firm.siret == ACTIVE_SIRET).count() == 1


def test_validation_link_is_single_use(db_engine):
    register()
    token = link_token(OutgoingMail.get().body)
    user = inscription.validate_email(token)
    assert User.get_by_id(user.id).email_validated_at is not None
    assert inscription.validate_email(token) is None
    assert inscription.validation_pending(token) is None


def test_validation_link_expires_after_60_minutes(db_engine):
    clock.freeze(datetime.datetime(2026, 11, 23, 9, 0))
    register()
    token = link_token(OutgoingMail.get().body)
    clock.advance(minutes=59, seconds=59)
    assert inscription.validation_pending(token) is not None
    clock.advance(seconds=1)
    assert inscription.validation_pending(token) is None
    assert inscription.validate_email(token) is None
    assert User.get().email_validated_at is None


def test_a_new_link_replaces_the_old_one_and_waits_a_minute(db_engine):
    clock.freeze(datetime.datetime(2026, 11, 23, 9, 0))
    user = register()
    old = link_token(OutgoingMail.get().body)
    with pytest.raises(Invalid) as refused:
        inscription.resend_validation(user.id, url)
    assert "patientez une minute" in refused.value.errors["__all__"]
    clock.advance(minutes=1, seconds=1)
    inscription.resend_validation(user.id, url)
    newest = OutgoingMail.select().order_by(OutgoingMail.id.desc()).first()
    assert inscription.validation_pending(old) is None
    assert inscription.validate_email(link_token(newest.body)).id == user.id
    assert inscription.resend_validation(user.id, url) is None  # validated: nothing more to send
    assert AccountToken.select().count() == 2


def test_request_access_to_a_registered_firm(db_engine, demo_firm):
    identity = {**IDENTITY, "siret": DEMO_SIRET, "nom": "Martin", "prenom": "Léa", "mobile": "06 12 34 56 78"}
    request = inscription.request_access(identity, "Je suis la nouvelle collaboratrice.", "https://p.example/demandes")
    assert (request.kind, request.status, request.firm_id, request.requester_id) == (
        "access",
        "pending",
        demo_firm.id,
        None,
    )
    assert (request.requester_name, request.requester_email) == ("MARTIN Léa", "claire.moutin@arcturus.fr")
    assert (
        "Nom : Martin\nPrénom : Léa\nTéléphone : 0123456789\nTéléphone portable : 0612345678"
        in request.message
    )
    assert request.message.endswith("Je suis la nouvelle collaboratrice.")
    admin_mail = OutgoingMail.get(OutgoingMail.to == "claire.moutin@cabinet-demo.test")
    assert "MARTIN Léa" in admin_mail.body and "https://p.example/demandes" in admin_mail.body
    again = inscription.request_access(identity, "", "https://p.example/demandes")
    assert again.id == request.id and PendingRequest.select().count() == 1
    assert User.select().where(User.nom_key == "martin").count() == 0


def test_request_access_is_limited_per_sender_and_mails_a_firm_a_few_times_an_hour(db_engine, demo_firm):
    clock.freeze(clock.now())
    def ask(n, sender):
        identity = {**IDENTITY, "siret": DEMO_SIRET, "nom": f"Martin{chr(97 + n)}", "email": f"p{n}@x.fr"}
        return inscription.request_access(identity, "", "https://p.example/demandes", sender=sender)

    for n in range(inscription.ACCESS_PER_HOUR):
        ask(n, "203.0.113.70")
    with pytest.raises(TooMany) as refused:
        ask(9, "203.0.113.70")
    assert "Patientez avant d’en envoyer une autre." in str(refused.value)
    for n in range(10, 14):  # from other addresses: recorded, but the administrators get no flood of mails
        ask(n, f"198.51.100.{n}")
    admin_mails = OutgoingMail.select().where(OutgoingMail.to == "claire.moutin@cabinet-demo.test").count()
    assert admin_mails == inscription.ACCESS_MAILS_PER_HOUR
    assert PendingRequest.select().where(PendingRequest.kind == "access").count() == 7
    clock.advance(hours=1, minutes=1)
    ask(20, "203.0.113.70")
    assert OutgoingMail.select().where(OutgoingMail.to == "claire.moutin@cabinet-demo.test").count() == 4


def test_request_access_refuses_disguised_messages(db_engine, demo_firm):
    with pytest.raises(Invalid) as refused:
        inscription.request_access({**IDENTITY, "siret": DEMO_SIRET}, "Je suis \u202eDURAND", "u")
    assert refused.value.errors == {
        "message": "Ce champ contient des caractères de contrôle ou invisibles, qui ne sont pas acceptés."
    }
    assert PendingRequest.select().count() == 0


def test_passwords_with_control_characters_or_oversized_are_refused(db_engine):
    identity = inscription.check_identity(IDENTITY)
    for password, message in [("Cabinet\x00Arcturus-2026", "ni caractère de contrôle"),
                              ("Cabinet-Arcturus-\u200b2026", "ni caractère de contrôle"),
                              ("Aa1-" * 10_000, "Saisissez au plus 128 caractères.")]:
        with pytest.raises(Invalid) as refused:
            inscription.check_credentials(
                {**CREDENTIALS, "password": password, "confirmation": password}, identity
            )
        assert message in refused.value.errors["password"]


def test_request_access_needs_a_registered_siret(db_engine):
    with pytest.raises(Invalid) as refused:
        inscription.request_access(IDENTITY, "", "u")
    assert refused.value.errors == {
        "__all__": "Ce SIRET n'est pas inscrit sur le portail : poursuivez votre inscription."
    }


def test_register_sends_as_many_queries_for_two_declarations_as_for_all(db_engine):
    # Two, not one: a Valider on a single service reuses its journal entry's figures and runs fewer
    # statements (db/habilitations/events.py); what matters is that the count does not grow with them.
    every_code = [code for code, _ in inscription.declaration_choices()]
    with count_queries() as few:
        register(state_for(declarations=["DSN", "DPAE"]))
    other = {**IDENTITY, "siret": "10247606600018"}  # AGA, another active establishment
    with count_queries() as many:
        register(state_for(other, declarations=every_code))
    assert few() == many()
    assert FirmDeclaration.select().count() == 2 + len(every_code)
