"""What journal lines (habilitation_change: a cell's boxes before → after, as bits 1 Déclarer, 2 Payer) do
to the habilitations and to the grid's tally, in SQL, from any relation of lines: the lines an event
stored (writes.py reads them back), or the rows a single « Tout (dé)cocher » is writing as its lines in
the same statement (single_bulk.py). select: the relation's select; lines: its columns by the lines'
names (user_id, establishment_id, declaration_id, before, after, active_from, active_until)."""
from peewee import EXCLUDED, SQL, Case, Select, Value, fn

from db.models import Company, Habilitation, HabilitationChange

H = Habilitation
HC = HabilitationChange
LINE_FIELDS = (HC.event, HC.establishment_id, HC.declaration_id, HC.user_id, HC.siret, HC.before, HC.after,
               HC.active_from, HC.active_until)  # a journal line's columns, in the order lines are written


def keep_upsert(select, lines, where, now):
    """The habilitations of the lines that leave a box (where: which lines, after != 0 among them):
    kept boxes keep their dates, granted ones get now and their start. A cell where a box is granted
    takes the line's end (« jusqu'au », or none); a cell that only loses a box keeps its end."""
    declare, pay = lines.after.bin_and(1) != 0, lines.after.bin_and(2) != 0
    keeps = select(
        lines.user_id, lines.establishment_id, lines.declaration_id,
        declare, Case(None, [(declare, Value(now))], None), Case(None, [(declare, lines.active_from)], None),
        pay, Case(None, [(pay, Value(now))], None), Case(None, [(pay, lines.active_from)], None),
        lines.active_until,
    ).where(where)

    def kept(box, moment):
        """The moment stays when the box does not change, else it takes the new one."""
        incoming = getattr(EXCLUDED, moment.column_name)
        return Case(None, [(box == getattr(EXCLUDED, box.column_name), moment)], incoming)

    fields = [H.user, H.establishment, H.declaration, H.declare, H.granted_at, H.active_from, H.pay,
              H.pay_granted_at, H.pay_active_from, H.active_until]
    # A line grants a box exactly when it carries a start (HC.active_from), kept on the box it grants.
    granting = EXCLUDED.active_from.is_null(False) | EXCLUDED.pay_active_from.is_null(False)
    return H.insert_from(keeps, fields).as_rowcount().on_conflict(
        conflict_target=[H.establishment, H.declaration, H.user],
        update={
            H.granted_at: kept(H.declare, H.granted_at), H.active_from: kept(H.declare, H.active_from),
            H.pay_granted_at: kept(H.pay, H.pay_granted_at),
            H.pay_active_from: kept(H.pay, H.pay_active_from),
            H.declare: EXCLUDED.declare, H.pay: EXCLUDED.pay,
            H.active_until: Case(None, [(granting, EXCLUDED.active_until)], H.active_until),
        },
    )


def stored_line_groups(event):
    """SQL (a CTE): the event's stored lines grouped once by tally key and boxes before → after, with
    their company. A line's company is found by its SIREN (a SIRET's first 9 digits, unique in the
    firm) once per group, not per line: joining each line to its establishment read the whole
    establishment table (a hash of 69,000 rows on PostgreSQL for a column tick of 9,000 lines)."""
    siren = fn.SUBSTR(HC.siret, 1, 9)
    per_siren = (HC.select(HC.user_id, HC.declaration_id, siren.alias("siren"), HC.before, HC.after,
                           fn.COUNT(SQL("*")).alias("n"))
                 .where(HC.event == event.id)
                 .group_by(HC.user_id, HC.declaration_id, siren, HC.before, HC.after)
                 .alias("per_siren"))
    return (Select([per_siren], [per_siren.c.user_id, per_siren.c.declaration_id,
                                 Company.id.alias("company_id"), per_siren.c.before, per_siren.c.after,
                                 per_siren.c.n])
            .join(Company, on=(Company.firm == event.firm_id) & (Company.siren == per_siren.c.siren))
            .cte("line_groups"))


def box_deltas(groups):
    """SQL: the grid's tally deltas of line groups (a CTE of user_id, declaration_id, company_id,
    before, after, n): each group counted -n for the boxes it had and +n for those it gets, summed by
    tally key. No habilitation is read."""
    def side(bits, sign):
        return Select([groups], [groups.c.user_id, groups.c.declaration_id, groups.c.company_id,
                                 bits.alias("bits"), (groups.c.n * sign).alias("delta")]).where(bits != 0)
    both = (side(groups.c.before, -1) + side(groups.c.after, 1)).alias("deltas")
    keys = (both.c.user_id, both.c.declaration_id, both.c.company_id, both.c.bits.bin_and(1) != 0,
            both.c.bits.bin_and(2) != 0)
    return Select([both], [*keys, fn.SUM(both.c.delta)]).group_by(*keys).with_cte(groups)
