"""Queries whose SQL is built once (db/prepared.py): the rows they return are those of the query run
the ordinary way, for every value they are given, on both engines, and the SQL is not rebuilt."""
import datetime

import pytest

from db.models import Declaration, Firm, User
from db.prepared import Prepared
from tests.factories.queries import count_queries


def _people(firm_id, nom):
    return (User.select(User.id, User.nom, Firm.name).join(Firm)
            .where((User.firm == firm_id) & (User.nom != nom)).order_by(User.id))


def test_rows_are_those_of_the_query_for_every_value(demo_firm):
    prepared = Prepared(_people, int, str)
    other = Firm.create(siret="73282932000074", name="AUTRE CABINET", address="PARIS")
    User.create(firm=other.id, role="admin", nom="SEUL", prenom="Ana", nom_key="seul", prenom_key="ana",
                email="seul@example.test", password_hash="x")
    for firm_id, nom in ((demo_firm.id, "DURAND"), (demo_firm.id, "nobody"), (other.id, "DURAND"),
                         (other.id, "SEUL")):
        expected = [(u.id, u.nom, u.firm.name) for u in _people(firm_id, nom)]
        with count_queries() as statements:
            found = [(u.id, u.nom, u.firm.name) for u in prepared.execute(firm_id, nom)]
        assert found == expected and statements() == 1
    assert [u.nom for u in prepared.execute(other.id, "DURAND")] == ["SEUL"]


def test_the_sql_is_built_once_per_database(demo_firm, monkeypatch):
    prepared = Prepared(lambda code: Declaration.select().where(Declaration.code == code).limit(1), str)
    assert prepared.first("DSN").code == "DSN"
    built = []
    monkeypatch.setattr(prepared, "build", lambda *markers: built.append(markers))
    assert prepared.first("DPAE").code == "DPAE"
    assert prepared.first("nothing") is None
    assert built == []


def test_a_value_the_query_does_not_take_is_refused(demo_firm):
    unused = Prepared(lambda code, other: Declaration.select().where(Declaration.code == code), str, str)
    with pytest.raises(ValueError):
        unused.execute("DSN", "DPAE")
    with pytest.raises(TypeError):
        Prepared(lambda code: Declaration.select().where(Declaration.code == code), str).execute()


def _created_between(firm_id, after, until):
    return (User.select(User.nom).where((User.firm == firm_id) & (User.created_at > after)
                                        & (User.created_at <= until)).order_by(User.nom).tuples())


def test_moments_are_values_too(demo_firm):
    prepared = Prepared(_created_between, int, datetime.datetime, datetime.datetime)
    moments = sorted({u.created_at for u in User.select().where(User.firm == demo_firm.id)})
    second = datetime.timedelta(seconds=1)
    for after, until in ((moments[0] - second, moments[-1]), (moments[-1], moments[-1] + second),
                         (moments[0], moments[0] + datetime.timedelta(days=3650))):
        expected = list(_created_between(demo_firm.id, after, until))
        assert list(prepared.execute(demo_firm.id, after, until)) == expected
    assert list(prepared.execute(demo_firm.id, moments[0] - second, moments[-1]))  # not vacuous


def test_a_server_side_query_returns_the_same_rows_and_is_prepared_once_per_connection(demo_firm):
    from db.database import database, is_postgres

    prepared = Prepared(_created_between, int, datetime.datetime, datetime.datetime, server_side=True)
    after, until = datetime.datetime(2000, 1, 1), datetime.datetime(2100, 1, 1)
    expected = list(_created_between(demo_firm.id, after, until))
    assert expected
    for _ in range(3):
        with count_queries() as statements:
            assert list(prepared.execute(demo_firm.id, after, until)) == expected
        assert statements() == 1
    with pytest.raises(RuntimeError), database.atomic():  # a transaction rolled back keeps it prepared
        assert list(prepared.execute(demo_firm.id, after, until)) == expected
        raise RuntimeError
    assert list(prepared.execute(demo_firm.id, until, until)) == []
    if is_postgres():
        (count,) = database.execute_sql("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                                        ('%"created_at" > $2%',)).fetchone()
        assert count == 1


def test_the_cursor_gives_the_rows_as_stored_tuples(demo_firm):
    prepared = Prepared(lambda firm_id, nom: _people(firm_id, nom).tuples(), int, str)
    expected = [tuple(row) for row in _people(demo_firm.id, "nobody").tuples()]
    assert expected and prepared.cursor(demo_firm.id, "nobody").fetchall() == expected
