"""The administrator's dashboard on the Menu personnalisé: the firm's counts, the rights becoming usable in
the next 24 hours, and what to do next when something is still empty.

Every figure is a maintained count (Portfolio.company_count, Firm.pending_request_count) or one grouped
query scoped to the acting administrator's firm: the page costs the same for 3 or 30,000 companies."""
import datetime
from dataclasses import dataclass, field

from peewee import fn

from db import clock
from db.access import require_admin
from db.habilitations import review
from db.models import Establishment, Firm, Habilitation, Portfolio, User
from db.notifications import rights_ending

SOON = datetime.timedelta(hours=24)


@dataclass
class Dashboard:
    portfolios: int
    companies: int
    establishments: int
    people: int
    pending_requests: int
    soon_count: int = 0  # rights (Déclarer) becoming usable in the next 24 hours
    soon: list = field(default_factory=list)  # [(moment they become usable, how many)], the first 5
    review_due: int = 0  # people whose rights' review is due (Revue des habilitations)
    review_people: int = 0


def dashboard(actor, review_months=review.DEFAULT_MONTHS):
    """The counts of the actor's firm (administrators only), and its review status. Reading it tells
    the administrators of rights ending within 7 days, if not told yet (rights_ending)."""
    require_admin(actor)
    rights_ending.announce(actor)
    firm = actor.firm_id
    portfolios, companies, establishments = (
        Portfolio.select(fn.COUNT(Portfolio.id), fn.COALESCE(fn.SUM(Portfolio.company_count), 0),
                         fn.COALESCE(fn.SUM(Portfolio.establishment_count), 0))
        .where(Portfolio.firm == firm).tuples().get()
    )
    people = User.select().where(User.firm == firm).count()
    pending = Firm.select(Firm.pending_request_count).where(Firm.id == firm).scalar() or 0
    now = clock.now()
    coming = (Habilitation.select(Habilitation.active_from, fn.COUNT(Habilitation.id)).join(Establishment)
              .where(Establishment.firm == firm, Habilitation.declare == True,  # noqa: E712 - SQL
                     Habilitation.active_from > now, Habilitation.active_from <= now + SOON)
              .group_by(Habilitation.active_from).order_by(Habilitation.active_from))
    soon = list(coming.tuples())
    return Dashboard(portfolios, int(companies), int(establishments), people, pending,
                     sum(count for _, count in soon), soon[:5], *review.status(actor, review_months))
