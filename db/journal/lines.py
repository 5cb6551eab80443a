"""The lines of one journal entry: an action on habilitations is one AuditEvent with one line per
cell it changed (habilitation_change: establishment × service × person, boxes before → after).
Read a page at a time (a constant number of queries, whatever the number of lines) or streamed to
CSV; always through the acting administrator's firm, so that another firm's entry is NotFound.
"""
from dataclasses import dataclass

from peewee import JOIN, Tuple

from db.access import require_admin
from db.clock import moment_fr
from db.errors import NotFound
from db.fields import record_id
from db.identifiers import format_siret
from db.journal.wording import describe
from db.models import AuditEvent, Declaration, Establishment, HabilitationChange, User

HC = HabilitationChange
PER_PAGE = 50
BATCH = 2000
CSV_HEADER = ["SIRET", "Établissement", "Adresse", "Nom", "Prénom", "Service", "Avant", "Après",
              "Utilisable le"]


def boxes_fr(bits):
    """The boxes of a line as people read them: "Déclarer, Payer", "Déclarer", or "—"."""
    names = [name for bit, name in ((1, "Déclarer"), (2, "Payer")) if (bits or 0) & bit]
    return ", ".join(names) or "—"


@dataclass
class Line:
    siret: str
    establishment: str
    address: str
    nom: str
    prenom: str
    service: str
    before: str
    after: str
    usable_from: str

    @property
    def person(self):
        return f"{self.nom.upper()} {self.prenom}".strip() or "—"


@dataclass
class LinesPage:
    event: AuditEvent
    lines: list
    total: int
    page: int

    @property
    def pages(self):
        return max(1, -(-self.total // PER_PAGE))

    @property
    def moment_text(self):
        return moment_fr(self.event.at)

    @property
    def changes(self):
        """Before → after of an entry without lines (a single change, or one older than the lines)."""
        return describe(self.event.before, self.event.after)


def entry_of(actor, event_id):
    """The firm's journal entry with that id (administrators only), or NotFound."""
    require_admin(actor)
    event_id = record_id(event_id)
    event = event_id and AuditEvent.get_or_none((AuditEvent.id == event_id)
                                                & (AuditEvent.firm == actor.firm_id))
    if not event:
        raise NotFound()
    return event


ORDER = (HC.establishment_id, HC.declaration_id, HC.user_id)  # the (event, …) key: a page is a range


def _query(which):
    """The lines matching which, told with what they name. Plain ids (no foreign keys) on the lines:
    what they name may be gone; the SIRET stays."""
    return (
        HC.select(HC.siret, Establishment.name, Establishment.address, User.nom, User.prenom,
                  Declaration.label, HC.before, HC.after, HC.active_from)
        .join(Establishment, JOIN.LEFT_OUTER, on=(HC.establishment_id == Establishment.id))
        .join_from(HC, User, JOIN.LEFT_OUTER, on=(HC.user_id == User.id))
        .join_from(HC, Declaration, JOIN.LEFT_OUTER, on=(HC.declaration_id == Declaration.id))
        .where(which)
        .order_by(*ORDER)
        .tuples()
    )


def _line(row):
    siret, name, address, nom, prenom, label, before, after, active_from = row
    usable = moment_fr(active_from) if active_from is not None and (after & ~(before or 0)) else ""
    return Line(format_siret(siret), name or "", address or "", nom or "", prenom or "", label or "",
                boxes_fr(before), boxes_fr(after), usable)


def lines_page(actor, event_id, page=1):
    """A page of the entry's lines (NotFound for another firm's entry); three queries."""
    event = entry_of(actor, event_id)
    total = event.line_count
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(1, record_id(page) or 1), pages)
    # The page's keys first, read on the key alone; the joins then run for those 50 lines only, not
    # for the tens of thousands a deep page skips. The page is found by its whole key: with a test of
    # the event beside it, SQLite would walk the event's range in order (100,000 lines) instead.
    key = Tuple(HC.event, *ORDER)
    keys = HC.select(HC.event, *ORDER).where(HC.event == event.id).order_by(*ORDER).paginate(page, PER_PAGE)
    rows = _query(key.in_(keys)) if total else []
    return LinesPage(event, [_line(r) for r in rows], total, page)


def export_lines(actor, event_id):
    """(file name, rows with the header first) of the entry's lines, read in batches as they are
    written out. NotFound for another firm's entry, before anything is sent."""
    event = entry_of(actor, event_id)
    return f"journal-{event.id}-lignes.csv", _rows(event)


def _rows(event):
    yield CSV_HEADER
    for row in _query(HC.event == event.id).iterator():
        line = _line(row)
        yield [row[0], line.establishment, line.address, line.nom, line.prenom, line.service, line.before,
               line.after, line.usable_from]
