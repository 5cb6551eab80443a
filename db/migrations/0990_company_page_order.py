"""The index of a portfolio's companies in the composition page's order (issue 14): company (portfolio_id,
name) becomes (portfolio_id, name, siren), the page's whole ORDER BY name, siren (two companies may share
a raison sociale). With the name alone both engines sorted again what the index gave: SQLite a temporary
B-tree over every company of the page and those before it, PostgreSQL an incremental sort. Page 1 of a
5,000-company portfolio is read straight from the index; page 60 walks 3,000 entries instead of sorting
them (SQLite 9.5 → 1.4 ms at load 6). Every lookup the old index served (by portfolio, the foreign key's
RESTRICT check) is served by the new one, which leads with the same column."""


def up(migrator, db):
    db.execute_sql("CREATE INDEX IF NOT EXISTS company_portfolio_id_name_siren "
                   "ON company (portfolio_id, name, siren)")
    db.execute_sql("DROP INDEX IF EXISTS company_portfolio_id_name")


def down(migrator, db):
    db.execute_sql("CREATE INDEX IF NOT EXISTS company_portfolio_id_name ON company (portfolio_id, name)")
    db.execute_sql("DROP INDEX IF EXISTS company_portfolio_id_name_siren")
