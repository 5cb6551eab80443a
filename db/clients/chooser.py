"""Choisir les établissements de l'entreprise at the scale of La Poste (1,762 establishments in the
directory) or of a 9,000-establishment company: one page of results at a time, searched by what people
know (SIRET or its beginning, enseigne, street, postcode, town), filtered by state (actifs by default,
fermés, tous), with the pending ticks of every page kept until Valider.

The pending ticks travel in the form as `ops`, one per line, applied in order to the registered set:
"+SIRET" / "-SIRET" for one box, "*1 state q" / "*0 state q" for « Tout cocher / décocher sur les
résultats » of a search (its results are read again when applied: the directory of one company, by
its siren index). What they make is the set of SIRETs that Valider registers (companies.
set_establishments, which checks and writes it in one transaction).
"""
import math
from dataclasses import dataclass, field

from db.clients import chooser_reads as reads
from db.clients.chooser_reads import PER_PAGE
from db.clients.companies import get_company
from db.clients.search import siret_digits
from db.models import DirectoryEstablishment, Establishment

DE = DirectoryEstablishment
STATES = {"actifs": "actifs", "fermes": "fermés", "tous": "tous"}
DEFAULT_STATE = "actifs"
MAX_OPS = 2000  # lines of pending ticks kept in a form (one per box ticked by hand, or per « tout »)


@dataclass
class Row:
    siret: str
    name: str
    address: str
    is_siege: bool
    is_active: bool
    registered: bool
    wanted: bool
    habilitations: int = 0
    missing: bool = False  # registered, no longer in the directory


@dataclass
class ChooserPage:
    company: object
    q: str
    state: str
    page: int
    total: int  # results of the search
    rows: list
    registered: int  # establishments registered now (maintained count)
    in_directory: int
    ops: list = field(default_factory=list)
    missing: list = field(default_factory=list)  # registered, no longer in the directory (any page)
    added: list = field(default_factory=list)  # SIRETs Valider would register
    removed: list = field(default_factory=list)  # SIRETs Valider would unregister

    @property
    def pages(self):
        return max(1, math.ceil(self.total / PER_PAGE))

    @property
    def pending(self):
        return len(self.added) + len(self.removed)

    @property
    def wanted_count(self):
        return self.registered + len(self.added) - len(self.removed)

    wanted_sirets: list = field(default_factory=list)

    def ops_text(self):
        return "\n".join(self.ops)


def results(company, q, state):
    """The directory rows of the company matching the search and the state filter (a query)."""
    condition = reads.kept(state, reads.search_shape(q))
    query = DE.select().where(DE.siren == company.siren)
    return query.where(condition) if condition is not None else query


def parse_ops(text):
    """The pending ticks of the form, as lines (unknown lines are dropped, the first MAX_OPS kept)."""
    ops = []
    for line in (text or "").splitlines():
        line = line.strip()
        if (line[:1] in "+-" and siret_digits(line[1:]) and len(line) == 15) or (
                line[:2] in ("*1", "*0") and line[3:].split(" ", 1)[0] in STATES):
            ops.append(line)
    return ops[:MAX_OPS]


def wanted(company, ops):
    """The SIRETs registered once ops are applied, and those registered now."""
    registered = {s for (s,) in Establishment.select(Establishment.siret)
                  .where(Establishment.company == company.id).tuples()}
    chosen = set(registered)
    for op in ops:
        if op[0] in "+-":
            (chosen.add if op[0] == "+" else chosen.discard)(op[1:])
            continue
        state, _, q = op[3:].partition(" ")
        found = results(company, q, state).select(DE.siret, DE.etat)
        if op[1] == "1":  # a closed establishment is never registered anew
            chosen |= {s for s, etat in found.tuples() if etat != "F" or s in registered}
        else:
            chosen -= {s for s, _ in found.tuples()}
    return chosen, registered


def page(actor, company_id, q="", state=DEFAULT_STATE, page_number=1, ops=(), with_wanted=False):
    """One page of the chooser with the pending ticks applied (with_wanted: the whole set Valider
    would register, even without pending ticks)."""
    company = get_company(actor, company_id)
    state = state if state in STATES else DEFAULT_STATE
    chosen, registered = wanted(company, ops) if ops or with_wanted else (None, None)
    shape = reads.search_shape(q)
    page_number = max(1, page_number)
    found = reads.found_page(company, state, shape, (page_number - 1) * PER_PAGE) if shape else None
    if found is None:  # no search, or a page past the results
        in_directory, total, siege = reads.counts(company, state, shape)
        page_number = min(page_number, max(1, math.ceil(total / PER_PAGE)))
        sirets = reads.page_sirets(company, state, shape, siege, page_number) if total else []
    else:
        in_directory, total, sirets = found
    rows = [Row(s, name, address, bool(siege), etat != "F", i is not None,
                s in chosen if chosen is not None else i is not None, count or 0)
            for s, name, address, siege, etat, i, count in reads.lines(company, sirets)]
    chooser = ChooserPage(company, q, state, page_number, total, rows, company.establishment_count,
                          in_directory, list(ops), _missing(company, chosen))
    if chosen is not None:
        chooser.added, chooser.removed = sorted(chosen - registered), sorted(registered - chosen)
        chooser.wanted_sirets = sorted(chosen)
    return chooser


def _missing(company, chosen):
    """Registered establishments that the directory no longer lists: shown on every page, so that
    they can still be unregistered (a search of the directory would never find them)."""
    return [Row(s, name, address, bool(siege), False, True, s in chosen if chosen is not None else True,
                missing=True) for s, name, address, siege in reads.missing(company)]


def ticks_of_page(fields):
    """The ops of the boxes of a page posted without JavaScript: the boxes shown (`shown`, with what
    they showed in `shown_wanted`) whose state changed."""
    shown = [s for s in fields.get("shown", ()) if siret_digits(s)]
    was = set(fields.get("shown_wanted", ()))
    now = set(fields.get("siret", ()))
    return [("+" if s in now else "-") + s for s in shown if (s in now) != (s in was)]


def from_request(actor, company_id, values, form):
    """(ChooserPage, action) from a request: the search (q, etat, page) and, posted, the pending ticks
    (ops), the boxes of the page just left, and the button pressed: "search" (page 1 of the new
    search), "all_on" / "all_off" (« Tout cocher / décocher sur les résultats »), "valider", or a
    page number ("goto")."""
    q, state = (values.get("q") or "").strip()[:100], values.get("etat") or DEFAULT_STATE
    state = state if state in STATES else DEFAULT_STATE
    ops = parse_ops(form.get("ops"))
    if form:
        ops += ticks_of_page({name: form.getlist(name) for name in ("shown", "shown_wanted", "siret")})
    action = form.get("action", "")
    if action in ("all_on", "all_off"):
        ops.append(f"*{1 if action == 'all_on' else 0} {state} {q}".rstrip())
    number = form.get("goto") or values.get("page") or "1"
    number = int(number) if number.isdigit() and len(number) < 7 and action != "search" else 1
    return page(actor, company_id, q, state, number, ops[:MAX_OPS], with_wanted=action == "valider"), action
