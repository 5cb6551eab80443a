"""How many people hold Déclarer, and Payer, on each establishment × declaration (EstablishmentDeclaration
.declarers / .payers): the Couverture reads the cells nobody or one person may act on from these counts
and their indexes, instead of counting the holders of every cell of a 60,000-establishment portfolio.

The counts take every habilitation with the box ticked, whatever its dates and its holder; the page
takes away at read time the few that do not count now (not started, ended, holder deactivated). Kept
(db/counts.py) by every write of habilitations in its transaction: Valider from its journal lines
(line_deltas), db/clients/writes.delete_habilitations from the rows it deletes (row_deltas), and every
insertion of EstablishmentDeclaration rows recounts them (recount_cells)."""
from peewee import Case, fn

from db import counts
from db.counts import Counter
from db.models.box_tally import pay_box
from db.models.catalogue import Declaration
from db.models.portfolio import Establishment, EstablishmentDeclaration, Habilitation
from db.models.records import HabilitationChange

ED = EstablishmentDeclaration


def _holders(ticked):
    h = Habilitation
    return (h.select(fn.COUNT(h.id)).join(Declaration, on=(h.declaration == Declaration.id))
            .where((h.establishment == ED.establishment) & (h.declaration == ED.declaration) & ticked))


CELL_DECLARERS = Counter("establishment_declaration.declarers", ED.declarers,
                         lambda: _holders(Habilitation.declare))
CELL_PAYERS = Counter("establishment_declaration.payers", ED.payers, lambda: _holders(pay_box()))
KEYS = (ED.establishment, ED.declaration)


def _one(condition, sign):
    return fn.SUM(Case(None, [(condition, sign)], 0))


def line_deltas(event_id):
    """SQL: each cell's change of holders from the event's journal lines (bit 1 Déclarer, bit 2 Payer)."""
    hc = HabilitationChange
    before, after = hc.before, hc.after
    return (hc.select(hc.establishment_id.alias("establishment_id"),
                      hc.declaration_id.alias("declaration_id"),
                      (_one(after.bin_and(1) != 0, 1) - _one(before.bin_and(1) != 0, 1)).alias("declarers"),
                      (_one(after.bin_and(2) != 0, 1) - _one(before.bin_and(2) != 0, 1)).alias("payers"))
            .where(hc.event == event_id)
            .group_by(hc.establishment_id, hc.declaration_id))


def row_deltas(condition):
    """SQL: each cell's holders lost when the habilitations matching condition are deleted."""
    h = Habilitation
    return (h.select(h.establishment.alias("establishment_id"), h.declaration.alias("declaration_id"),
                     _one(h.declare, -1).alias("declarers"), _one(pay_box(), -1).alias("payers"))
            .join(Establishment, on=(h.establishment == Establishment.id))
            .switch(h).join(Declaration, on=(h.declaration == Declaration.id))
            .where(condition)
            .group_by(h.establishment, h.declaration))


def add_deltas(deltas):
    """Add the deltas (line_deltas or row_deltas) to the cells, set-based, in the caller's transaction."""
    counts.add_joined(deltas, KEYS, (CELL_DECLARERS, CELL_PAYERS))


def recount_cells(where):
    """Recount the cells matching where (a condition on EstablishmentDeclaration): after inserting them,
    since habilitations may already exist on a cell whose declaration was deselected then selected."""
    counts.recount(CELL_DECLARERS, where)
    counts.recount(CELL_PAYERS, where)
