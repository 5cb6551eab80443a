"""Data a journey needs before it starts, written into the live server's database by a separate
Python process (the same factories as the tests), so that the browser then finds it as a user would."""
import subprocess
import sys

from e2e.conftest import ROOT, _env

PRELUDE = """
from db.database import database, init_database
init_database({url!r})
database.connect()
"""


def seed(live_server, code):
    """Run code (Python using db/ and tests/factories) against the live server's database."""
    script = PRELUDE.format(url=f"sqlite:///{live_server.database_path}") + code
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, capture_output=True, text=True,
                   env=_env(live_server.database_path, live_server.instance_path))
