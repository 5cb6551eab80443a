"""Habilitations written directly, and the grid's cells as the tests name them."""
import datetime

from peewee import chunked

from db import clock, counts
from db.models import (
    USER_DECLARATION_BOXES,
    USER_DECLARATION_RIGHTS,
    BoxTally,
    Establishment,
    EstablishmentDeclaration,
    Habilitation,
    RightTally,
)
from db.models.cell_holders import recount_cells
from tests.factories.declarations import declaration


def grant(user, establishments, code="DSN", declare=True, pay=False, at=None):
    """Habilitations of user on establishments for the declaration, granted at `at` (now by default)
    and usable after the declaration's access delay."""
    d = declaration(code)
    at = at or clock.now()
    active = at + datetime.timedelta(hours=d.access_delay_hours)
    rows = [
        {"user": user.id, "establishment": e.id, "declaration": d.id, "declare": declare, "pay": pay,
         "granted_at": at if declare else None, "active_from": active if declare else None,
         "pay_granted_at": at if pay else None, "pay_active_from": active if pay else None}
        for e in establishments
    ]
    for batch in chunked(rows, 500):
        Habilitation.insert_many(batch).execute()
    counts.recount(USER_DECLARATION_RIGHTS, (RightTally.user == user.id) & (RightTally.declaration == d.id))
    counts.recount(USER_DECLARATION_BOXES, (BoxTally.user == user.id) & (BoxTally.declaration == d.id))
    recount_cells(EstablishmentDeclaration.establishment.in_([e.id for e in establishments])
                  & (EstablishmentDeclaration.declaration == d.id))


def establishments(company):
    return list(
        Establishment.select().where(Establishment.company == company.id).order_by(Establishment.siret)
    )


def key(establishment, code, user):
    """The grid's key of a cell: establishment, declaration, person."""
    return f"{establishment.id}-{declaration(code).id}-{user.id}"


def habilitation(establishment, code, user):
    return Habilitation.get_or_none(
        (Habilitation.establishment == establishment.id) & (Habilitation.declaration == declaration(code).id)
        & (Habilitation.user == user.id)
    )
