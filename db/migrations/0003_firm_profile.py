"""The inscription profile of a firm: "Votre entreprise et vos clients" (tiers déclarant) or not."""
from peewee import *

def up(migrator, db):
    migrator.migrate(migrator.add_column('firm', 'manages_clients', BooleanField(default=True)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('firm', 'manages_clients'))
