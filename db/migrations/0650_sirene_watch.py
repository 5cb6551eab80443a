"""Veille Sirene: the reports of what an import changed for each firm's clients, their changes
(applied or dismissed), and the establishments removed on purpose (db/models/watch.py)."""
from peewee import *


def up(migrator, db):
    class Firm(Model):
        class Meta:
            database = db
            table_name = 'firm'

    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class Company(Model):
        class Meta:
            database = db
            table_name = 'company'

    class SireneReport(Model):
        firm = ForeignKeyField(Firm, on_delete='CASCADE')
        created_at = DateTimeField()
        source = CharField(max_length=10, default='stock')
        change_count = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'sirene_report'
            indexes = ((('firm', 'created_at'), False),)

    class SireneChange(Model):
        firm = ForeignKeyField(Firm, on_delete='CASCADE')
        report = ForeignKeyField(SireneReport, on_delete='CASCADE')
        company = ForeignKeyField(Company, on_delete='CASCADE')
        kind = CharField(max_length=10)
        siret = CharField(max_length=14, default='')
        before = TextField(default='')
        after = TextField(default='')
        key = CharField(max_length=64)
        status = CharField(max_length=10, default='')
        decided_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        decided_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'sirene_change'
            indexes = ((('firm', 'key'), True), (('firm', 'status', 'company'), False))

    class RemovedEstablishment(Model):
        firm = ForeignKeyField(Firm, on_delete='CASCADE')
        company = ForeignKeyField(Company, on_delete='CASCADE')
        siret = CharField(max_length=14)
        removed_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'removed_establishment'
            indexes = ((('company', 'siret'), True),)

    db.create_tables([SireneReport, SireneChange, RemovedEstablishment])


def down(migrator, db):
    for table in ('removed_establishment', 'sirene_change', 'sirene_report'):
        db.execute_sql(f'DROP TABLE IF EXISTS "{table}"')
