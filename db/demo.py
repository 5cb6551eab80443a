"""The demo firm of the embedded default: an administrator, two déclarants, two portfolios,
a few clients from the bundled Sirene sample, declarations and habilitations.

Portfolios and clients go through the same operations as the pages (db/clients/portfolios.py,
db/clients/composition.py), so the demo is what an administrator would have built by hand.
Idempotent: when the demo firm exists, nothing is written.
"""
import datetime

from db import bulk, clock, counts
from db.accounts.firms import create_firm, new_user
from db.accounts.passwords import hash_answer
from db.clients.composition import add_company
from db.clients.portfolios import create_portfolio, set_declarants
from db.database import database
from db.models import (
    USER_DECLARATION_BOXES,
    USER_DECLARATION_RIGHTS,
    BoxTally,
    Declaration,
    Establishment,
    EstablishmentDeclaration,
    Firm,
    FirmDeclaration,
    Habilitation,
    Portfolio,
    PortfolioDeclaration,
    RightTally,
    cell_holders,
)
from db.models.accounts import ROLE_DECLARANT

DEMO_SIRET = "97785096500020"  # AG CONSEIL, siège: a real établissement of the bundled sample
DEMO_PASSWORD = "Demo-Portail-2026"
# Every demo account has this secret question, so "Mot de passe oublié" can be tried end to end.
DEMO_SECRET_QUESTION = "Dans quelle ville se trouve le cabinet ?"
DEMO_SECRET_ANSWER = "Laval"
DEMO_ADMIN = {"nom": "MOUTIN", "prenom": "Claire", "email": "claire.moutin@cabinet-demo.test"}
DEMO_DECLARANTS = [
    {"nom": "DURAND", "prenom": "Paul", "email": "paul.durand@cabinet-demo.test"},
    {"nom": "LEROY", "prenom": "Sophie", "email": "sophie.leroy@cabinet-demo.test"},
]
# portfolio name -> (SIRENs of its clients, declaration codes)
DEMO_PORTFOLIOS = {
    "Portefeuille par défaut": (["552032534", "414971929"], ["DSN", "DPAE"]),
    "CLIENTS PME": (["487444697", "400461356", "421782335"], ["DSN", "DPAE", "MCF_ELU"]),
}


def demo_logins():
    """(siret, nom, prénom, mot de passe, rôle) of every demo account, for the README and the CLI."""
    people = [(DEMO_ADMIN, "Administrateur")] + [(p, "Déclarant") for p in DEMO_DECLARANTS]
    return [(DEMO_SIRET, p["nom"], p["prenom"], DEMO_PASSWORD, role) for p, role in people]


def create_demo():
    """Create the demo firm; returns it, or None when it already exists."""
    if Firm.select().where(Firm.siret == DEMO_SIRET).exists():
        return None
    now = clock.now()
    secret = {"secret_question": DEMO_SECRET_QUESTION, "secret_answer_hash": hash_answer(DEMO_SECRET_ANSWER)}
    with database.atomic():
        firm, admin = create_firm(
            DEMO_SIRET, "AG CONSEIL (cabinet de démonstration)", "53000 LAVAL",
            {**DEMO_ADMIN, **secret, "phone": "0123456789", "email_validated_at": now}, DEMO_PASSWORD,
        )
        declarants = [
            new_user(firm, role=ROLE_DECLARANT, password=DEMO_PASSWORD, email_validated_at=now, **secret, **p)
            for p in DEMO_DECLARANTS
        ]
        codes = {d.code: d.id for d in Declaration.select()}
        FirmDeclaration.insert_many(
            [{"firm": firm.id, "declaration": codes[c]} for c in ("DSN", "SOLTEA_EMPLOYEURS")]
        ).execute()
        people = [u.id for u in [admin, *declarants]]
        for name, (sirens, decl_codes) in DEMO_PORTFOLIOS.items():
            portfolio = _portfolio(admin, name, people)
            PortfolioDeclaration.insert_many(
                [{"portfolio": portfolio.id, "declaration": codes[c]} for c in decl_codes]
            ).execute()
            for siren in sirens:
                add_company(admin, portfolio.id, siren)
        _grant_demo_habilitations(firm, declarants[0], now)
    return firm


def _portfolio(admin, name, people):
    """The default portfolio (created with the firm) or a new one, with all the firm's people."""
    existing = Portfolio.get_or_none((Portfolio.firm == admin.firm_id) & (Portfolio.name == name))
    if existing is None:
        return create_portfolio(admin, name, "", people)
    set_declarants(admin, existing.id, people)
    return existing


def _grant_demo_habilitations(firm, declarant, now):
    """Paul Durand may declare (and pay where it applies) the DSN of every client establishment,
    granted two days ago so that the rights are already usable."""
    granted = now - datetime.timedelta(days=2)
    dsn = Declaration.get(Declaration.code == "DSN")
    active_from = granted + datetime.timedelta(hours=dsn.access_delay_hours)
    establishments = (
        Establishment.select(Establishment.id)
        .join(EstablishmentDeclaration)
        .where((Establishment.firm == firm.id) & (EstablishmentDeclaration.declaration == dsn.id))
    )
    rows = [
        {
            "user": declarant.id, "establishment": e.id, "declaration": dsn.id,
            "declare": True, "granted_at": granted, "active_from": active_from,
            "pay": True, "pay_granted_at": granted, "pay_active_from": active_from,
        }
        for e in establishments
    ]
    bulk.insert_rows(Habilitation, rows)
    counts.recount(USER_DECLARATION_RIGHTS,
                   (RightTally.user == declarant.id) & (RightTally.declaration == dsn.id))
    counts.recount(USER_DECLARATION_BOXES, (BoxTally.user == declarant.id) & (BoxTally.declaration == dsn.id))
    cell_holders.recount_cells(EstablishmentDeclaration.declaration == dsn.id)
