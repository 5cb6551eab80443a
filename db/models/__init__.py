"""All tables of the portal. Import models from here: `from db.models import Firm, User`."""
from db.models.accounts import AccountToken, Firm, LoginAttempt, User
from db.models.catalogue import Declaration
from db.models.directory import DirectoryEstablishment, DirectoryUnit
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
    RightTally,
)
from db.models.records import (
    AssistanceRequest,
    AuditEvent,
    HabilitationChange,
    OutgoingMail,
    PendingRequest,
)

ALL_MODELS = [
    Firm,
    User,
    AccountToken,
    LoginAttempt,
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
    AuditEvent,
    HabilitationChange,
    OutgoingMail,
    PendingRequest,
    AssistanceRequest,
    DirectoryUnit,
    DirectoryEstablishment,
]

__all__ = [m.__name__ for m in ALL_MODELS] + ["ALL_MODELS"]
