"""The daily update of the directory from INSEE's API Sirene 3.11 (`flask sirene update`).

The establishments that INSEE processed on a day are asked for with
`q=dateDernierTraitementEtablissement:[jourT00:00:00 TO jourT23:59:59]`, 1,000 at a time, following
`curseurSuivant` until it stops changing; a 429 (quota) waits what Retry-After says, a bounded number
of times (db/sirene/online.py). Every page is fetched before anything is written: a failure of the
source, at any page, leaves the directory as it was.

The rows are then merged into the live directory in one transaction (an upsert by SIRET / SIREN),
not through the stock import's staging tables: those rebuild the whole directory (millions of rows,
minutes), for a day's few thousand changed rows an upsert of just them is as atomic and much shorter.
Then the same comparison as after a stock import writes the Veille Sirene report of each firm whose
clients changed, and notifies its administrators (db/clients/directory_changes.py).
"""
from dataclasses import dataclass

from peewee import chunked

from db.bulk import insert_statement
from db.database import database
from db.models import DirectoryEstablishment, DirectoryUnit
from db.sirene.online import PAGE_SIZE, establishment_row, unit_row

MAX_PAGES = 2000  # 2,000,000 rows: far more than INSEE processes in a day


@dataclass
class DailyUpdate:
    day: str
    units: int = 0
    establishments: int = 0
    notices: int = 0


def fetch_day(api, day):
    """(unit rows, establishment rows) of the establishments INSEE processed on day (AAAA-MM-JJ)."""
    query = f"dateDernierTraitementEtablissement:[{day}T00:00:00 TO {day}T23:59:59]"
    items, cursor = [], "*"
    for _ in range(MAX_PAGES):
        page = api.get({"q": query, "nombre": PAGE_SIZE, "curseur": cursor})
        if page is None:  # the API answers 404 when nothing matches
            break
        items.extend(i for i in page.get("etablissements") or [] if i.get("siret") and i.get("siren"))
        header = page.get("header") or {}
        following = header.get("curseurSuivant")
        if not following or following == header.get("curseur", cursor):
            break
        cursor = following
    by_siren = {}
    for item in items:
        by_siren.setdefault(item["siren"], []).append(item)
    units = [unit_row(siren, its) for siren, its in sorted(by_siren.items())]
    return units, [establishment_row(item) for item in items]


def update_directory(api, day):
    """Fetch the day's changes, merge them, write the reports; returns a DailyUpdate. Raises
    OnlineDirectoryError (French message) with nothing written when the source fails."""
    from db.clients import directory_changes

    units, establishments = fetch_day(api, day)
    done = DailyUpdate(day, len(units), len(establishments))
    if not establishments:
        return done
    before = directory_changes.before_import()
    with database.atomic():
        _upsert(DirectoryUnit, units)
        _upsert(DirectoryEstablishment, establishments)
        done.notices = directory_changes.notify_changes(before, source="api")
    return done


def _upsert(model, rows):
    fields = list(rows[0])
    statement = insert_statement(model, fields, conflict_key=model._meta.primary_key.name)
    cursor = database.cursor()
    for batch in chunked(rows, 1000):
        cursor.executemany(statement, [tuple(model._meta.fields[f].db_value(row[f]) for f in fields)
                                       for row in batch])
