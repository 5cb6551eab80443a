"""The habilitation grid's tally of ticked boxes per user × declaration × company × box state
(db/models/box_tally.py), filled from the habilitations already there. Written against the tables as
they are at this point of the history (explicit columns)."""
from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class Declaration(Model):
        class Meta:
            database = db
            table_name = "declaration"

    class Company(Model):
        class Meta:
            database = db
            table_name = "company"

    class BoxTally(Model):
        user = ForeignKeyField(User, on_delete="CASCADE")
        declaration = ForeignKeyField(Declaration, on_delete="CASCADE")
        company = ForeignKeyField(Company, on_delete="CASCADE")
        declare = BooleanField()
        pay = BooleanField()
        habilitations = IntegerField(default=0)

        class Meta:
            database = db
            table_name = "box_tally"
            indexes = ((("user", "declaration", "company", "declare", "pay"), True),)

    db.create_tables([BoxTally])
    db.execute_sql(
        "INSERT INTO box_tally (user_id, declaration_id, company_id, declare, pay, habilitations) "
        "SELECT h.user_id, h.declaration_id, e.company_id, h.declare, h.pay AND d.has_payment, COUNT(*) "
        "FROM habilitation h JOIN establishment e ON e.id = h.establishment_id "
        "JOIN declaration d ON d.id = h.declaration_id WHERE h.declare OR (h.pay AND d.has_payment) "
        "GROUP BY h.user_id, h.declaration_id, e.company_id, h.declare, h.pay AND d.has_payment"
    )


def down(migrator, db):
    db.execute_sql("DROP TABLE IF EXISTS box_tally")
