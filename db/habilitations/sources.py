"""Where pending edits find their cells, in SQL: the cells a "Tout (dé)cocher" or a column tick
changes, the cells a copy changes, the cells named one by one (checked to be the firm's), and how a
cell is told in a list or a conflict. changes.plan() counts them, writes.apply() writes them
(INSERT … SELECT), both from the same queries.
"""
from dataclasses import dataclass

from peewee import JOIN, Case, chunked, fn

from db.bulk import IDS_PER_QUERY
from db.database import database
from db.errors import Conflict, NotFound
from db.habilitations import cells
from db.habilitations.criteria import CELL_COLUMNS, cells_query, coalesce_false, for_service, pairs_query
from db.habilitations.edits import DECLARE, PAY
from db.identifiers import format_siret
from db.models import Company, Declaration, Establishment, EstablishmentDeclaration, Habilitation, User

CONFLICT = (
    "Ces habilitations ont été modifiées par un autre administrateur depuis l'affichage de la grille : "
    "rien n'a été enregistré. La grille est rechargée avec leurs valeurs actuelles ; vérifiez-les, "
    "puis cliquez de nouveau sur « Valider » pour appliquer vos modifications."
)
GONE = "n'est plus proposée (déclaration ou déclarant retiré entre-temps)"
BITS = {DECLARE: 1, PAY: 2}  # how a cell's boxes are stored in the journal's lines


@dataclass(slots=True)
class CellChange:
    key: tuple
    siret: str
    establishment: str
    code: str
    label: str
    has_payment: bool
    delay_hours: int
    person: str
    habilitation_id: int
    before: tuple  # (declare, pay)
    after: list

    @property
    def added(self):
        return sum(1 for b, a in zip(self.before, self.after, strict=True) if a and not b)

    @property
    def removed(self):
        return sum(1 for b, a in zip(self.before, self.after, strict=True) if b and not a)

    @property
    def what(self):
        """ "Déclarer ajouté, Payer retiré": the boxes that change."""
        return ", ".join(
            f"{name} {'ajouté' if self.after[i] else 'retiré'}"
            for i, name in enumerate(("Déclarer", "Payer")) if self.before[i] != self.after[i]
        )


def change_of(row):
    """A CellChange from a row of CELL_COLUMNS (its boxes as they are)."""
    e_id, siret, name, d_id, code, label, has_payment, delay, u_id, nom, prenom, h_id, declare, pay = row[:14]
    before = (bool(declare), bool(pay) and bool(has_payment))
    return CellChange(
        (e_id, d_id, u_id), siret, name, code, label, bool(has_payment), delay, f"{nom.upper()} {prenom}",
        h_id, before, list(before),
    )


def raw(query):
    """The query's rows as the driver returns them (no per-value conversion)."""
    return database.execute(query).fetchall()


def scoped(criteria, declarations, service_id):
    """The criteria of a bulk edit: all their services (service_id None) or one of them."""
    return criteria if service_id is None else for_service(criteria, declarations[service_id])


def box(column):
    return Habilitation.declare if column == DECLARE else Habilitation.pay


def bulk_rows(criteria, column, value, *columns):
    """Cells of the criteria whose box of column is not value yet (Payer: where it exists)."""
    query = cells_query(criteria, *(columns or CELL_COLUMNS)).where(coalesce_false(box(column)) != value)
    return query.where(Declaration.has_payment) if column == PAY else query


def bits_before():
    """SQL: a cell's boxes as bits (1 Déclarer, 2 Payer where the declaration carries it)."""
    declare = Case(None, [(coalesce_false(Habilitation.declare), 1)], 0)
    pay = Case(None, [(coalesce_false(Habilitation.pay) & Declaration.has_payment, 2)], 0)
    return declare + pay


def copy_rows(criteria, target, source, select=None):
    """Cells of the target whose boxes differ from the source's on the same establishment and
    service. select(theirs) gives the columns (theirs: the source's Habilitation); by default
    CELL_COLUMNS then the source's two boxes."""
    theirs = Habilitation.alias("theirs")
    wanted = select(theirs) if select else (*CELL_COLUMNS, theirs.declare, theirs.pay)
    query = cells_query(criteria, *wanted, user_ids=[target]).join(
        theirs, on=(
            (theirs.establishment == EstablishmentDeclaration.establishment)
            & (theirs.declaration == EstablishmentDeclaration.declaration)
            & (theirs.user == source)
        ), join_type=JOIN.LEFT_OUTER,
    )
    differs = (coalesce_false(Habilitation.declare) != coalesce_false(theirs.declare)) | (
        Declaration.has_payment & (coalesce_false(Habilitation.pay) != coalesce_false(theirs.pay))
    )
    return query.where(differs)


def not_copied(criteria, target, source):
    """Rights of the source on cells where the target is not a déclarant of the portfolio."""
    from db.models import PortfolioDeclarant

    offered = PortfolioDeclarant.select().where(
        (PortfolioDeclarant.portfolio == Company.portfolio) & (PortfolioDeclarant.user == target)
    )
    return (
        pairs_query(criteria, Habilitation.id)
        .join(Habilitation, on=(
            (Habilitation.establishment == EstablishmentDeclaration.establishment)
            & (Habilitation.declaration == EstablishmentDeclaration.declaration)
            & (Habilitation.user == source)
        ))
        .where((Habilitation.declare | Habilitation.pay) & ~fn.EXISTS(offered))
        .count()
    )


def explicit_rows(actor, keys):
    """The current state of the cells named one by one, checked to be cells of the firm."""
    found = cells.load(actor.firm_id, keys)
    missing = keys - set(found)
    if missing:
        check_ownership(actor, missing)
        raise Conflict(CONFLICT, _gone(sorted(missing)[:200]))
    return found


def check_ownership(actor, keys):
    """An establishment, person or declaration that is not the firm's is a 404, never a hint."""
    for ids, model, condition in (
        ({k[0] for k in keys}, Establishment, Establishment.firm == actor.firm_id),
        ({k[2] for k in keys}, User, User.firm == actor.firm_id),
        ({k[1] for k in keys}, Declaration, True),
    ):
        for chunk in chunked(sorted(ids), IDS_PER_QUERY):
            if model.select().where(model.id.in_(chunk) & condition).count() != len(chunk):
                raise NotFound()


def members(criteria, column, keys):
    """Which of keys (establishment, declaration, user) are cells of the criteria (with a box of
    column): the cells a bulk edit covers among those named one by one."""
    found = set()
    for chunk in chunked(sorted({k[0] for k in keys}), IDS_PER_QUERY):
        query = cells_query(criteria, Establishment.id, Declaration.id, User.id, with_habilitation=False)
        query = query.where(Establishment.id.in_(chunk))
        if column == PAY:
            query = query.where(Declaration.has_payment)
        found.update(tuple(row) for row in raw(query))
    return found & set(keys)


def _gone(keys):
    sirets = dict(Establishment.select(Establishment.id, Establishment.siret)
                  .where(Establishment.id.in_({k[0] for k in keys})).tuples())
    labels = dict(Declaration.select(Declaration.id, Declaration.label)
                  .where(Declaration.id.in_({k[1] for k in keys})).tuples())
    people = {u.id: u.full_name for u in User.select().where(User.id.in_({k[2] for k in keys}))}
    return [f"{format_siret(sirets[e])} – {labels[d]} – {people[u]} : {GONE}" for e, d, u in keys]


def describe(actor, keys):
    """ "SIRET – service – person : Déclarer coché, Payer décoché" for cells, with their values now."""
    if not keys:
        return []
    rows = cells.load(actor.firm_id, keys)
    out = []
    for row in sorted((rows[k] for k in keys if k in rows), key=lambda r: (r[1], r[4], r[9], r[10])):
        cell = change_of(row)
        states = [f"Déclarer {'coché' if cell.before[0] else 'décoché'}"]
        if cell.has_payment:
            states.append(f"Payer {'coché' if cell.before[1] else 'décoché'}")
        out.append(f"{format_siret(cell.siret)} – {cell.label} – {cell.person} : {', '.join(states)}")
    return out
