"""Builders shared by the cross-cutting tests (tests/security): a second firm next to the demo firm,
built through the same db/ operations as the pages; a support agent; and the rows of the demo firm
that the portal's URLs carry (one per kind of id), so that a test can fill any rule's arguments."""
from types import SimpleNamespace

from db import clock
from db.accounts.firms import create_firm, new_user
from db.clients import composition, portfolios
from db.demo import DEMO_PASSWORD, DEMO_SIRET
from db.models import Company, Establishment, PendingRequest, Portfolio, User
from db.models.accounts import ROLE_ADMIN, ROLE_DECLARANT
from db.support import agents, assistance

OTHER_SIRET = "44306184100047"
OTHER_PASSWORD = "Cabinet-Voisin-2026"
AGENT_EMAIL = "agent@support.test"
AGENT_PASSWORD = "Bureau-Aide-2026"
AUBADE = "775695901"  # AUBADE PARIS, 2 active establishments in the bundled Sirene sample


def login_of(user, password):
    """The keyword arguments of tests.conftest.AuthActions.login for this person."""
    return {"siret": user.firm.siret, "nom": user.nom, "prenom": user.prenom, "password": password}


def second_firm(siret=OTHER_SIRET, name="CABINET VOISIN"):
    """Firm B: an administrator, a déclarant, a portfolio with one client (AUBADE PARIS) and its
    establishments. Returns SimpleNamespace(firm, admin, declarant, portfolio, company, establishment)."""
    now = clock.now()
    firm, admin = create_firm(siret, name, "1 rue du Voisin 75002 PARIS",
                              {"nom": "VOISIN", "prenom": "Agathe", "email": "agathe@voisin.test",
                               "email_validated_at": now}, OTHER_PASSWORD)
    declarant = new_user(firm, "VOISIN", "Bruno", "bruno@voisin.test", ROLE_DECLARANT, password=OTHER_PASSWORD,
                         email_validated_at=now)
    portfolio = portfolios.create_portfolio(admin, "CLIENTS VOISIN", "", [declarant.id])
    company = composition.add_company(admin, portfolio.id, AUBADE).company
    establishment = Establishment.select().where(Establishment.company == company.id).order_by(Establishment.siret).first()
    return SimpleNamespace(firm=firm, admin=admin, declarant=declarant, portfolio=portfolio, company=company,
                           establishment=establishment, password=OTHER_PASSWORD)


def demo_rows():
    """The demo firm's rows, one of each kind a URL names: a portfolio that is not the default one,
    a client company, one of its establishments, a déclarant, a pending request (cooptation of
    LEROY Sophie) and an assistance request sent from the firm. The demo firm must exist."""
    admin = User.get((User.nom == "MOUTIN") & (User.prenom == "Claire"))
    paul = User.get((User.firm == admin.firm_id) & (User.nom == "DURAND"))
    sophie = User.get((User.firm == admin.firm_id) & (User.nom == "LEROY"))
    portfolio = Portfolio.get((Portfolio.firm == admin.firm_id) & (Portfolio.name == "CLIENTS PME"))
    company = Company.select().where(Company.portfolio == portfolio.id).order_by(Company.siren).first()
    establishment = Establishment.select().where(Establishment.company == company.id).order_by(Establishment.siret).first()
    request = PendingRequest.create(firm=admin.firm_id, kind="cooptation", requester=sophie.id,
                                    requester_name=sophie.full_name, created_at=clock.now())
    help_request = assistance.submit({"motif": "Autre", "siret": DEMO_SIRET, "nom": "MOUTIN", "prenom": "Claire",
                                      "email": admin.email, "message": "Bonjour, une question sur les habilitations."})
    return SimpleNamespace(firm=admin.firm, admin=admin, declarant=paul, other_declarant=sophie,
                           portfolio=portfolio, company=company, establishment=establishment, request=request,
                           assistance_request=help_request, password=DEMO_PASSWORD)


def support_agent(email=AGENT_EMAIL, password=AGENT_PASSWORD):
    """A support agent (no firm); returns the login form's values."""
    agents.create_agent(email, "Lambert", "Paul", password)
    return {"email": email, "password": password}


def waiting_requests(rows):
    """Two more requests in Demande en attente of rows' firm: a temporary password asked by its
    déclarant, and an access request from someone new. Returns (password_request, access_request)."""
    person = rows.declarant
    password = PendingRequest.create(firm=rows.firm.id, kind="password", requester=person.id,
                                     requester_name=person.full_name, requester_email=person.email,
                                     message="Demande de génération d'un mot de passe (mot de passe oublié).")
    details = ("Nom : NOUVEAU\nPrénom : Jean\nTéléphone : 0123456789\nTéléphone portable : —\n"
               "Courriel : jean.nouveau@cabinet-demo.test")
    access = PendingRequest.create(firm=rows.firm.id, kind="access", requester_name="NOUVEAU Jean",
                                   requester_email="jean.nouveau@cabinet-demo.test", message=details)
    return password, access


def people_in_every_state(rows):
    """More people in rows' firm, so that every action of Gérer les déclarants is offered:
    a deactivated déclarant, a second administrator and a déclarant who has not activated yet."""
    now, firm = clock.now(), rows.firm
    return SimpleNamespace(
        inactive=new_user(firm, "ANCIEN", "Marc", "marc.ancien@cabinet-demo.test", ROLE_DECLARANT,
                          password=rows.password, email_validated_at=now, is_active=False),
        admin=new_user(firm, "ADJOINT", "Anne", "anne.adjoint@cabinet-demo.test", ROLE_ADMIN,
                       password=rows.password, email_validated_at=now),
        invited=new_user(firm, "INVITE", "Hugo", "hugo.invite@cabinet-demo.test", ROLE_DECLARANT),
    )
