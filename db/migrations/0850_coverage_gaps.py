"""The Couverture's gaps per company × declaration (db/models/coverage_gaps.py): the cells of active
establishments held by nobody or one person, for Déclarer and for Payer, filled from the cells'
maintained holders (migration 0740); and their sums per portfolio × declaration. Written against the tables as they are at this point of the
history (explicit columns)."""
from peewee import *


def up(migrator, db):
    class Company(Model):
        class Meta:
            database = db
            table_name = "company"

    class Declaration(Model):
        class Meta:
            database = db
            table_name = "declaration"

    class Portfolio(Model):
        class Meta:
            database = db
            table_name = "portfolio"

    def gaps(name, table, owner=Company):  # one class per table: the index names follow its name
        key = owner._meta.table_name
        fields = {key: ForeignKeyField(owner, on_delete="CASCADE", index=False),
                  "declaration": ForeignKeyField(Declaration, on_delete="CASCADE"),
                  "holders": IntegerField(), "cells": IntegerField(default=0)}
        meta = type("Meta", (), {"database": db, "table_name": table,
                                 "indexes": (((key, "declaration", "holders"), True),)})
        return type(name, (Model,), {**fields, "Meta": meta})

    db.create_tables([gaps("DeclareGaps", "coverage_gap_declare"), gaps("PayGaps", "coverage_gap_pay"),
                      gaps("PortfolioDeclareGaps", "coverage_portfolio_gap_declare", Portfolio),
                      gaps("PortfolioPayGaps", "coverage_portfolio_gap_pay", Portfolio)])
    for right, column in (("declare", "declarers"), ("pay", "payers")):
        db.execute_sql(
            f"INSERT INTO coverage_gap_{right} (company_id, declaration_id, holders, cells) "
            f"SELECT e.company_id, ed.declaration_id, ed.{column}, COUNT(*) FROM establishment_declaration ed "
            f"JOIN establishment e ON e.id = ed.establishment_id WHERE ed.{column} <= 1 AND e.is_active "
            f"GROUP BY e.company_id, ed.declaration_id, ed.{column}"
        )
        db.execute_sql(
            f"INSERT INTO coverage_portfolio_gap_{right} (portfolio_id, declaration_id, holders, cells) "
            f"SELECT c.portfolio_id, g.declaration_id, g.holders, SUM(g.cells) FROM coverage_gap_{right} g "
            "JOIN company c ON c.id = g.company_id GROUP BY c.portfolio_id, g.declaration_id, g.holders"
        )


def down(migrator, db):
    db.execute_sql("DROP TABLE IF EXISTS coverage_gap_declare")
    db.execute_sql("DROP TABLE IF EXISTS coverage_gap_pay")
    db.execute_sql("DROP TABLE IF EXISTS coverage_portfolio_gap_declare")
    db.execute_sql("DROP TABLE IF EXISTS coverage_portfolio_gap_pay")
