"""The Couverture's maintained counts (db/models/cell_holders.py): the habilitations giving Déclarer and
Payer on each establishment × declaration, added with 0, filled from the rows already there and then
indexed (on both engines); the start moments of habilitations indexed, so that the page finds the few
rights not started yet."""
from peewee import *


def up(migrator, db):
    for column in ('declarers', 'payers'):  # a default in the table: cells are inserted from queries
        db.execute_sql(f"ALTER TABLE establishment_declaration ADD COLUMN {column} INTEGER NOT NULL DEFAULT 0")
    cell = ("h.establishment_id = establishment_declaration.establishment_id "
            "AND h.declaration_id = establishment_declaration.declaration_id")
    db.execute_sql(
        "UPDATE establishment_declaration SET "
        f"declarers = (SELECT COUNT(*) FROM habilitation h WHERE {cell} AND h.declare), "
        "payers = (SELECT COUNT(*) FROM habilitation h JOIN declaration d ON d.id = h.declaration_id "
        f"WHERE {cell} AND h.pay AND d.has_payment)"
    )
    migrator.migrate(
        migrator.add_index('establishment_declaration', ('declarers',)),
        migrator.add_index('establishment_declaration', ('payers',)),
        migrator.add_index('habilitation', ('active_from',)),
        migrator.add_index('habilitation', ('pay_active_from',)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index('habilitation', 'habilitation_active_from'),
        migrator.drop_index('habilitation', 'habilitation_pay_active_from'),
        migrator.drop_index('establishment_declaration', 'establishment_declaration_declarers'),
        migrator.drop_index('establishment_declaration', 'establishment_declaration_payers'),
        migrator.drop_column('establishment_declaration', 'declarers'),
        migrator.drop_column('establishment_declaration', 'payers'),
    )
