"""Reading the journal: the firm's AuditEvents filtered by period, author, person concerned, SIRET and
service, a page at a time or streamed to CSV, with before → after told in French. An action on
habilitations is one entry with its lines (db/journal/lines.py)."""
import datetime
import functools
from dataclasses import dataclass, field

from peewee import fn

from db.access import require_admin
from db.clock import moment_fr, paris_day_start, stamp_fr
from db.errors import NotFound
from db.fields import record_id
from db.identifiers import clean, format_siret
from db.journal.wording import action_label, describe
from db.models import AuditEvent, Declaration, EventPerson, User

PER_PAGE = 50
CSV_HEADER = ["Date", "Auteur", "Action", "SIRET", "Service", "Détail", "Avant", "Après"]

@dataclass
class Criteria:
    start: datetime.date = None
    end: datetime.date = None
    person: int = None
    subject: int = None  # the person whose rights or account changed
    siret: str = ""
    service: str = ""
    page: int = 1
    errors: dict = field(default_factory=dict)

    def args(self):
        """The criteria as URL parameters (what the form sends)."""
        values = {
            "du": self.start.isoformat() if self.start else "",
            "au": self.end.isoformat() if self.end else "",
            "personne": str(self.person or ""),
            "concerne": str(self.subject or ""),
            "siret": self.siret,
            "service": self.service,
        }
        return {k: v for k, v in values.items() if v}


@dataclass
class JournalPage:
    criteria: Criteria
    events: list
    total: int
    people: list
    services: list

    @property
    def pages(self):
        return max(1, -(-self.total // PER_PAGE))

    @functools.cached_property
    def _labels(self):
        return {d.code: d.label for d in self.services}

    def service_label(self, code):
        return self._labels.get(code, code or "")


def _date(value, errors, key):
    text = (value or "").strip()
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    errors[key] = "Date invalide : saisissez-la au format jj/mm/aaaa."
    return None


def parse(actor, args):
    """Criteria from URL parameters (du, au, personne, siret, service, page); bad values are
    reported in criteria.errors, a person of another firm is NotFound."""
    criteria = Criteria()
    criteria.start = _date(args.get("du"), criteria.errors, "du")
    criteria.end = _date(args.get("au"), criteria.errors, "au")
    if criteria.start and criteria.end and criteria.start > criteria.end:
        criteria.errors["au"] = "La fin de la période doit suivre son début."
    criteria.person = _firm_person(actor, args.get("personne"))
    criteria.subject = _firm_person(actor, args.get("concerne"))
    siret = clean(args.get("siret"))
    if siret and (not siret.isdigit() or len(siret) not in (9, 14)):
        criteria.errors["siret"] = "Saisissez un SIRET (14 chiffres) ou un SIREN (9 chiffres)."
    criteria.siret = siret
    criteria.service = (args.get("service") or "").strip()
    if criteria.service and not Declaration.select().where(Declaration.code == criteria.service).exists():
        criteria.errors["service"] = "Service inconnu."
    criteria.page = record_id(args.get("page")) or 1  # "²" or "-3" is the first page, not a crash
    return criteria


def _firm_person(actor, value):
    """The id of a person of the actor's firm, None when blank; NotFound for anyone else."""
    if not (value or "").strip():
        return None
    person_id = record_id(value)
    in_firm = User.select().where((User.id == person_id) & (User.firm == actor.firm_id))
    if person_id is None or not in_firm.exists():
        raise NotFound()
    return person_id


def concerning(person_id):
    """The events that changed this person's rights or account: the single person of an action on
    habilitations, one of the people an action on several concerns (EventPerson), or the person an
    account event names."""
    people = EventPerson.select().where(
        (EventPerson.event == AuditEvent.id) & (EventPerson.user_id == person_id))
    return (
        (AuditEvent.subject == person_id)
        | ((AuditEvent.object_type == "User") & (AuditEvent.object_id == str(person_id)))
        | (AuditEvent.subject.is_null() & (AuditEvent.line_count > 1) & fn.EXISTS(people))
    )


def _query(actor, criteria):
    query = AuditEvent.select().where(AuditEvent.firm == actor.firm_id)
    if criteria.start:
        query = query.where(AuditEvent.at >= paris_day_start(criteria.start))
    if criteria.end:
        query = query.where(AuditEvent.at < paris_day_start(criteria.end + datetime.timedelta(days=1)))
    if criteria.person:
        query = query.where(AuditEvent.actor == criteria.person)
    if criteria.subject:
        query = query.where(concerning(criteria.subject))
    if len(criteria.siret) == 14:
        query = query.where(AuditEvent.siret == criteria.siret)
    elif criteria.siret:
        query = query.where(AuditEvent.siret.startswith(criteria.siret))
    if criteria.service:
        query = query.where(AuditEvent.declaration_code == criteria.service)
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def search(actor, args):
    """A page of the firm's journal for the criteria in args (administrators only)."""
    require_admin(actor)
    criteria = parse(actor, args)
    # the two lists of people (author, person concerned): only what they show, for a firm of 200
    people = list(User.select(User.id, User.nom, User.prenom).where(User.firm == actor.firm_id)
                  .order_by(User.nom_key, User.prenom_key))
    services = list(Declaration.select().order_by(Declaration.position, Declaration.label))
    if criteria.errors:
        return JournalPage(criteria, [], 0, people, services)
    query = _query(actor, criteria)
    total = query.count()
    events = list(query.paginate(criteria.page, PER_PAGE))
    return JournalPage(criteria, [Entry(e) for e in events], total, people, services)


def export(actor, args):
    """Rows of the CSV export (header first), as a generator reading the events in batches;
    criteria errors give only the header."""
    require_admin(actor)
    return _rows(actor, parse(actor, args))


def _rows(actor, criteria):
    yield CSV_HEADER
    if criteria.errors:
        return
    for event in _query(actor, criteria).iterator():
        entry = Entry(event)
        yield [
            entry.at_text,
            event.actor_name,
            entry.action_label,
            event.siret or "",
            event.declaration_code or "",
            event.summary,
            " ; ".join(f"{ch.label} : {ch.before}" for ch in entry.changes),
            " ; ".join(f"{ch.label} : {ch.after}" for ch in entry.changes),
        ]


class Entry:
    """An AuditEvent as the journal shows it."""

    def __init__(self, event):
        self.event = event
        self.changes = describe(event.before, event.after)

    @property
    def at_text(self):
        return stamp_fr(self.event.at)

    @property
    def action_label(self):
        return action_label(self.event.action)

    @property
    def moment_text(self):
        """ "02/12/2026 à 15 h 32", Paris time."""
        return moment_fr(self.event.at)

    @property
    def line_count(self):
        """How many lines the entry has (an action on habilitations), 0 for a single change."""
        return self.event.line_count or 0

    @property
    def siret_text(self):
        return format_siret(self.event.siret) if self.event.siret else ""


