"""The ticked boxes of the habilitation grid, counted per user × declaration × company.

The matrix grid's column tick box shows whether every box of its column is ticked over every
result (9,000 establishments and more): it reads this tally instead of summing the habilitations
on every view. One row per user × declaration × company × box state (Déclarer, Payer) held, with
the number of habilitations in that state; rows exist only where that number is not zero. Kept
(db/counts.py) by every write of habilitations, next to the tiles' tally (USER_DECLARATION_RIGHTS):
Valider (db/habilitations/writes.py) and db/clients/writes.delete_habilitations add to it the rows
they change (counts.add_to_tally with box_deltas), so that its cost follows the rows written.
"""
from peewee import SQL, BooleanField, ForeignKeyField, IntegerField, fn

from db.counts import Counter
from db.database import BaseModel
from db.models.accounts import User
from db.models.catalogue import Declaration
from db.models.portfolio import Company, Establishment, Habilitation


class BoxTally(BaseModel):
    user = ForeignKeyField(User, on_delete="CASCADE", index=False)  # leads the unique index (migration 0800)
    declaration = ForeignKeyField(Declaration, on_delete="CASCADE")
    company = ForeignKeyField(Company, on_delete="CASCADE")
    declare = BooleanField()
    pay = BooleanField()
    habilitations = IntegerField(default=0)

    class Meta:
        indexes = ((("user", "declaration", "company", "declare", "pay"), True),)


def pay_box(habilitation=Habilitation):
    """SQL: the Payer box as the grid shows it (only where the declaration carries Payer), so that a
    write can derive the tally's changes from its journal lines, whose bits say the same."""
    return habilitation.pay & Declaration.has_payment


def box_deltas(sign, condition):
    """SQL: the tally's rows of the habilitations matching condition, each counted +1 (sign 1) or -1
    (sign -1): what a write adds once they are written, or takes away before they change."""
    h = Habilitation
    return (h.select(h.user, h.declaration, Establishment.company, h.declare, pay_box(),
                     fn.COUNT(h.id) * sign)
            .join(Establishment, on=(h.establishment == Establishment.id))
            .switch(h).join(Declaration, on=(h.declaration == Declaration.id))
            .where(condition & (h.declare | pay_box()))
            .group_by(h.user, h.declaration, Establishment.company, h.declare, pay_box()))


USER_DECLARATION_BOXES = Counter(
    "user_declaration_company.boxes", BoxTally.habilitations, lambda: box_deltas(1, SQL("1 = 1")),
    source={BoxTally.user: Habilitation.user, BoxTally.declaration: Habilitation.declaration,
            BoxTally.company: Establishment.company, BoxTally.declare: Habilitation.declare,
            BoxTally.pay: pay_box()},
)
