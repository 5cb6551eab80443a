"""Maintained counts (db/counts.py): companies and establishments per portfolio, pending requests
per firm. Added with 0 and filled from the rows already there, on both engines."""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('portfolio', 'company_count', IntegerField(default=0)),
        migrator.add_column('portfolio', 'establishment_count', IntegerField(default=0)),
        migrator.add_column('firm', 'pending_request_count', IntegerField(default=0)),
    )
    db.execute_sql(
        "UPDATE portfolio SET "
        "company_count = (SELECT COUNT(*) FROM company WHERE company.portfolio_id = portfolio.id), "
        "establishment_count = (SELECT COUNT(*) FROM establishment JOIN company "
        "ON establishment.company_id = company.id WHERE company.portfolio_id = portfolio.id)"
    )
    db.execute_sql(
        "UPDATE firm SET pending_request_count = (SELECT COUNT(*) FROM pending_request "
        "WHERE pending_request.firm_id = firm.id AND pending_request.status = 'pending')"
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column('portfolio', 'company_count'),
        migrator.drop_column('portfolio', 'establishment_count'),
        migrator.drop_column('firm', 'pending_request_count'),
    )
