"""The pending ticks the grid's form carries, read into Edits (nothing is looked up here).

Edits are what the administrator asked for: "Tout (dé)cocher" of a column over every cell of
the search (bulk: Déclarer or Payer of every service of « Vue liste »; columns: Déclarer or Payer
of one service, a column of the matrix grid, over every result), the copy of another person's
rights ("Mêmes habilitations que…"), and boxes ticked one by one (cells), applied in that order.
A malformed token names nothing: 404.
"""
import datetime
from dataclasses import dataclass, field

from db import clock
from db.errors import Invalid, NotFound
from db.fields import record_id

DECLARE, PAY = "declare", "pay"
COLUMNS = {"d": DECLARE, "p": PAY}
MAX_CELLS = 200_000


@dataclass
class Edits:
    bulk: dict = field(default_factory=dict)  # column -> bool, over every cell of the criteria
    columns: dict = field(default_factory=dict)  # (declaration id, column) -> bool, over every result
    cells: dict = field(default_factory=dict)  # (establishment, declaration, user) -> {column: bool}
    copy: tuple = None  # (target user id, source user id)
    seen: set = field(default_factory=set)  # every cell the form named, changed or not
    until: object = None  # « jusqu'au »: when the rights granted by these edits end (None: never)
    ends: dict = field(default_factory=dict)  # (establishment, declaration, user) -> its own end (files)

    def is_empty(self):
        return not (self.bulk or self.columns or self.cells or self.copy)

    def bulks(self):
        """[(key, declaration id or None for every service, column, value)], key as in Plan.bulk_changed."""
        return [(column, None, column, value) for column, value in self.bulk.items()] + [
            ((declaration, column), declaration, column, value)
            for (declaration, column), value in self.columns.items()
        ]

    def columns_text(self):
        """The column ticks as the matrix's form carries them: "declaration-c-v" separated by spaces."""
        letters = {DECLARE: "d", PAY: "p"}
        return " ".join(f"{d}-{letters[c]}-{int(v)}" for (d, c), v in self.columns.items())

    def token_text(self):
        """The cells as the grid's form carries them: "e-d-u-c-v" separated by spaces."""
        letters = {DECLARE: "d", PAY: "p"}
        return " ".join(
            f"{e}-{d}-{u}-{letters[col]}-{int(v)}"
            for (e, d, u), cols in self.cells.items()
            for col, v in cols.items()
        )


def _ints(parts):
    ids = tuple(record_id(p) for p in parts)
    if None in ids:
        raise NotFound()
    return ids


def bulk_value(value):
    text = (value or "").strip()
    if text not in ("", "0", "1"):
        raise NotFound()
    return None if text == "" else text == "1"


def parse_columns(text):
    """{(declaration id, column): value} from "declaration-c-v" tokens."""
    columns = {}
    for token in (text or "").split():
        parts = token.split("-")
        if len(parts) != 3 or parts[1] not in COLUMNS or parts[2] not in ("0", "1"):
            raise NotFound()
        columns[(_ints(parts[:1])[0], COLUMNS[parts[1]])] = parts[2] == "1"
    return columns


def parse_edits(bulk_declare="", bulk_pay="", changes="", shown=(), declare_ticked=(), pay_ticked=(),
                columns=""):
    """Edits from the grid's form: bulk_* ("", "1", "0"), columns ("d-c-v" tokens), changes ("e-d-u-c-v"
    tokens), and the boxes of the page shown ("e-d-u-D-P" as rendered, x for no box) with those
    ticked now ("e-d-u")."""
    edits = Edits()
    for column, value in ((DECLARE, bulk_declare), (PAY, bulk_pay)):
        value = bulk_value(value)
        if value is not None:
            edits.bulk[column] = value
    edits.columns = parse_columns(columns)
    tokens = (changes or "").split()
    if len(tokens) + len(shown) > MAX_CELLS:
        raise Invalid({"__all__": "Trop de modifications en une fois : validez-les par parties."})
    for token in tokens:
        parts = token.split("-")
        if len(parts) != 5 or parts[3] not in COLUMNS or parts[4] not in ("0", "1"):
            raise NotFound()
        edits.cells.setdefault(_ints(parts[:3]), {})[COLUMNS[parts[3]]] = parts[4] == "1"
    ticked = {DECLARE: set(declare_ticked), PAY: set(pay_ticked)}
    for token in ticked[DECLARE] | ticked[PAY]:
        parts = token.split("-")
        if len(parts) != 3:
            raise NotFound()
        edits.seen.add(_ints(parts))
    for token in shown:
        parts = token.split("-")
        if len(parts) != 5 or not {parts[3], parts[4]} <= {"0", "1", "x"}:
            raise NotFound()
        key = _ints(parts[:3])
        edits.seen.add(key)
        for column, rendered in ((DECLARE, parts[3]), (PAY, parts[4])):
            now_ticked = "-".join(parts[:3]) in ticked[column]
            if rendered != "x" and now_ticked != (rendered == "1"):
                edits.cells.setdefault(key, {})[column] = now_ticked
    return edits


UNTIL_FORMAT = "La date de fin (« jusqu\u2019au ») s\u2019écrit jj/mm/aaaa, par exemple 04/12/2026."
UNTIL_PAST = ("La date de fin (« jusqu\u2019au ») est passée : choisissez aujourd\u2019hui "
              "ou une date à venir.")


def parse_until(text, field_name="until"):
    """The end of the rights granted, from « jusqu'au » (jj/mm/aaaa, Paris day, included): the next
    midnight in Paris as naive UTC, the moment they stop being usable; None when empty. Invalid
    (under field_name) for another format or a day already over."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        day = datetime.datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        raise Invalid({field_name: UNTIL_FORMAT}) from None
    if day < clock.to_paris(clock.now()).date():
        raise Invalid({field_name: UNTIL_PAST})
    return clock.paris_day_start(day + datetime.timedelta(days=1))


def overlay(grid_page, edits):
    """Show the pending edits on the page's boxes (bulk first, then the boxes ticked one by one)."""
    for cell in grid_page.cells:
        if "declare" in edits.bulk:
            cell.declare = edits.bulk["declare"]
        if "pay" in edits.bulk and cell.has_payment:
            cell.pay = edits.bulk["pay"]
        columns = edits.cells.get((cell.establishment_id, cell.declaration_id, cell.person.id), {})
        cell.declare = columns.get("declare", cell.declare)
        cell.pay = columns.get("pay", cell.pay) and cell.has_payment
