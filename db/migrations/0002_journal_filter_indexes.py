"""Indexes for the journal filters (by SIRET, by person, over a period)."""
from peewee import *

def up(migrator, db):
    migrator.migrate(migrator.add_index('audit_event', ('firm_id', 'actor_id', 'at')))
    migrator.migrate(migrator.add_index('audit_event', ('firm_id', 'siret', 'at')))


def down(migrator, db):
    migrator.migrate(migrator.drop_index('audit_event', 'audit_event_firm_id_siret_at'))
    migrator.migrate(migrator.drop_index('audit_event', 'audit_event_firm_id_actor_id_at'))
