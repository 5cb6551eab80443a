"""« Modifier la date de fin »: change the end (« jusqu'au ») of the rights a person already holds
within the grid's search, without unticking and ticking them again (which would restart the access
delay): active_from stays, only active_until moves.

Held rights are the person's habilitation rows with a box ticked and not ended yet (an ended right is
kept for the journal; giving it back goes through the grid and its delay). One set-based UPDATE,
the tiles' tally (RightTally, keyed on the end) recounted for the person and services changed, one
journal entry. The cells' holders and the Couverture's gaps count ticked boxes whatever their
dates: an end leaves them as they are."""
import datetime
from dataclasses import dataclass

from peewee import fn

from db import audit, clock, counts
from db.access import require_admin
from db.database import database
from db.errors import Invalid
from db.habilitations.criteria import Criteria, scoped
from db.habilitations.criteria import parse as parse_criteria
from db.habilitations.edits import parse_until
from db.models import (
    Company,
    Declaration,
    Establishment,
    EstablishmentDeclaration,
    Habilitation,
    RightTally,
    User,
)
from db.models.portfolio import USER_DECLARATION_RIGHTS

ACTION = "habilitation.end"
NO_PERSON = "Choisissez un déclarant dans la recherche pour modifier la date de fin de ses habilitations."
CHANGED = ("Les habilitations de la personne ont changé depuis l’affichage du nombre\u202f: "
           "vérifiez le nouveau nombre, puis confirmez.")


@dataclass
class EndState:
    criteria: Criteria
    person: User
    held: int  # the person's rights within the search that the new end applies to


def _person(actor, criteria):
    """The one person the search chose (a déclarant or an administrator), else Invalid."""
    if len(criteria.picked) != 1:
        raise Invalid({"until": NO_PERSON})
    return User.get((User.id == criteria.picked[0]) & (User.firm == actor.firm_id))


def _held_ids(criteria, person, now):
    """SQL: ids of the person's rights held now or later within the search's establishments × services,
    read from the person's rights (their index), not from the search's cells (every person's)."""
    ED, H = EstablishmentDeclaration, Habilitation
    query = (H.select(H.id)
             .join(ED, on=((ED.establishment == H.establishment) & (ED.declaration == H.declaration)))
             .join(Establishment, on=(H.establishment == Establishment.id))
             .join(Company, on=(Establishment.company == Company.id))
             .switch(H).join(Declaration, on=(H.declaration == Declaration.id))
             .where((H.user == person.id) & (H.declare | H.pay) & (Establishment.firm == criteria.firm_id)
                    & Declaration.is_active & (H.active_until.is_null() | (H.active_until > now))))
    return scoped(query, criteria, H.declaration)


def end_preview(actor, args):
    """How many of the chosen person's held rights the search covers (nothing written)."""
    require_admin(actor)
    criteria = parse_criteria(actor, args, with_paging=False)
    person = _person(actor, criteria)
    held = _held_ids(criteria, person, clock.now()).count()
    return EndState(criteria, person, held)


def change_end(actor, args, until_text, expected):
    """Set the end of the rights end_preview counted to « jusqu'au » (empty: no end), in one
    transaction; Invalid when the count confirmed is no longer the count."""
    require_admin(actor)
    criteria = parse_criteria(actor, args, with_paging=False)
    person = _person(actor, criteria)
    until = parse_until(until_text)
    now = clock.now()
    with database.atomic():
        held_ids = _held_ids(criteria, person, now)
        per_service = dict(held_ids.select(Habilitation.declaration, fn.COUNT(Habilitation.id))
                           .group_by(Habilitation.declaration).tuples())
        held, services = sum(per_service.values()), sorted(per_service)
        if str(held) != str(expected).strip():
            raise Invalid({"until": CHANGED})
        Habilitation.update(active_until=until).where(Habilitation.id.in_(held_ids)).execute()
        # the tally is keyed on the end and has no unique index on its keys (the end may be NULL):
        # recounted as Valider does, for the person and the services changed
        counts.recount(USER_DECLARATION_RIGHTS,
                       (RightTally.user == person.id) & RightTally.declaration.in_(services or [0]))
        day = clock.datetime_fr(until - datetime.timedelta(hours=1), False) if until else ""
        end = f"jusqu’au {day}" if until else "sans date de fin"
        audit.record(actor, ACTION, f"Date de fin modifiée pour {held} habilitation"
                     f"{'s' if held > 1 else ''} de {person.full_name} : {end}", obj=person)
    return EndState(criteria, person, held)
