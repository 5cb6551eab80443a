"""What every benchmark shares: its one --database option (parsed here, the same for all), the
temporary SQLite file it defaults to, and a test client logged in as a firm's person.

Statements are counted with the tests' counter, tests.factories.queries.count_queries, as the
databases are prepared with the tests' tests.factories.database.prepare."""
import argparse
import atexit
import os
import shutil
import tempfile

from db.accounts import passwords
from db.database import database, is_postgres


def parser(doc):
    """The benchmark's argument parser, with --database URL; add its own options to it."""
    arguments = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    arguments.add_argument("--database", metavar="URL",
                           help="the database to measure on, sqlite:///… or postgresql://… (an empty one; "
                                "bench_tiles and bench_selections replace its firms); default: a temporary "
                                "SQLite file, removed at the end")
    return arguments


def database_url(args):
    """args.database, or a temporary SQLite file removed when the script ends."""
    if args.database:
        return args.database
    folder = tempfile.mkdtemp(prefix="bench-")
    atexit.register(shutil.rmtree, folder, True)
    return "sqlite:///" + os.path.join(folder, "bench.sqlite3")


def engine(url):
    return "PostgreSQL" if url.startswith("postgres") else "SQLite"


def replace_firms():
    """On a PostgreSQL database given with --database, remove the firms a previous run left (and all
    that hangs from them); a temporary SQLite file starts empty anyway."""
    if is_postgres():
        database.execute_sql("TRUNCATE firm RESTART IDENTITY CASCADE")


def logged_in_client(url, siret, nom, prenom, password):
    """A Flask test client of an app on url, logged in with the triplet (server time, no browser)."""
    from webapp import create_app

    passwords.set_rounds(4)
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "bench", "PASSWORD_HASH_ROUNDS": 4,
                      "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    login = client.post(
        "/connexion", data={"siret": siret, "nom": nom, "prenom": prenom, "password": password}
    )
    assert login.status_code == 302, login.status_code
    return app, client
