"""What one page of the matrix grid holds (db/habilitations/matrix_rows.py fills it): its lines, each
line's Déclarer and Payer boxes per service, and how many boxes of each column are ticked over every
result."""
import math
from dataclasses import dataclass, field


@dataclass
class Box:
    """The Déclarer and Payer boxes of one cell of the grid."""

    key: str  # "establishment-declaration-user", as the form posts it
    payable: bool = False  # the service carries a Payer box
    declare: bool = False
    pay: bool = False
    saved_declare: bool = False
    saved_pay: bool = False
    declare_from: object = None  # when a held right becomes usable, while it is still to come
    pay_from: object = None
    until: object = None  # « jusqu'au »: when the held rights end (exclusive), None: no end

    @property
    def pending(self):
        return (self.declare, self.pay) != (self.saved_declare, self.saved_pay)

    @property
    def complete(self):
        return self.declare and (self.pay or not self.payable)


@dataclass
class Line:
    """A line of the grid: an establishment (par déclarant) or a person (par établissement)."""

    ref: int  # establishment or person id
    title: str  # the SIRET, or the person's name
    name: str = ""  # enseigne (or the company's name), or the role
    street: str = ""
    postcode: str = ""
    town: str = ""
    is_siege: bool = False
    is_active: bool = True
    company: str = ""
    boxes: dict = field(default_factory=dict)  # declaration id -> Box, for the services selected there

    @property
    def all_ticked(self):
        """Every box of the line is ticked (its "toute la ligne" box is)."""
        return bool(self.boxes) and all(box.complete for box in self.boxes.values())


@dataclass
class MatrixPage:
    criteria: object
    lines: list
    total: int
    version: int
    now: object
    ticked: dict = field(default_factory=dict)  # (declaration id, column) -> boxes ticked over every result
    cells: dict = field(default_factory=dict)  # declaration id -> cells over every result

    @property
    def pages(self):
        return max(1, math.ceil(self.total / self.criteria.per_page))

    def column_state(self, declaration, column):
        """ "all", "some" or "none" of the column's boxes ticked, over every result."""
        ticked, cells = self.ticked.get((declaration.id, column), 0), self.cells.get(declaration.id, 0)
        return "all" if cells and ticked >= cells else ("some" if ticked else "none")

    @property
    def waiting(self):
        """Whether a box of the page holds a right not usable yet (the legend says what the mark means)."""
        return any(b.declare_from or b.pay_from for line in self.lines for b in line.boxes.values())

    @property
    def boxes(self):
        return [b for line in self.lines for b in line.boxes.values()]
