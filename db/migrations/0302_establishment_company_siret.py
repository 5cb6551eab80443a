"""An index on establishment (company, siret): the grid's pages of one company are read in SIRET
order, a range of this index instead of a sort of the company's 9,000 establishments per page."""
from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_index("establishment", ("company_id", "siret"), False))


def down(migrator, db):
    migrator.migrate(migrator.drop_index("establishment", "establishment_company_id_siret"))
