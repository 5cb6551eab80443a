"""Veille Sirene: what a directory import changed for a firm's clients (reports and their changes,
each applied or dismissed by an administrator), and the establishments an administrator removed on
purpose from a company, never offered again as new."""
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from db import clock
from db.database import BaseModel
from db.models.accounts import Firm, User
from db.models.identifier_field import IdentifierField
from db.models.portfolio import Company

# Kinds of change, in the order the report shows them.
OPENED, CLOSED, CEASED, RENAMED, SIGN, MOVED = "opened", "closed", "ceased", "renamed", "sign", "moved"
PENDING, APPLIED, DISMISSED = "", "applied", "dismissed"


class SireneReport(BaseModel):
    """One firm's report of one import (the monthly stock or the daily update)."""

    firm = ForeignKeyField(Firm, on_delete="CASCADE")
    created_at = DateTimeField(default=clock.now)
    source = CharField(max_length=10, default="stock")  # stock: files; api: sirene update
    change_count = IntegerField(default=0)

    class Meta:
        table_name = "sirene_report"
        indexes = ((("firm", "created_at"), False),)


class SireneChange(BaseModel):
    """A difference between a client company as registered and the directory. `key` identifies the
    change (company, kind, SIRET, new value) so that a later report never offers it twice, nor again
    once dismissed."""

    firm = ForeignKeyField(Firm, on_delete="CASCADE")
    report = ForeignKeyField(SireneReport, on_delete="CASCADE")
    company = ForeignKeyField(Company, on_delete="CASCADE")
    kind = CharField(max_length=10)
    siret = IdentifierField(max_length=14, default="")
    before = TextField(default="")
    after = TextField(default="")
    key = CharField(max_length=64)
    status = CharField(max_length=10, default=PENDING)
    decided_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    decided_at = DateTimeField(null=True)

    class Meta:
        table_name = "sirene_change"
        indexes = (
            (("firm", "key"), True),
            (("firm", "status", "company"), False),
        )


class RemovedEstablishment(BaseModel):
    """An establishment an administrator unregistered on purpose (Choisir les établissements, the
    bulk file): never offered again as « new » by the report nor pre-ticked by the refresh."""

    firm = ForeignKeyField(Firm, on_delete="CASCADE")
    company = ForeignKeyField(Company, on_delete="CASCADE")
    siret = IdentifierField(max_length=14)
    removed_at = DateTimeField(default=clock.now)

    class Meta:
        table_name = "removed_establishment"
        indexes = ((("company", "siret"), True),)
