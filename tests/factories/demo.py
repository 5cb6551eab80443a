"""The demo firm's rows that the portal's URLs name (one per kind of id), and more of them, so that
the cross-cutting tests (tests/security) can fill any rule's arguments and reach every action."""
from types import SimpleNamespace

from db import clock
from db.accounts.firms import new_user
from db.demo import DEMO_PASSWORD, DEMO_SIRET
from db.models import AuditEvent, BulkImport, Company, Establishment, Notification, PendingRequest, Portfolio
from db.models.accounts import ROLE_ADMIN, ROLE_DECLARANT
from db.models.watch import MOVED, SireneChange, SireneReport
from db.support import assistance
from tests.factories.people import demo_user


def login_of(user, password):
    """The keyword arguments of tests.conftest.AuthActions.login for this person."""
    return {"siret": user.firm.siret, "nom": user.nom, "prenom": user.prenom, "password": password}


def demo_rows():
    """The demo firm's rows, one of each kind a URL names: a portfolio that is not the default one,
    a client company, one of its establishments, a déclarant, a pending request (cooptation of
    LEROY Sophie) and an assistance request sent from the firm. The demo firm must exist."""
    admin, paul, sophie = demo_user("MOUTIN"), demo_user("DURAND"), demo_user("LEROY")
    portfolio = Portfolio.get((Portfolio.firm == admin.firm_id) & (Portfolio.name == "CLIENTS PME"))
    company = Company.select().where(Company.portfolio == portfolio.id).order_by(Company.siren).first()
    establishment = (
        Establishment.select()
        .where(Establishment.company == company.id)
        .order_by(Establishment.siret)
        .first()
    )
    request = PendingRequest.create(firm=admin.firm_id, kind="cooptation", requester=sophie.id,
                                    requester_name=sophie.full_name, created_at=clock.now())
    help_request = assistance.submit(
        {
            "motif": "Autre",
            "siret": DEMO_SIRET,
            "nom": "MOUTIN",
            "prenom": "Claire",
            "email": admin.email,
            "message": "Bonjour, une question sur les habilitations.",
        }
    )
    now = clock.now()
    bulk_import = BulkImport.create(firm=admin.firm_id, actor=admin.id, actor_name=admin.full_name,
                                    filename="lot.csv", created_at=now, applied_at=now, status="OK", lines=1,
                                    lines_ok=1, report="Ligne;Résultat;Détail\r\n2;OK;rien à modifier\r\n")
    notice = Notification.create(firm=admin.firm_id, user=paul.id, kind="habilitations_granted",
                                 text="MOUTIN Claire vous a accordé 1 habilitation (DSN).", created_at=now,
                                 expires_at=now.replace(year=now.year + 1))
    event = AuditEvent.create(firm=admin.firm_id, actor=admin.id, actor_name=admin.full_name, at=now,
                              action="habilitation.grant", object_type="Habilitation", line_count=0,
                              summary="1 habilitation accordée à DURAND Paul")
    report = SireneReport.create(firm=admin.firm_id, created_at=now, change_count=1)
    change = SireneChange.create(firm=admin.firm_id, report=report.id, company=company.id, kind=MOVED,
                                 siret=establishment.siret, before=establishment.address,
                                 after="1 RUE NOUVELLE 53000 LAVAL", key=f"{company.id}:moved:demo")
    return SimpleNamespace(firm=admin.firm, admin=admin, declarant=paul, other_declarant=sophie,
                           portfolio=portfolio, company=company, establishment=establishment, request=request,
                           assistance_request=help_request, bulk_import=bulk_import, notification=notice,
                           audit_event=event, sirene_change=change, password=DEMO_PASSWORD)


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
