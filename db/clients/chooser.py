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
import operator
import re
from dataclasses import dataclass, field
from functools import reduce

from peewee import JOIN, SQL, Case, Expression, Value, fn

from db.clients.companies import get_company
from db.clients.search import digit_prefix, search_text_sql, siret_digits, words
from db.clients.writes import directory_address, directory_name
from db.database import is_postgres
from db.models import DirectoryEstablishment, Establishment, Habilitation

DE = DirectoryEstablishment
ACCENTABLE = re.compile("[aceinouy]")  # letters a French text may write with an accent
PER_PAGE = 100
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
    kept = _kept(q, state)
    query = DE.select().where(DE.siren == company.siren)
    return query.where(kept) if kept is not None else query


SEARCHED = (DE.enseigne, DE.denomination_usuelle, DE.numero, DE.type_voie, DE.libelle_voie, DE.code_postal,
            DE.commune, DE.cedex, DE.libelle_cedex)


def _in_a_column(pattern, spaced):
    """One of the searched columns (after a space when spaced) is LIKE pattern, case ignored (peewee
    writes ILIKE as SQLite's LIKE, which ignores case)."""
    clause = None
    for column in SEARCHED:
        one = Expression(Value(" ").concat(column) if spaced else column, "ILIKE", pattern)
        clause = one if clause is None else clause | one
    return clause


def _word_begins(word):
    """Directory rows where word begins a word of the searched columns. It is looked for column by
    column (a word has no space, so it begins a word of the columns joined by spaces when it begins a
    word of one of them): joining the nine columns of each row cost twice reading the rows. But
    PostgreSQL's ILIKE folds the case of each value it reads: once on the joined text costs less than
    nine times, and a word of digits only needs no folding (LIKE)."""
    if not is_postgres():
        return _in_a_column(f"% {word}%", spaced=True)
    if word.isdigit():
        return reduce(operator.or_, (Expression(Value(" ").concat(column), "LIKE", f"% {word}%")
                                     for column in SEARCHED))
    return Expression(Value(" ").concat(search_text_sql(*SEARCHED)), "ILIKE", f"% {word}%")


def _matching(term):
    """Directory rows matching the term: a SIRET beginning, else every word the beginning of a word
    of the enseigne, address or town (accents and case ignored)."""
    if not (term or "").strip():
        return None
    digits = siret_digits(term)
    if digits:
        return digit_prefix(DE.siret, digits)
    # The raw columns are read (the postcode and town of a CEDEX address too), see _word_begins.
    # PostgreSQL: the directory writes in capitals without accents, so ILIKE on the words folded
    # (words()) is enough, without folding each of the company's rows (translate() costs ~30 µs a row).
    # SQLite folds the rows too (search_words), so that « Marché » is found by « marche », but only
    # the rows that LIKE keeps first, each letter that may carry an accent read as any one letter.
    # A word with no such letter (a postcode, a number) is looked for as before, in C.
    condition = DE.siret.is_null()  # a term with no letter or digit matches nothing
    for number, word in enumerate(words(term)):
        clause = _word_begins(word)
        if not is_postgres() and ACCENTABLE.search(word):
            clause = (_in_a_column(f"%{ACCENTABLE.sub('_', word)}%", spaced=False)
                      & Expression(fn.search_words(search_text_sql(*SEARCHED)), "ILIKE", f"% {word}%"))
        condition = clause if number == 0 else condition & clause
    return condition


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
    in_directory, total, siege = _counts(company, q, state)
    page_number = min(max(1, page_number), max(1, math.ceil(total / PER_PAGE)))
    sirets = _page_sirets(company, q, state, siege, page_number) if total else []
    # each line's habilitations counted from the habilitation index alone, in the same statement
    held = (Habilitation.select(fn.COUNT(SQL("*"))).where(Habilitation.establishment == Establishment.id))
    columns = (DE.siret, directory_name(), directory_address(), DE.is_siege, DE.etat, Establishment.id, held)
    lines = (DE.select(*columns)
             .join(Establishment, JOIN.LEFT_OUTER, on=(Establishment.firm == company.firm_id)
                   & (Establishment.siret == DE.siret) & (Establishment.company == company.id))
             .where(DE.siret.in_(sirets)).order_by(DE.is_siege.desc(), DE.siret).tuples()) if sirets else ()
    rows = [Row(s, name, address, bool(siege), etat != "F", i is not None,
                s in chosen if chosen is not None else i is not None, count or 0)
            for s, name, address, siege, etat, i, count in lines]
    chooser = ChooserPage(company, q, state, page_number, total, rows, company.establishment_count,
                          in_directory, list(ops), _missing(company, chosen))
    if chosen is not None:
        chooser.added, chooser.removed = sorted(chosen - registered), sorted(registered - chosen)
        chooser.wanted_sirets = sorted(chosen)
    return chooser


def _kept(q, state):
    """The condition on a directory row of the company: in the state filter and matching the search."""
    condition = _matching(q)
    if state == "actifs":
        kept = DE.etat.is_null() | (DE.etat != "F")
    elif state == "fermes":
        kept = DE.etat == "F"
    else:
        return condition
    return kept if condition is None else kept & condition


def _counts(company, q, state):
    """(rows of the company in the directory, results of the search, the siège's SIRET when it is one
    of them), in one read of the company's rows (its siren index): no window count, no sort. Without
    a search, the state filter is a CASE over that read; a search stays in WHERE (in a CASE, SQLite
    evaluated it at twice the cost), the company's rows then counted from the siren index alone."""
    of_company = DE.siren == company.siren
    siege = Case(None, [(DE.is_siege == True, DE.siret)], None)  # noqa: E712 (SQL)
    if _matching(q) is None:
        kept = _kept("", state)
        hit, siege = (1, siege) if kept is None else (Case(None, [(kept, 1)], 0), Case(None, [(kept, siege)]))
        found = DE.select(fn.COUNT(SQL("*")), fn.SUM(hit), fn.MAX(siege)).where(of_company)
    else:
        everyone = DE.alias()
        in_directory = everyone.select(fn.COUNT(SQL("*"))).where(everyone.siren == company.siren)
        found = DE.select(in_directory, fn.COUNT(SQL("*")), fn.MAX(siege)).where(of_company & _kept(q, state))
    count, total, siege_siret = found.tuples().get()
    return count, int(total or 0), siege_siret


def _page_sirets(company, q, state, siege, page_number):
    """The SIRETs of a page, the siège first: the other results are read in the order of the directory's
    key (siret, which begins with the siren), from the page's offset, so the database neither sorts nor
    counts; only the rows before the page are stepped over."""
    start = (page_number - 1) * PER_PAGE
    head = [siege] if siege and start == 0 else []
    start -= 1 if siege and start else 0
    others = DE.select(DE.siret).where(digit_prefix(DE.siret, company.siren))
    kept = _kept(q, state)
    if kept is not None:
        others = others.where(kept)
    if siege:
        others = others.where(DE.siret != siege)
    others = others.order_by(DE.siret).limit(PER_PAGE - len(head)).offset(start)
    return head + [s for (s,) in others.tuples()]


def _missing(company, chosen):
    """Registered establishments that the directory no longer lists: shown on every page, so that
    they can still be unregistered (a search of the directory would never find them)."""
    # The SIRETs first, from two indexes alone: the company's (company, siret) and the directory's key
    # over the company's range (a SIRET begins with its siren), merged on PostgreSQL, probed on SQLite;
    # then the rows of those (almost always none). Reading the 9,000 establishments' rows, or hashing
    # the company's directory rows, cost more than the rest of the page.
    mine = Establishment.alias()
    listed = DE.select(SQL("1")).where((DE.siret == mine.siret) & digit_prefix(DE.siret, company.siren))
    gone_sirets = mine.select(mine.siret).where((mine.company == company.id) & ~fn.EXISTS(listed))
    gone = (Establishment.select(Establishment.siret, Establishment.name, Establishment.address,
                                 Establishment.is_siege)
            .where((Establishment.company == company.id) & Establishment.siret.in_(gone_sirets))
            .order_by(Establishment.siret).tuples())
    return [Row(s, name, address, bool(siege), False, True, s in chosen if chosen is not None else True,
                missing=True) for s, name, address, siege in gone]


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
