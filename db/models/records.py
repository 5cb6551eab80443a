"""What the portal remembers about activity: journal, outbox, pending and assistance requests."""
from peewee import SQL, CharField, CompositeKey, DateTimeField, ForeignKeyField, IntegerField, TextField, fn

from db import clock, counts
from db.database import BaseModel
from db.models.accounts import Firm, User
from db.models.identifier_field import IdentifierField


class AuditEvent(BaseModel):
    """One entry of the journal: who changed what, when, before → after (JSON text)."""

    firm = ForeignKeyField(Firm, null=True, on_delete="CASCADE")
    actor = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="audit_events")
    actor_name = CharField(max_length=210, default="")  # kept when the user is gone
    at = DateTimeField(default=clock.now)
    action = CharField(max_length=60)
    object_type = CharField(max_length=40, default="")
    object_id = CharField(max_length=40, default="")
    summary = TextField(default="")
    siret = IdentifierField(max_length=14, null=True)
    declaration_code = CharField(max_length=40, null=True)
    before = TextField(null=True)
    after = TextField(null=True)
    # An action on habilitations is one event with its lines (HabilitationChange): how many, and the
    # person whose rights changed when there is only one.
    line_count = IntegerField(default=0, constraints=[SQL("DEFAULT 0")])
    subject = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")

    class Meta:
        indexes = (
            (("firm", "at"), False),
            (("firm", "siret", "at"), False),
            (("firm", "actor", "at"), False),
        )


class HabilitationChange(BaseModel):
    """One line of a journal event that changed habilitations: the boxes of one cell (establishment ×
    declaration × person) before and after, as bits (1 Déclarer, 2 Payer). Written by INSERT … SELECT
    with its event; plain ids (no foreign keys) so that the history outlives what it names."""

    # keyed by (event, establishment, declaration, user), no serial id (migration 0952): no index of its own
    event = ForeignKeyField(AuditEvent, on_delete="CASCADE", backref="lines", index=False)
    establishment_id = IntegerField()
    declaration_id = IntegerField()
    user_id = IntegerField()
    siret = IdentifierField(max_length=14)
    before = IntegerField(default=0)
    after = IntegerField(default=0)
    active_from = DateTimeField(null=True)  # when the boxes it grants become usable
    active_until = DateTimeField(null=True)  # and when they end (« jusqu'au »), NULL: no end

    class Meta:
        primary_key = CompositeKey("event", "establishment_id", "declaration_id", "user_id")


class EventPerson(BaseModel):
    """A person whose boxes one journal event changed: one row per event × person, written with the
    event's lines (db/habilitations/writes.py). The journal's filter by the person concerned finds an
    action on several people through it (migration 0951). It replaces an index on the lines' (user_id,
    event), which every line wrote: 60,000 entries for one person's « Tout décocher », about a quarter
    of the time its 60,000 lines took to write, for a filter that needs one row per person."""

    event = ForeignKeyField(AuditEvent, on_delete="CASCADE", index=False)
    user_id = IntegerField()  # a plain id, as on the lines: the history outlives what it names

    class Meta:
        table_name = "habilitation_change_person"
        indexes = ((("event", "user_id"), True),)


class OutgoingMail(BaseModel):
    """A message to send, and, with no SMTP configured, the Boîte d'envoi of demo mode."""

    firm = ForeignKeyField(Firm, null=True, on_delete="SET NULL")
    to = CharField(max_length=254)
    subject = CharField(max_length=200)
    body = TextField()
    created_at = DateTimeField(default=clock.now)
    sent_at = DateTimeField(null=True)
    attempts = IntegerField(default=0)
    error = TextField(null=True)
    # Demo mode: a digest of the browser session whose request queued it, so that the Boîte d'envoi
    # shows each visitor its own mails only.
    origin = CharField(max_length=64, null=True, index=True)


class RateEvent(BaseModel):
    """One use of something limited per sender or per target (db/accounts/rate_limits.py): an assistance
    request, an access request; scope says what, key who (an address, a firm)."""

    scope = CharField(max_length=30)
    key = CharField(max_length=100)
    at = DateTimeField(default=clock.now)

    class Meta:
        indexes = ((("scope", "key", "at"), False),)


PENDING = "pending"


class PendingRequest(BaseModel):
    """A request that the firm's administrators answer in "Demande en attente".

    kind: "cooptation" (become administrator), "password" (generate a temporary password),
    "access" (someone asks to join an already registered firm).

    The firm's count of pending requests (FIRM_PENDING_REQUESTS) follows every row: a new pending
    request adds one as it is saved (whoever creates it); deciding one (db/people/requests.py) takes
    one off in the same transaction.
    """

    firm = ForeignKeyField(Firm, backref="pending_requests", on_delete="CASCADE")
    kind = CharField(max_length=20)
    requester = ForeignKeyField(User, null=True, on_delete="CASCADE", backref="requests")
    requester_name = CharField(max_length=210, default="")
    requester_email = CharField(max_length=254, default="")
    message = TextField(default="")
    status = CharField(max_length=12, default=PENDING)  # pending, accepted, refused
    created_at = DateTimeField(default=clock.now)
    decided_at = DateTimeField(null=True)
    decided_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")

    class Meta:
        indexes = ((("firm", "status"), False),)

    def save(self, force_insert=False, only=None):
        inserting = force_insert or self._pk is None
        with self._meta.database.atomic():  # the row and its count together, whoever saves
            saved = super().save(force_insert=force_insert, only=only)
            if inserting and self.status == PENDING:
                counts.add(FIRM_PENDING_REQUESTS, {self.firm_id: 1})
        return saved


FIRM_PENDING_REQUESTS = counts.Counter(
    "firm.pending_requests", Firm.pending_request_count,
    lambda: PendingRequest.select(fn.COUNT(PendingRequest.id))
    .where((PendingRequest.firm == Firm.id) & (PendingRequest.status == PENDING)),
)


class AssistanceRequest(BaseModel):
    """A "demande d'assistance" sent to the people who run the portal."""

    reference = CharField(max_length=20, unique=True)
    motif = CharField(max_length=40)
    siret = IdentifierField(max_length=14, default="")
    nom = CharField(max_length=100, default="")
    prenom = CharField(max_length=100, default="")
    email = CharField(max_length=254)
    message = TextField()
    firm = ForeignKeyField(Firm, null=True, on_delete="SET NULL")
    user = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    status = CharField(max_length=12, default="open")  # open, answered, closed
    answer = TextField(null=True)
    answered_at = DateTimeField(null=True)
    answered_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    created_at = DateTimeField(default=clock.now)
