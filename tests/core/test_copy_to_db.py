"""`flask db copy-to`: a SQLite installation copied into an empty PostgreSQL database (a schema of
its own in the test database), every table's rows and checksum equal on both sides, and the portal
working on the copy; a database that is not empty is refused and left as it was."""
import pytest

from db import clock
from db.database import database, init_database, open_database
from db.demo import DEMO_PASSWORD, DEMO_SIRET
from db.models import BulkImport, Portfolio
from tests.conftest import PortalClient
from tests.factories.clients import make_company, make_portfolio
from tests.factories.database import POSTGRES_URL
from tests.factories.firms import OTHER_SIRET, make_firm
from tests.factories.habilitations import establishments, grant
from webapp import create_app

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="needs TEST_POSTGRES_URL (scripts/test.sh sets it)")
SCHEMA = "copy_to_target"


@pytest.fixture
def target():
    """An empty PostgreSQL database: a new schema as the search path, dropped afterwards."""
    _run_on_postgres(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE", f"CREATE SCHEMA {SCHEMA}")
    yield f"{POSTGRES_URL}?options=-csearch_path%3D{SCHEMA}"
    _run_on_postgres(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")


def _run_on_postgres(*statements):
    db = open_database(POSTGRES_URL)  # the portal's models stay on the SQLite installation
    for statement in statements:
        db.execute_sql(statement)
    db.close_all()


def _counts(url):
    """{table: rows} of every table of the portal (not the migration history, nor SQLite's search index)."""
    db = open_database(url)
    try:
        return {t: db.execute_sql(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
                for t in db.get_tables()
                if t != "schema_migration" and not t.startswith("establishment_search")}
    finally:
        db.close_all() if hasattr(db, "close_all") else db.close()


def _copy(runner, url):
    result = runner.invoke(args=["db", "copy-to", url])
    database.close()
    return result


def test_demo_installation_is_copied_verified_usable_and_not_copied_twice(app, runner, sqlite_url, target):
    result = _copy(runner, target)
    assert result.exit_code == 0, result.output
    assert "Copie vérifiée" in result.output
    assert "DATABASE_URL" in result.output and "portal_test:•••@" in result.output
    source, copied = _counts(sqlite_url), _counts(target)
    assert copied == source and source["user"] == 3 and source["sirene_etablissement"] > 1000

    portal = create_app({"TESTING": True, "DATABASE_URL": target, "SECRET_KEY": "test-secret"})
    portal.test_client_class = PortalClient
    client = portal.test_client()
    page = client.post("/connexion", data={"siret": DEMO_SIRET, "nom": "MOUTIN", "prenom": "Claire",
                                           "password": DEMO_PASSWORD}, follow_redirects=True)
    assert "Vos déclarations" in page.get_data(as_text=True)
    with database.connection_context():  # sequences start after the copied ids
        added = Portfolio.create(firm=1, name="APRÈS LA COPIE", name_key="après la copie")
        assert added.id > max(p.id for p in Portfolio.select().where(Portfolio.id != added.id))
    database.close_all()

    init_database(sqlite_url)
    before = _counts(target)
    again = _copy(runner, target)
    assert again.exit_code != 0
    assert "La base PostgreSQL cible n’est pas vide" in again.output
    assert _counts(target) == before


CONTROL = "\\N \b\f\v\r fin"  # COPY's NULL as a text, and the control characters COPY escapes


def test_generated_firm_with_awkward_values_round_trips(app, runner, sqlite_url, target):
    with database.connection_context():
        firm, admin, [marc] = make_firm(OTHER_SIRET, "CABINET TEST", ("BERNARD", "Alice"),
                                        (("PETIT", "Marc"),))
        clients = make_portfolio(firm, "CLIENTS", codes=("DSN", "DPAE"), people=[marc])
        Portfolio.update(comment="ligne 1\nligne\t2 \\ fin « guillemets » \"x\", ''").where(
            Portfolio.id == clients.id).execute()
        company = make_company(firm, clients, "552100554", establishments=40)
        grant(marc, establishments(company), "DSN", pay=True, at=clock.now())
        BulkImport.create(firm=firm, actor=admin, content=b"\x00\\x\n\t;\xff" * 10, filename="f.csv")
        # Timestamps as other writers may have stored them: fractions, a T and an offset.
        Portfolio.update(created_at="2026-12-01 10:00:00.250000").where(Portfolio.id == clients.id).execute()
        BulkImport.update(applied_at="2026-12-01T10:00:00+02:00", filename=CONTROL).execute()
    result = _copy(runner, target)
    assert result.exit_code == 0, result.output
    assert _counts(target) == _counts(sqlite_url)
    init_database(target)
    with database.connection_context():
        copied = Portfolio.get(Portfolio.name == "CLIENTS")
        assert copied.comment == "ligne 1\nligne\t2 \\ fin « guillemets » \"x\", ''"
        assert bytes(BulkImport.get().content) == b"\x00\\x\n\t;\xff" * 10
        bulk = BulkImport.get()
        assert (bulk.filename, str(bulk.applied_at)) == (CONTROL, "2026-12-01 10:00:00")
        assert str(copied.created_at) == "2026-12-01 10:00:00.250000"
    database.close_all()


def test_a_right_naming_nobody_is_not_copied_and_the_copy_keeps_checking(app, runner, sqlite_url, target):
    """A habilitation's person is checked once per statement on PostgreSQL, not by a foreign key: the copy
    turns that check off for its rows, checks every reference once at the end, and leaves it on."""
    with database.connection_context():
        firm, _admin, [marc] = make_firm(OTHER_SIRET, "CABINET TEST", ("BERNARD", "Alice"),
                                         (("PETIT", "Marc"),))
        clients = make_portfolio(firm, "CLIENTS", codes=("DSN",), people=[marc])
        company = make_company(firm, clients, "552100554", establishments=3)
        grant(marc, establishments(company), "DSN", at=clock.now())
        database.execute_sql("PRAGMA foreign_keys = OFF")  # as a file written by another tool could be
        database.execute_sql("UPDATE habilitation SET user_id = 987654 "
                             "WHERE id = (SELECT min(id) FROM habilitation)")
        database.execute_sql("PRAGMA foreign_keys = ON")
    refused = _copy(runner, target)
    assert refused.exit_code != 0
    assert "Références introuvables (habilitation.user_id) : rien n’a été copié." in refused.output
    assert _counts(target) == {}

    with database.connection_context():
        database.execute_sql("DELETE FROM habilitation WHERE user_id = 987654")
    assert _copy(runner, target).exit_code == 0
    copy = open_database(target)
    copy.execute_sql("CREATE TEMPORARY TABLE stray AS SELECT * FROM habilitation LIMIT 1")
    copy.execute_sql("UPDATE stray SET id = id + 1000000, user_id = 987654")
    with pytest.raises(Exception, match="violates its reference habilitation.user_id"):
        copy.execute_sql("INSERT INTO habilitation SELECT * FROM stray")
    copy.close_all()
