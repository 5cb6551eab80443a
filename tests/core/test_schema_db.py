"""Schema migrations (db/schema.py): the models and the migrations agree, and an old database upgrades
in place."""
import datetime

from playhouse.migrations import Runner

from db import schema
from db.database import database, init_database, is_postgres
from db.models import AuditEvent, Firm
from tests.factories.database import POSTGRES_URL, in_postgres_schema


def test_models_and_migrations_agree(db_engine):
    drift = schema.drift()
    assert not drift, f"models differ from db/migrations, generate a migration:\n{drift}"


def test_every_migration_is_applied(db_engine):
    assert all(applied for _, applied in schema.status())


def _upgrade_keeps_rows(url):
    """Create a database with the first migration only, write rows, upgrade, read them back."""
    db = init_database(url)
    runner = Runner(db, schema.MIGRATIONS_DIR)
    assert runner.up("0001_initial") == ["0001_initial"]
    db.execute_sql(
        "INSERT INTO firm (siret, name, address, is_active, created_at) VALUES (%s, %s, '', %s, %s)"
        if is_postgres() else
        "INSERT INTO firm (siret, name, address, is_active, created_at) VALUES (?, ?, '', ?, ?)",
        ("97785096500020", "AG CONSEIL", True, datetime.datetime(2026, 1, 2, 3, 4, 5)),
    )
    # Raw SQL while the schema is old: the models already describe the newest one.
    firm_id = db.execute_sql("SELECT id FROM firm").fetchone()[0]
    db.execute_sql(
        "INSERT INTO audit_event (firm_id, actor_name, at, action, object_type, object_id, summary) "
        f"VALUES ({firm_id}, '', '2026-01-02 00:00:00', 'test', '', '', 'avant')"
    )
    applied = schema.upgrade()
    assert "0001_initial" not in applied and applied  # only the later migrations ran
    firm = Firm.get(Firm.siret == "97785096500020")
    assert (firm.name, firm.created_at) == ("AG CONSEIL", datetime.datetime(2026, 1, 2, 3, 4, 5))
    assert AuditEvent.get(AuditEvent.firm == firm.id).summary == "avant"
    assert firm.manages_clients is True  # a column added later, filled for existing rows
    assert not schema.drift()


def test_sqlite_database_from_the_first_migration_upgrades_without_loss(tmp_path):
    _upgrade_keeps_rows(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    database.close()


def test_postgresql_database_from_the_first_migration_upgrades_without_loss():
    if not POSTGRES_URL:
        return  # scripts/test.sh always sets it; a bare `pytest` checks SQLite above
    in_postgres_schema("upgrade_test", _upgrade_keeps_rows)


def _security_migrations_keep_the_demo_firm(url):
    """A database at the head before 0100 holding the demo firm takes 0100, 0101 and the later
    migrations without loss."""
    from db.demo import create_demo
    from tests.factories.database import prepare

    prepare(url)  # migrated, with the catalogue and the Sirene sample the demo firm needs
    db = database.obj
    create_demo()
    runner = Runner(db, schema.MIGRATIONS_DIR)
    names = [name for name, _ in schema.status()]
    since = names[names.index("0100_sessions_throttling_outbox"):]  # 0100, 0101 and every later one
    runner.down("0100_sessions_throttling_outbox")  # back to the head before them, the firm kept
    assert [name for name, applied in schema.status() if not applied] == since
    applied = schema.upgrade()
    assert applied == since and not schema.drift()
    firm = Firm.get(Firm.siret == "97785096500020")
    assert firm.second_factor_required is False and firm.users.count() == 3


def test_the_security_migrations_upgrade_a_sqlite_database_holding_the_demo_firm(tmp_path):
    _security_migrations_keep_the_demo_firm(f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    database.close()


def test_the_security_migrations_upgrade_a_postgresql_database_holding_the_demo_firm():
    if not POSTGRES_URL:
        return  # scripts/test.sh always sets it; a bare `pytest` checks SQLite above
    in_postgres_schema("security_upgrade", _security_migrations_keep_the_demo_firm)


def test_every_siret_and_siren_column_compares_bytes_and_the_check_names_one_that_does_not(db_engine):
    """PostgreSQL: the SIRET and SIREN columns are under "C" (migration 0981), as IdentifierField
    declares; schema.drift() names a column set back to the default collation. SQLite: nothing named."""
    if not is_postgres():
        assert not schema.drift().collations
        return
    collations = database.execute_sql(
        "SELECT table_name, collation_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND column_name IN ('siret', 'siren')").fetchall()
    assert len(collations) == 11 and {collation for _, collation in collations} == {"C"}
    with database.atomic() as transaction:
        database.execute_sql('ALTER TABLE establishment ALTER COLUMN siret TYPE varchar(14) '
                             'COLLATE pg_catalog."default"')
        assert schema.drift().collations == [("establishment", "siret", "C", "default")]
        transaction.rollback()
    assert not schema.drift()
