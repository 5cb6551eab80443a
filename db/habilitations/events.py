"""The journal entry of one action on habilitations: one AuditEvent for the whole action (a Valider
of the grid, an imported file, a copy, the removal of a declaration), told in one sentence from its
lines, counted in SQL: « 11 539 habilitations accordées à DURAND Paul sur LA POSTE – « DSN »,
utilisables le 2 décembre 2026 à 15 h 32 ».
"""
import datetime

from peewee import JOIN, SQL, Case, Select, fn

from db.clock import long_moment_fr
from db.identifiers import format_siret
from db.models import Company, Declaration, HabilitationChange, User

HC = HabilitationChange


def _gained(bit, lines=HC):
    return Case(None, [((lines.after.bin_and(bit) != 0) & (lines.before.bin_and(bit) == 0), 1)], 0)


def _lost(bit, lines=HC):
    return Case(None, [((lines.before.bin_and(bit) != 0) & (lines.after.bin_and(bit) == 0), 1)], 0)


FIGURES = ("lines", "added", "removed", "people", "user", "nom", "prenom", "services", "declaration", "code",
           "label", "establishments", "siret", "companies", "company", "first", "last", "added_places",
           "removed_places", "granted_from", "emptied")


def figures(event_id, firm_id):
    """The event's figures read from its journal lines (see figures_query)."""
    row = figures_query(HC.select, HC, HC.event == event_id, firm_id).bind(HC._meta.database).tuples()
    return as_figures(next(iter(row)))


def as_figures(row):
    """{name: value} of a row of figures_query (any columns after its own left out)."""
    return dict(zip(FIGURES, row[:len(FIGURES)], strict=True))


def figures_query(select, lines, where, firm_id, *more, company=None, one_line_per_establishment=False):
    """SQL: the figures of the lines (select: their relation's select, lines: its columns, where: which
    lines, None: all) and, where there is only one, the names of its person, company and service, in
    one query whatever the action: the lines are aggregated alone (one read, no lookup per line), then
    the one row meets the person, the service and the company it names. A SIRET begins with its
    company's SIREN, unique in the firm: the companies are counted from the lines' SIRETs (or from
    company, the lines' company ids, when the relation has them: integers sort faster than text), and
    the one company is the first SIRET's. one_line_per_establishment: the lines name one person and one
    service, so their establishments are counted without sorting them. The journal costs the same for
    one cell as for 60,000. more: further columns of the row (after the figures)."""
    companies = company if company is not None else fn.SUBSTR(lines.siret, 1, 9)

    def both(measure):
        return measure(1, lines) + measure(2, lines)
    gained, lost = both(_gained), both(_lost)
    people, services = fn.COUNT(lines.user_id.distinct()), fn.COUNT(lines.declaration_id.distinct())
    if one_line_per_establishment:
        # one person and one service: counted without sorting the lines for them (a DISTINCT does)
        people = services = Case(None, [(fn.COUNT(SQL("*")) > 0, 1)], 0)
        per_place = (fn.COUNT(SQL("*")).alias("establishments"),
                     fn.SUM(Case(None, [(gained > 0, 1)], 0)).alias("added_places"),
                     fn.SUM(Case(None, [(lost > 0, 1)], 0)).alias("removed_places"))
    else:
        per_place = (fn.COUNT(lines.establishment_id.distinct()).alias("establishments"),
                     *_per_place(lines, gained, lost))
    f = select(
        fn.COUNT(SQL("*")).alias("lines"), fn.SUM(gained).alias("added"),
        fn.SUM(lost).alias("removed"), people.alias("people"),
        fn.MIN(lines.user_id).alias("user"), services.alias("services"),
        fn.MIN(lines.declaration_id).alias("declaration"), *per_place,
        fn.MIN(lines.siret).alias("siret"), fn.COUNT(companies.distinct()).alias("companies"),
        fn.SUBSTR(fn.MIN(lines.siret), 1, 9).alias("siren"), fn.MIN(lines.active_from).alias("first"),
        fn.MAX(lines.active_from).alias("last"),
        fn.MIN(Case(None, [(gained > 0, lines.active_from)], None)).alias("granted_from"),
        fn.SUM(Case(None, [(lines.after == 0, 1)], 0)).alias("emptied"),
    )
    f = (f.where(where) if where is not None else f).alias("f")
    return (
        Select([f], [f.c.lines, f.c.added, f.c.removed, f.c.people, f.c.user, User.nom, User.prenom,
                     f.c.services, f.c.declaration, Declaration.code, Declaration.label, f.c.establishments,
                     f.c.siret, f.c.companies, Company.name, f.c.first, f.c.last, f.c.added_places,
                     f.c.removed_places, f.c.granted_from, f.c.emptied, *more])
        .join(User, JOIN.LEFT_OUTER, on=(User.id == f.c.user))
        .join(Declaration, JOIN.LEFT_OUTER, on=(Declaration.id == f.c.declaration))
        .join(Company, JOIN.LEFT_OUTER, on=(Company.firm == firm_id) & (Company.siren == f.c.siren))
    )


def _per_place(lines, gained, lost):
    """The establishments where boxes are gained, where they are lost: what Vos notifications tells the
    one person of an action (db/notifications/rights.py), with the first start of the gained ones."""
    def where(moved, value):
        return Case(None, [(moved > 0, value)], None)
    return (fn.COUNT(where(gained, lines.establishment_id).distinct()).alias("added_places"),
            fn.COUNT(where(lost, lines.establishment_id).distinct()).alias("removed_places"))


def _moment(value):
    return datetime.datetime.fromisoformat(value) if isinstance(value, str) else value


def _n(value):
    return f"{value:,}".replace(",", "\u202f")


def sentence(f, person, place, service, usable_from):
    """The summary of an action from its figures."""
    added, removed = f["added"] or 0, f["removed"] or 0
    parts = []
    if added:
        parts.append(f"{_n(added)} habilitation{'s' if added > 1 else ''} accordée{'s' if added > 1 else ''}")
    if removed:
        noun = "" if added else f" habilitation{'s' if removed > 1 else ''}"
        parts.append(f"{_n(removed)}{noun} retirée{'s' if removed > 1 else ''}")
    text = ", ".join(parts) + f" à {person} sur {place}{service}"
    if usable_from is not None:
        text += f", utilisable{'s' if added > 1 else ''} le {long_moment_fr(usable_from)}"
    return text


def touched(event_id, f):
    """(person, declaration) pairs of the event's lines: from its figures when they name the one pair
    (a « Tout (dé)cocher » or a column tick: the lines are not read again), else read once."""
    if f["people"] == 1 and f["services"] == 1:
        return [(f["user"], f["declaration"])]
    return list(HC.select(HC.user_id, HC.declaration_id).distinct().where(HC.event == event_id).tuples())


def describe_event(event, starts, f):
    """Fill the event from its figures (summary, counts, the person, SIRET and service when there is
    only one) and return the Plan of what was applied."""
    from db.habilitations.changes import Plan

    person = f"{f['nom'].upper()} {f['prenom']}" if f["people"] == 1 else f"{f['people']} personnes"
    if f["establishments"] == 1:
        place = f"{format_siret(f['siret'])} ({f['company']})"
    elif f["companies"] == 1:
        place = f["company"]
    else:
        place = f"{f['companies']} entreprises"
    single = f["services"] == 1
    service = f" – «\u202f{f['label']}\u202f»" if single else f" – {f['services']} services"
    first, last = _moment(f["first"]), _moment(f["last"])
    usable_from = first if first is not None and first == last else None
    event.summary = sentence(f, person, place, service, usable_from)
    event.action = ("habilitation.grant" if not f["removed"] else
                    "habilitation.revoke" if not f["added"] else "habilitation.change")
    event.line_count = f["lines"]
    event.subject = f["user"] if f["people"] == 1 else None
    event.siret = f["siret"] if f["establishments"] == 1 else None
    event.declaration_code = f["code"] if single else None
    event.save()
    delays = {round((starts[d] - event.at).total_seconds() / 3600) for d in _granting_declarations(event, f)}
    return Plan([], f["added"] or 0, f["removed"] or 0, event=event, usable_from=first,
                delay_hours=delays.pop() if len(delays) == 1 else None)


def _granting_declarations(event, f):
    """The declarations where the event grants a box: a line grants exactly when it carries a start."""
    if f["services"] == 1:
        return [f["declaration"]] if f["first"] is not None else []
    granting = (HC.event == event.id) & HC.active_from.is_null(False)
    return [d for (d,) in HC.select(HC.declaration_id).where(granting).distinct().tuples()]
