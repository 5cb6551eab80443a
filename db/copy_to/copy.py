"""Copy a running SQLite installation into an empty PostgreSQL database (`flask db copy-to`).

1. The target must be empty (no table in its schema): the copy never merges into existing data.
2. The schema is built there by the migrations, as `flask db upgrade` would (the source must be up
   to date, so that both have the same columns).
3. The rows are read from one snapshot of the SQLite file (a read transaction: the portal may keep
   running, its later writes are not copied) and written with COPY, table after table in the order
   of their foreign keys, in one transaction on the target, with the indexes and the primary, unique
   and foreign keys built again once all the rows are in (as a restore of pg_dump does); sequences then start
   after the highest id. SQLite itself writes each row as a line of COPY's text format
   (checksum.py): Python only moves bytes.
   Text longer than its varchar column (SQLite does not enforce lengths) is cut to it, as the
   Sirene import on PostgreSQL does.
4. Before that transaction commits, each table is read back with COPY … TO, in the order of its key:
   its row count and the MD5 of its text must equal those of the lines sent.

Any failure rolls the data back and drops the tables the copy created: the target is left empty.
"""
import contextlib
import hashlib
from dataclasses import dataclass
from urllib.parse import urlparse

from playhouse.migrations import Runner

from db.copy_to import references as copy_references
from db.copy_to.catalog import (
    CopyError,
    columns_of,
    drop_everything,
    in_dependency_order,
    primary_keys,
    quote,
    reset_sequences,
    set_aside_indexes_and_keys,
)
from db.copy_to.checksum import Hashing, pg_timestamp, source_lines, target_lines
from db.database import database, is_postgres, open_database
from db.schema import MIGRATIONS_DIR

HISTORY = "schema_migration"  # each database keeps its own migration history
ROWS_PER_COPY = 20000
SORT_MEMORY = "256MB"  # indexes, keys and the verification are built by sorts: in memory, not on disk
COPY_BUFFER = 1 << 20  # bytes handed to the driver at a time
TEXT_TYPES = ("text", "character varying", "character")


@dataclass
class TableCopy:
    name: str
    rows: int = 0
    checksum: str = ""  # MD5 of the COPY text sent
    copied_rows: int = 0
    copied_checksum: str = ""  # MD5 of the same table read back from the target

    @property
    def equal(self):
        return (self.rows, self.checksum) == (self.copied_rows, self.copied_checksum)

    @property
    def checksum_hex(self):
        return self.checksum[:16]


def copy_to(target_url, progress=None):
    """Copy the current (SQLite) database into the empty PostgreSQL database at target_url; returns
    [TableCopy] (all equal), or raises CopyError with nothing left in the target."""
    if is_postgres():
        raise CopyError("La base actuelle est déjà PostgreSQL : copy-to copie une installation SQLite.")
    if urlparse(target_url).scheme not in ("postgres", "postgresql"):
        raise CopyError("Indiquez la base cible sous la forme postgresql://utilisateur:mot-de-passe@hôte/base.")
    _require_up_to_date()
    target = _connect(target_url)
    try:
        tables = target.get_tables()
        if tables:
            raise CopyError(f"La base PostgreSQL cible n’est pas vide ({len(tables)} table(s), dont "
                            f"« {tables[0]} ») : copy-to n’écrit que dans une base vide. Créez-en une "
                            "nouvelle (createdb) ou videz celle-ci.")
        try:
            with _bound(target):
                Runner(target, MIGRATIONS_DIR).up()
            return _copy_data(target, progress)
        except BaseException:
            drop_everything(target)
            raise
    finally:
        target.close_all()


def _require_up_to_date():
    pending = [m.name for m in Runner(database.obj, MIGRATIONS_DIR).status() if not m.applied]
    if pending:
        raise CopyError(f"La base SQLite n’est pas à jour ({len(pending)} migration(s) en attente) : "
                        "lancez d’abord « flask --app webapp db upgrade ».")


def _connect(url):
    target = open_database(url)
    try:
        target.connect()
    except Exception as exc:  # the driver's errors: refused, unknown database, wrong password
        raise CopyError(f"Connexion à la base PostgreSQL cible impossible : {str(exc).strip()}") from None
    return target


@contextlib.contextmanager
def _bound(target):
    """Models bound to the target while the migrations run (some read through the models)."""
    source = database.obj
    database.initialize(target)
    try:
        yield
    finally:
        database.initialize(source)


def _copy_data(target, progress):
    order = in_dependency_order(target, [t for t in target.get_tables() if t != HISTORY])
    source = database.obj
    source.connection().create_function("pg_timestamp", 1, pg_timestamp, deterministic=True)
    source.execute_sql("BEGIN")  # one snapshot of the whole file (WAL: writers go on)
    try:
        with target.atomic():
            # Nothing is visible before the commit, and a crash before it leaves nothing to keep.
            target.execute_sql("SET LOCAL synchronous_commit = off")
            target.execute_sql("SET LOCAL DateStyle = 'ISO, YMD'")  # the timestamps' text read back
            target.execute_sql(f"SET LOCAL maintenance_work_mem = '{SORT_MEMORY}'")  # the rebuild's sorts
            target.execute_sql(f"SET LOCAL work_mem = '{SORT_MEMORY}'")  # the verification's, in key order
            catalog, keys = columns_of(target), primary_keys(target)
            rebuild = set_aside_indexes_and_keys(target)
            references = copy_references.statement_checked(target)
            copy_references.turn_off(target, references)
            copies = [_copy_table(source, target, table, catalog[table], keys.get(table)) for table in order]
            for statement in rebuild:  # built once over all the rows, as pg_dump's restore does
                target.execute_sql(statement)
            missing = copy_references.turn_on_and_check(target, references)
            if missing:
                raise CopyError(f"Références introuvables ({', '.join(missing)}) : rien n’a été copié.")
            for copy in copies:
                _verify(target, copy, catalog[copy.name], keys.get(copy.name))
                if progress:
                    progress(copy)
            reset_sequences(target, catalog, order)
            wrong = [c.name for c in copies if not c.equal]
            if wrong:
                raise CopyError(f"Vérification échouée pour {', '.join(wrong)} : rien n’a été copié.")
        return copies
    finally:
        source.execute_sql("COMMIT")


def _copy_table(source, target, table, columns, key):
    """One COPY of the lines SQLite writes for the table's rows, streamed: PostgreSQL reads a part
    while SQLite writes the next (two processes, two cores)."""
    lines = _Lines(table, source.execute_sql(source_lines(table, columns, key or [c.name for c in columns])))
    names = ", ".join(quote(c.name) for c in columns)
    target.cursor().copy_expert(f"COPY {quote(table)} ({names}) FROM STDIN", lines, size=COPY_BUFFER)
    return TableCopy(table, lines.rows, lines.digest.hexdigest())


class _Lines:
    """The file COPY … FROM reads: the SQLite cursor's lines, counted and hashed as they are sent."""

    def __init__(self, table, cursor):
        self.table, self.cursor, self.rows, self.digest = table, cursor, 0, hashlib.md5(usedforsecurity=False)
        self.pending = b""

    def read(self, size=-1):
        while len(self.pending) < size or size < 0:
            rows = self.cursor.fetchmany(ROWS_PER_COPY)
            if not rows:
                break
            lines = [line for (line,) in rows]
            if None in lines:  # a NULL where PostgreSQL's column is NOT NULL
                raise CopyError(f"Valeur manquante dans la table {self.table} : copie impossible.")
            text = ("\n".join(lines) + "\n").encode("utf-8")
            self.rows += len(rows)
            self.digest.update(text)
            self.pending += text
        if size < 0:
            size = len(self.pending)
        part, self.pending = self.pending[:size], self.pending[size:]
        return part


def _verify(target, copy, columns, key):
    """Read the copied rows back in the same order: their count and the MD5 of their text."""
    text_columns = {c.name for c in columns if c.data_type in TEXT_TYPES}
    statement = target_lines(copy.name, columns, key or [c.name for c in columns], text_columns)
    reading = Hashing()
    cursor = target.cursor()
    cursor.copy_expert(statement, reading, size=COPY_BUFFER)
    copy.copied_rows, copy.copied_checksum = cursor.rowcount, reading.digest.hexdigest()


def masked(url):
    """The URL with its password hidden, as printed."""
    parsed = urlparse(url)
    if not parsed.password:
        return url
    return url.replace(f":{parsed.password}@", ":•••@", 1)


def next_steps(target_url):
    """What to change in the configuration once the copy is verified (French)."""
    return (
        "Pour passer le portail sur PostgreSQL :\n"
        "  1. arrêtez le portail (les écritures faites depuis la copie n’y sont pas) ;\n"
        f"  2. dans instance/config.py ou l’environnement, réglez DATABASE_URL = \"{masked(target_url)}\" "
        "(avec le vrai mot de passe) ;\n"
        "  3. lancez « flask --app webapp setup » (rien à migrer : le schéma est à jour) puis redémarrez "
        "le portail, avec plusieurs workers gunicorn si besoin ;\n"
        "  4. gardez le fichier SQLite comme sauvegarde : il n’est plus modifié."
    )
