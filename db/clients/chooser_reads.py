"""The statements of one page of « Choisir les établissements » (db/clients/chooser.py), each built once
per shape (db/prepared.py `shaped`: the state filter, the kind of each word searched, the length of the
page) and then run with its values: peewee's walk of their trees (nine searched columns, the one-line
address, a hundred SIRETs) cost more Python than the page's rows.

A search is a list of kinds, one per word (search_shape), with the values its condition compares: so the
SQL text depends on the words' kinds, never on the words themselves.
"""
import operator
import re
from functools import reduce

from peewee import JOIN, SQL, Case, Expression, NodeList, Value, fn

from db.clients.search import next_text, search_text_sql, siret_digits, words
from db.clients.writes import directory_address, directory_name
from db.database import is_postgres
from db.models import DirectoryEstablishment, Establishment, Habilitation
from db.prepared import shaped

DE = DirectoryEstablishment
ACCENTABLE = re.compile("[aceinouy]")  # letters a French text may write with an accent
PER_PAGE = 100
NOT_PRINTABLE_ASCII = "*[^ -~]*"  # GLOB: a character outside space … tilde
SEARCHED = (DE.enseigne, DE.denomination_usuelle, DE.numero, DE.type_voie, DE.libelle_voie, DE.code_postal,
            DE.commune, DE.cedex, DE.libelle_cedex)


def search_shape(q):
    """(kinds, values) of a search, None without one: a SIRET beginning, else one kind per word.
    The raw columns are read (the postcode and town of a CEDEX address too). A word begins a word of
    the columns joined by spaces when it begins a word of one of them (it has no space): it is looked
    for column by column, at the column's start or after a space, two LIKEs of the column as it is
    (`' ' || column` built a string per column and row: half the search's cost; joining the nine
    columns, twice reading the rows). PostgreSQL: the directory writes in capitals without accents,
    so ILIKE on the words folded (words()) is enough; its ILIKE folds the case of each value it reads,
    so a word of letters is looked for once in the joined text, a word of digits, needing no folding,
    by LIKE per column. SQLite folds the rows too (search_words), so that « Marché » is found by
    « marche », but only the rows that LIKE keeps first (_folded_candidate)."""
    if not (q or "").strip():
        return None
    digits = siret_digits(q)
    if digits:
        return ("siret",), [digits, next_text(digits)]
    kinds, values = [], []
    for word in words(q):
        if is_postgres() and not word.isdigit():
            kinds.append("joined")
            values.append(f"% {word}%")
        elif not is_postgres() and ACCENTABLE.search(word):
            kinds.append("folded")
            values += [f"%{ACCENTABLE.sub('_', word)}%", f"%{word}%", f"% {word}%"]
        else:
            kinds.append("digits" if is_postgres() else "plain")
            values += [f"{word}%", f"% {word}%"]
    return (tuple(kinds) or ("nothing",)), values  # a term with no letter or digit matches nothing


def _in_a_column(pattern, like="ILIKE"):
    """One of the searched columns is LIKE pattern (peewee writes ILIKE as SQLite's LIKE, which ignores
    case)."""
    return reduce(operator.or_, (Expression(column, like, pattern) for column in SEARCHED))


def _folded_candidate(any_accent, as_written):
    """SQLite: a searched column may hold the word once folded: it holds it as written (LIKE ignores
    ASCII case), or it holds a character outside printable ASCII (which folding may change) and the
    word with any letter for each letter that may carry an accent. Only those rows are folded by
    search_words(), in Python: the pattern alone (`%r__%` for « rue ») kept nearly every row."""
    return reduce(operator.or_, (
        Expression(column, "ILIKE", any_accent)
        & (Expression(column, "ILIKE", as_written) | Expression(column, "GLOB", NOT_PRINTABLE_ASCII))
        for column in SEARCHED))


def _search_condition(kinds, values):
    """The search's condition on a directory row, from its kinds and their values (or markers)."""
    values, clauses = iter(values), []
    for kind in kinds:
        if kind == "nothing":
            clauses.append(DE.siret.is_null())
        elif kind == "siret":
            clauses.append((DE.siret >= next(values)) & (DE.siret < next(values)))
        elif kind == "joined":
            clauses.append(Expression(Value(" ").concat(search_text_sql(*SEARCHED)), "ILIKE", next(values)))
        elif kind == "folded":
            clauses.append(_folded_candidate(next(values), next(values)) & Expression(
                fn.search_words(search_text_sql(*SEARCHED)), "ILIKE", next(values)))
        else:
            like, begins, inside = "LIKE" if kind == "digits" else "ILIKE", next(values), next(values)
            clauses.append(_in_a_column(begins, like) | _in_a_column(inside, like))
    return reduce(operator.and_, clauses)


def kept(state, shape):
    """The condition on a directory row of the company: in the state filter and matching the search
    (shape: search_shape's, or None), None when every row is kept."""
    condition = _search_condition(*shape) if shape else None
    if state == "actifs":
        in_state = DE.etat.is_null() | (DE.etat != "F")
    elif state == "fermes":
        in_state = DE.etat == "F"
    else:
        return condition
    return in_state if condition is None else in_state & condition


def _kinds(shape):
    return (shape[0], len(shape[1])) if shape else ((), 0)


def _of_company(lo, hi):
    """The company's rows as a range of the directory's key (a SIRET begins with its SIREN)."""
    return (DE.siret >= lo) & (DE.siret < hi)


def counts(company, state, shape):
    """(rows of the company in the directory, results, the siège's SIRET when it is one of them), in one
    read of the company's rows (its siren index): no window count, no sort. Without a search, the state
    filter is a CASE over that read; a search stays in WHERE (in a CASE, SQLite evaluated it at twice
    the cost), the company's rows then counted from the siren index alone."""
    kinds, n = _kinds(shape)

    def build(siren, *values):
        siege = Case(None, [(DE.is_siege == True, DE.siret)], None)  # noqa: E712 (SQL)
        if not shape:
            state_only = kept(state, None)
            hit, siege = (1, siege) if state_only is None else (
                Case(None, [(state_only, 1)], 0), Case(None, [(state_only, siege)]))
            return DE.select(fn.COUNT(SQL("*")), fn.SUM(hit), fn.MAX(siege)).where(DE.siren == siren).tuples()
        everyone = DE.alias()
        in_directory = everyone.select(fn.COUNT(SQL("*"))).where(everyone.siren == siren)
        return (DE.select(in_directory, fn.COUNT(SQL("*")), fn.MAX(siege))
                .where((DE.siren == siren) & kept(state, (kinds, values))).tuples())
    query = shaped(("chooser-counts", state, kinds), build, str, *(str,) * n)
    count, total, siege_siret = query.first(company.siren, *(shape[1] if shape else ()))
    return count, int(total or 0), siege_siret


def in_directory(company):
    """The company's rows in the directory, from its siren index alone."""
    query = shaped(("chooser-in-directory",), lambda siren: (
        DE.select(fn.COUNT(SQL("*"))).where(DE.siren == siren).tuples()), str)
    return query.first(company.siren)[0]


def found_page(company, state, shape, start):
    """(rows of the company in the directory, results, the page's SIRETs) of a search in one pass over
    the company's rows in the order of the directory's key: a window counts the results and finds the
    siège among them (only the results are kept, nothing is sorted), and the page comes with the SIRET
    before it, since the siège, shown first, is not shown again where its SIRET falls. None for a page
    past the results (the caller counts them first, as without a search)."""
    kinds, n = _kinds(shape)

    def build(siren, lo, hi, offset, *values):
        everyone = DE.alias()
        count = everyone.select(fn.COUNT(SQL("*"))).where(everyone.siren == siren)
        siege = fn.MAX(Case(None, [(DE.is_siege == True, DE.siret)])).over()  # noqa: E712 (SQL)
        return (DE.select(DE.siret, fn.COUNT(SQL("*")).over(), siege, count)
                .where(_of_company(lo, hi) & kept(state, (kinds, values)))
                .order_by(DE.siret).limit(PER_PAGE + 1).offset(offset).tuples())
    query = shaped(("chooser-found", state, kinds), build, str, str, str, int, *(str,) * n)
    rows = list(query.execute(company.siren, company.siren, next_text(company.siren), max(0, start - 1),
                              *shape[1]))
    fetched = [siret for siret, *_ in rows]
    if not fetched:  # nothing found (or a page past the results): the company's rows still counted
        return (in_directory(company), 0, []) if not start else None
    _, total, siege, count = rows[0]
    if start >= total:
        return None
    head = [siege] if siege and not start else []
    if siege in fetched:
        others = [s for s in fetched if s != siege]
    elif start and (siege is None or siege < fetched[0]):
        others = fetched[1:]  # the SIRET before the page is the last of the previous one
    else:
        others = fetched
    return count, total, head + others[:PER_PAGE - len(head)]


def page_sirets(company, state, shape, siege, page_number):
    """The SIRETs of a page, the siège first: the other results are read in the order of the directory's
    key (siret, which begins with the siren), from the page's offset, so the database neither sorts nor
    counts; only the rows before the page are stepped over."""
    start = (page_number - 1) * PER_PAGE
    head = [siege] if siege and start == 0 else []
    start -= 1 if siege and start else 0
    kinds, n = _kinds(shape)

    def build(lo, hi, offset, limit, *values):
        others = DE.select(DE.siret).where(_of_company(lo, hi))
        condition = kept(state, (kinds, values[1:] if siege else values) if shape else None)
        if condition is not None:
            others = others.where(condition)
        if siege:
            others = others.where(DE.siret != values[0])
        return others.order_by(DE.siret).limit(limit).offset(offset).tuples()
    query = shaped(("chooser-page", state, kinds, bool(siege)), build, str, str, int, int,
                   *(str,) * (n + bool(siege)))
    values = ([siege] if siege else []) + list(shape[1] if shape else ())
    rows = query.execute(company.siren, next_text(company.siren), start, PER_PAGE - len(head), *values)
    return head + [s for (s,) in rows]


def lines(company, sirets):
    """(siret, name, address, siège, etat, establishment id or None, its habilitations) of the page's
    SIRETs, the siège first; each line's habilitations counted from the habilitation index alone, in
    the same statement."""
    if not sirets:
        return []

    def build(firm, company_id, *page):
        held = Habilitation.select(fn.COUNT(SQL("*"))).where(Habilitation.establishment == Establishment.id)
        columns = (DE.siret, directory_name(), directory_address(), DE.is_siege, DE.etat, Establishment.id,
                   held)
        return (DE.select(*columns)
                .join(Establishment, JOIN.LEFT_OUTER, on=(Establishment.firm == firm)
                      & (Establishment.siret == DE.siret) & (Establishment.company == company_id))
                .where(DE.siret.in_(list(page))).order_by(DE.is_siege.desc(), DE.siret).tuples())
    query = shaped(("chooser-lines", len(sirets)), build, int, int, *(str,) * len(sirets))
    return query.execute(company.firm_id, company.id, *sirets)


def missing(company):
    """(siret, name, address, siège) of the registered establishments that the directory no longer
    lists. The SIRETs first, from two indexes alone: the company's (company, siret) and the directory's
    key over the company's range (a SIRET begins with its siren), merged on PostgreSQL, probed on SQLite;
    then the rows of those (almost always none). Reading the 9,000 establishments' rows, or hashing the
    company's directory rows, cost more than the rest of the page. PostgreSQL takes the SIRETs as an
    array (= ANY(ARRAY(…))), computed first: as IN (…) it also read the company's 9,000 entries of the
    (company, siret) index to join them with that empty list (132 buffers, now 85)."""
    def build(company_id, lo, hi):
        mine = Establishment.alias()
        listed = DE.select(SQL("1")).where((DE.siret == mine.siret) & _of_company(lo, hi))
        gone = mine.select(mine.siret).where((mine.company == company_id) & ~fn.EXISTS(listed))
        among = (Establishment.siret == fn.ANY(NodeList((SQL("ARRAY"), gone)))) if is_postgres() \
            else Establishment.siret.in_(gone)
        return (Establishment.select(Establishment.siret, Establishment.name, Establishment.address,
                                     Establishment.is_siege)
                .where((Establishment.company == company_id) & among)
                .order_by(Establishment.siret).tuples())
    return shaped(("chooser-missing",), build, int, str, str).execute(
        company.id, company.siren, next_text(company.siren))
