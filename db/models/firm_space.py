"""The firm's own space: an inscription in progress, each person's notices (Vos notifications) and
the mail they chose for them, and the bulk files an administrator imported (Historique des imports)."""
from peewee import BlobField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField, fn

from db import clock, counts
from db.database import BaseModel
from db.models.accounts import Firm, User


class InscriptionDraft(BaseModel):
    """What the inscription's steps have collected so far (JSON), found by the hash of an opaque key
    that only the visitor's session holds: nothing of it travels in the cookie."""

    key_hash = CharField(max_length=64, unique=True)
    state = TextField(default="{}")
    created_at = DateTimeField(default=clock.now)
    expires_at = DateTimeField(index=True)


class Notification(BaseModel):
    """One notice for one person: what happened (text), where to look (link: an endpoint of the portal,
    "endpoint" or "endpoint?name=value", resolved by the webapp), read or not, kept until expires_at."""

    firm = ForeignKeyField(Firm, null=True, on_delete="CASCADE")
    user = ForeignKeyField(User, backref="notifications", on_delete="CASCADE")
    kind = CharField(max_length=40)
    text = TextField()
    link = CharField(max_length=300, default="")
    created_at = DateTimeField(default=clock.now)
    read_at = DateTimeField(null=True)
    expires_at = DateTimeField(index=True)

    class Meta:
        indexes = (
            (("user", "read_at"), False),  # the unread count of the menu
            (("user", "created_at"), False),  # the list, newest first
        )



# The menu's « Vos notifications (3) »: each person's unread notices, kept by db/notifications (one
# statement per write) and read with the session's user, never counted per request. A notice past
# its 12 months counts until purge() deletes it, which every new notice runs.
USER_UNREAD_NOTICES = counts.Counter(
    "user.unread_notices", User.unread_notice_count,
    lambda: Notification.select(fn.COUNT(Notification.id))
    .where((Notification.user == User.id) & Notification.read_at.is_null()),
)

class NotificationMail(BaseModel):
    """A kind of notice the person also wants by mail (one row per kind chosen)."""

    user = ForeignKeyField(User, on_delete="CASCADE")
    kind = CharField(max_length=40)

    class Meta:
        indexes = ((("user", "kind"), True),)


class BulkImport(BaseModel):
    """A bulk file: uploaded and checked (content kept until Valider), then applied with its compte
    rendu (report, CSV text) and its counts; the applied ones make the Historique des imports."""

    firm = ForeignKeyField(Firm, on_delete="CASCADE")
    actor = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    actor_name = CharField(max_length=210, default="")
    filename = CharField(max_length=255, default="")
    created_at = DateTimeField(default=clock.now)
    applied_at = DateTimeField(null=True)
    content = BlobField(null=True)
    status = CharField(max_length=12, default="")
    lines = IntegerField(default=0)
    lines_ok = IntegerField(default=0)
    lines_partial = IntegerField(default=0)
    lines_ko = IntegerField(default=0)
    counts = TextField(default="{}")  # JSON: what was added and removed, by kind
    report = TextField(default="")

    class Meta:
        indexes = ((("firm", "applied_at"), False),)


class RightEndNotice(BaseModel):
    """A moment at which rights of the firm end, already announced to its administrators: the notice
    of rights ending within 7 days is computed when they read the portal, once per such moment."""

    firm = ForeignKeyField(Firm, on_delete="CASCADE")
    ends_at = DateTimeField()
    noticed_at = DateTimeField(default=clock.now)

    class Meta:
        indexes = ((("firm", "ends_at"), True),)
