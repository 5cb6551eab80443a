"""Drop the indexes of client companies, establishments and their declarations that a wider index
already leads with (issue 14): company (firm_id) and (portfolio_id), company_declaration (company_id),
establishment (firm_id) and (company_id), establishment_declaration (establishment_id) and
(declaration_id). Adding a company of 9,000 establishments fed each of them for 9,000 rows, for
nothing: every lookup they served (foreign keys' cascades included) is served by the wider one."""

INDEXES = {
    "company_firm_id": ("company", "firm_id"),
    "company_portfolio_id": ("company", "portfolio_id"),
    "companydeclaration_company_id": ("company_declaration", "company_id"),
    "establishment_firm_id": ("establishment", "firm_id"),
    "establishment_company_id": ("establishment", "company_id"),
    "establishmentdeclaration_establishment_id": ("establishment_declaration", "establishment_id"),
    "establishmentdeclaration_declaration_id": ("establishment_declaration", "declaration_id"),
}


def up(migrator, db):
    for name in INDEXES:
        db.execute_sql(f"DROP INDEX IF EXISTS {name}")


def down(migrator, db):
    for name, (table, column) in INDEXES.items():
        db.execute_sql(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column})")
