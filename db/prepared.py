"""Queries run on every request, their SQL text built once per database instead of once per call.

Peewee turns a query into SQL by walking its expression tree: for the session's query (34 columns,
two joins) that walk costs ~1.5 ms, twenty times the query itself (~0.07 ms on SQLite). A `Prepared`
query is built once per database with a marker in place of each value that changes from call to
call, compiled, and then run with the values put back at the markers' places in the parameters;
its rows come back through the query's own cursor wrapper (models, joined models, tuples), exactly
as the query would return them.

    by_token = Prepared(lambda token: UserSession.select(...).where(UserSession.token_hash == token), str)
    row = by_token.first(digest)

Values are passed as the database stores them (str, int, datetime): a marker goes through the
field's db_value unchanged, so the values that replace it must already be stored values. A moment
computed from another (now + 24 hours) is a marker of its own.

On PostgreSQL a query made with `server_side=True` is also prepared by the server, once per pooled
connection (PREPARE, then EXECUTE with the values): planning the dashboard's counts (four subqueries)
took 2.5–8 ms of server time on every request, its execution 0.5 ms. Only queries whose parameters'
types PostgreSQL can infer from their places (compared with a column, LIMIT, OFFSET) may be.
"""
import datetime
import itertools
import weakref

from peewee import PostgresqlDatabase

from db.database import database

_TEXT_MARK = "\x00prepared-{}\x00"
_INT_MARK = -(2**62)  # never an id, a count or a flag
_TIME_MARK = datetime.datetime(1, 1, 1)  # + i microseconds: never a moment the portal stores


class Prepared:
    """A query of fixed shape; build(*markers) returns it, kinds are the markers' types (str, int or
    datetime.datetime)."""

    def __init__(self, build, *kinds, server_side=False):
        self.build = build
        self.kinds = kinds
        self.server_side = server_side
        self._compiled = weakref.WeakKeyDictionary()  # database -> (query, sql, params, places, statement)

    def _markers(self):
        return [_TEXT_MARK.format(i) if kind is str
                else _TIME_MARK + datetime.timedelta(microseconds=i) if kind is datetime.datetime
                else _INT_MARK - i for i, kind in enumerate(self.kinds)]

    def _compile(self, db):
        markers = self._markers()
        query = self.build(*markers)
        sql, params = db.get_sql_context().sql(query).query()
        places = [(position, markers.index(value)) for position, value in enumerate(params)
                  if isinstance(value, (str, int, datetime.datetime)) and not isinstance(value, bool)
                  and value in markers]
        if {index for _, index in places} != set(range(len(markers))):
            raise ValueError("Prepared: every marker must appear in the query's parameters")
        statement = _server_statement(sql, len(params)) if self.server_side else None
        if statement and isinstance(db, PostgresqlDatabase):
            sql = statement[1]
        else:
            statement = None
        compiled = self._compiled[db] = (query, sql, list(params), places, statement)
        return compiled

    def execute(self, *values):
        """The query's rows (an iterable cursor wrapper) for these values."""
        query, cursor = self._run(values)
        return query._get_cursor_wrapper(cursor)

    def cursor(self, *values):
        """The database's own cursor of the query for these values: rows as tuples of stored values, in
        the order of the query's columns, for a caller that builds its objects itself."""
        return self._run(values)[1]

    def _run(self, values):
        db, query, sql, params = self._bound(values)
        return query, db.execute_sql(sql, params)

    def _bound(self, values):
        """(database, query, SQL, parameters) for these values, the statement prepared on the
        connection when it is one."""
        if len(values) != len(self.kinds):
            raise TypeError(f"Prepared: {len(self.kinds)} values expected, {len(values)} given")
        db = database.obj
        query, sql, params, places, statement = self._compiled.get(db) or self._compile(db)
        params = list(params)
        for position, index in places:
            params[position] = values[index]
        if statement:
            _prepare_on_connection(db, statement)
        return db, query, sql, params

    def plan(self, *values):
        """The lines of the plan the database runs for these values (PostgreSQL: EXPLAIN of the EXECUTE,
        the prepared statement's own plan; SQLite: EXPLAIN QUERY PLAN), for the tests of a plan's shape."""
        db, _, sql, params = self._bound(values)
        explain = "EXPLAIN " if isinstance(db, PostgresqlDatabase) else "EXPLAIN QUERY PLAN "
        return [str(row[-1]) for row in db.execute_sql(explain + sql, params).fetchall()]

    def first(self, *values):
        """The first row, or None (the query itself says LIMIT 1 when it wants it)."""
        return next(iter(self.execute(*values)), None)


_STATEMENT_NUMBERS = itertools.count(1)
_PREPARED_ON = weakref.WeakKeyDictionary()  # PostgreSQL connection -> names of the statements it prepared


def _server_statement(sql, count):
    """(PREPARE statement, EXECUTE statement with %s for the values) of sql, or None when its text holds
    a percent sign that is not a parameter's."""
    if sql.count("%") != sql.count("%s") or sql.count("%s") != count:
        return None
    name = f"portal_prepared_{next(_STATEMENT_NUMBERS)}"
    first, *parts = sql.split("%s")
    body = first + "".join(f"${number}{part}" for number, part in enumerate(parts, 1))
    arguments = f"({', '.join(['%s'] * count)})" if count else ""
    return f"PREPARE {name} AS {body}", f"EXECUTE {name}{arguments}"


def _prepare_on_connection(db, statement):
    """PREPARE the statement on the connection in use unless it already did (a prepared statement
    lives as long as its connection, whatever the transactions do)."""
    connection = db.connection()
    names = _PREPARED_ON.get(connection)
    if names is None:
        names = _PREPARED_ON[connection] = set()
    if statement[0] not in names:  # once in the connection's life, not a statement of the request
        with connection.cursor() as cursor:
            cursor.execute(statement[0])
        names.add(statement[0])


_SHAPED = {}
_SHAPED_LIMIT = 2000  # shapes are few (which criteria are set, list lengths); a bound all the same


def shaped(key, build, *kinds, server_side=False):
    """The Prepared query of this key, made on first use. The key names the query and whatever fixes its
    SQL text beyond its values: which criteria are set, the lengths of its IN lists."""
    prepared = _SHAPED.get(key)
    if prepared is None:
        if len(_SHAPED) >= _SHAPED_LIMIT:
            _SHAPED.clear()
        prepared = _SHAPED[key] = Prepared(build, *kinds, server_side=server_side)
    return prepared


def ints(n):
    """The kinds of n integer markers."""
    return (int,) * n
