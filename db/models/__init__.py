"""All tables of the portal. Import models from here: `from db.models import Firm, User`."""
from db.models.accounts import AccountToken, Firm, LoginAttempt, RecoveryCode, User, UserSession
from db.models.catalogue import Declaration
from db.models.directory import DirectoryEstablishment, DirectoryUnit
from db.models.firm_space import BulkImport, InscriptionDraft, Notification, NotificationMail
from db.models.portfolio import (
    Company,
    CompanyDeclaration,
    Establishment,
    EstablishmentDeclaration,
    FirmDeclaration,
    Habilitation,
    Portfolio,
    PortfolioDeclarant,
    PortfolioDeclaration,
)
from db.models.records import AssistanceRequest, AuditEvent, OutgoingMail, PendingRequest, RateEvent

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
    AuditEvent,
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
]

__all__ = [m.__name__ for m in ALL_MODELS] + ["ALL_MODELS"]
