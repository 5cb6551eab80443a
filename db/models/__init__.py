"""All tables of the portal, and the maintained counts declared next to them (db/counts.py).
Import models from here: `from db.models import Firm, User`."""
from db.models.accounts import AccountToken, Firm, LoginAttempt, RecoveryCode, User, UserSession
from db.models.box_tally import USER_DECLARATION_BOXES, BoxTally
from db.models.catalogue import Declaration
from db.models.cell_holders import CELL_DECLARERS, CELL_PAYERS
from db.models.coverage_gaps import (
    DECLARE_GAPS,
    PAY_GAPS,
    PORTFOLIO_DECLARE_GAPS,
    PORTFOLIO_PAY_GAPS,
    DeclareGaps,
    PayGaps,
    PortfolioDeclareGaps,
    PortfolioPayGaps,
)
from db.models.directory import DirectoryEstablishment, DirectoryUnit
from db.models.firm_space import (
    USER_UNREAD_NOTICES,
    BulkImport,
    InscriptionDraft,
    Notification,
    NotificationMail,
    RightEndNotice,
)
from db.models.portfolio import (
    COMPANY_DECLARATION_ESTABLISHMENTS,
    COMPANY_ESTABLISHMENTS,
    PORTFOLIO_COMPANIES,
    PORTFOLIO_ESTABLISHMENTS,
    USER_DECLARATION_RIGHTS,
    Company,
    CompanyDeclaration,
    Establishment,
    EstablishmentDeclaration,
    FirmDeclaration,
    Habilitation,
    Portfolio,
    PortfolioDeclarant,
    PortfolioDeclaration,
    RightTally,
)
from db.models.records import (
    FIRM_PENDING_REQUESTS,
    AssistanceRequest,
    AuditEvent,
    EventPerson,
    HabilitationChange,
    OutgoingMail,
    PendingRequest,
    RateEvent,
)
from db.models.watch import RemovedEstablishment, SireneChange, SireneReport

ALL_MODELS = [
    Firm,
    User,
    AccountToken,
    LoginAttempt,
    UserSession,
    RecoveryCode,
    Declaration,
    FirmDeclaration,
    Portfolio,
    PortfolioDeclarant,
    PortfolioDeclaration,
    Company,
    CompanyDeclaration,
    Establishment,
    EstablishmentDeclaration,
    Habilitation,
    RightTally,
    BoxTally,
    DeclareGaps,
    PayGaps,
    PortfolioDeclareGaps,
    PortfolioPayGaps,
    AuditEvent,
    HabilitationChange,
    EventPerson,
    OutgoingMail,
    PendingRequest,
    AssistanceRequest,
    RateEvent,
    DirectoryUnit,
    DirectoryEstablishment,
    InscriptionDraft,
    Notification,
    NotificationMail,
    BulkImport,
    RightEndNotice,
    SireneReport,
    SireneChange,
    RemovedEstablishment,
]

__all__ = [m.__name__ for m in ALL_MODELS] + [
    "ALL_MODELS", "FIRM_PENDING_REQUESTS", "PORTFOLIO_COMPANIES", "PORTFOLIO_ESTABLISHMENTS",
    "USER_UNREAD_NOTICES",
    "COMPANY_ESTABLISHMENTS", "COMPANY_DECLARATION_ESTABLISHMENTS", "USER_DECLARATION_RIGHTS",
    "USER_DECLARATION_BOXES", "CELL_DECLARERS", "CELL_PAYERS",
    "DECLARE_GAPS", "PAY_GAPS", "PORTFOLIO_DECLARE_GAPS", "PORTFOLIO_PAY_GAPS",
]
