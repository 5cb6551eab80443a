"""The current state of cells named one by one (ticks, imported lines, conflicts), read by index.

A join of every cell with a list of (establishment, declaration, user) triples is slow on large
firms, so the cells are put together from a few indexed reads per IDS_PER_QUERY establishments: the
establishments (firm-scoped) with their portfolio, the declarations selected for them, the
portfolio's people, and the Habilitation rows. A key that is not a cell of the firm is left out.
"""
from peewee import chunked

from db.bulk import IDS_PER_QUERY
from db.database import database
from db.models import (
    Company,
    Declaration,
    Establishment,
    EstablishmentDeclaration,
    Habilitation,
    PortfolioDeclarant,
    User,
)


def load(firm_id, keys):
    """{(establishment, declaration, user): row} for the keys that are cells of the firm; a row
    has the columns of criteria.CELL_COLUMNS."""
    keys = set(keys)
    if not keys:
        return {}
    users = {
        u[0]: u for u in User.select(User.id, User.nom, User.prenom)
        .where(User.id.in_(sorted({k[2] for k in keys})) & (User.firm == firm_id) & User.is_active).tuples()
    }
    declarations = {
        d[0]: d for d in Declaration.select(
            Declaration.id, Declaration.code, Declaration.label, Declaration.has_payment,
            Declaration.access_delay_hours,
        ).where(Declaration.is_active).tuples()
    }
    found = {}
    for batch in chunked(sorted({k[0] for k in keys}), IDS_PER_QUERY):
        found.update(_batch(firm_id, batch, keys, users, declarations))
    return found


def _batch(firm_id, establishment_ids, keys, users, declarations):
    places = {
        e[0]: e for e in Establishment.select(Establishment.id, Establishment.siret, Establishment.name,
                                              Company.portfolio)
        .join(Company, on=(Establishment.company == Company.id))
        .where(Establishment.id.in_(establishment_ids) & (Establishment.firm == firm_id)).tuples()
    }
    if not places:
        return {}
    selected = set(
        EstablishmentDeclaration.select(
            EstablishmentDeclaration.establishment, EstablishmentDeclaration.declaration
        )
        .where(EstablishmentDeclaration.establishment.in_(list(places)))
        .tuples()
    )
    members = set(
        PortfolioDeclarant.select(PortfolioDeclarant.portfolio, PortfolioDeclarant.user)
        .where(PortfolioDeclarant.portfolio.in_(sorted({p[3] for p in places.values()}))
               & PortfolioDeclarant.user.in_(list(users))).tuples()
    ) if users else set()
    rights = Habilitation.select(
        Habilitation.id, Habilitation.establishment, Habilitation.declaration, Habilitation.user,
        Habilitation.declare, Habilitation.pay,
    ).where(Habilitation.establishment.in_(list(places)) & Habilitation.user.in_(list(users)))
    # Raw rows: an establishment may carry hundreds of rights; booleans are read with bool() later.
    held = (
        {(e, d, u): (h, declare, pay) for h, e, d, u, declare, pay in database.execute(rights).fetchall()}
        if users
        else {}
    )
    rows = {}
    for key in keys:
        e, d, u = key
        place = places.get(e)
        if place is None or u not in users or d not in declarations:
            continue
        if (e, d) not in selected or (place[3], u) not in members:
            continue
        h_id, declare, pay = held.get(key, (None, None, None))
        rows[key] = (e, place[1], place[2], *declarations[d], u, users[u][1], users[u][2], h_id, declare, pay)
    return rows
