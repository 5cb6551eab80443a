"""Composer le portefeuille: "Ajouter une entreprise" by SIREN, one at a time or several at once (the
portfolio's companies, filtered and paginated, are db/clients/composition_page.py).

Adding validates everything first — SIREN syntax and key, the firm's portfolios, the directory
(local, then the optional online source) — and writes nothing when it refuses. A company goes in
with all its active establishments in a constant number of queries (see db/clients/writes.py).
"""
from dataclasses import dataclass, field

from peewee import IntegrityError

from db import audit
from db.clients.portfolios import get_portfolio
from db.clients.writes import active_in_directory, register_company
from db.database import database
from db.errors import Invalid
from db.identifiers import clean, format_siren, siren_error
from db.models import Company, DirectoryEstablishment, DirectoryUnit, Portfolio
from db.sirene.online import OnlineDirectoryError
from db.sirene.online import store as store_online_company

BULK_MAX_LINES = 1000


class InOtherPortfolio(Invalid):
    """The company is already a client of the firm, in another portfolio (named, for the link)."""

    def __init__(self, company, portfolio):
        self.company, self.portfolio = company, portfolio
        super().__init__({"siren": (
            f"L'entreprise {format_siren(company.siren)} ({company.name}) est déjà dans le portefeuille "
            f"« {portfolio.name} » de votre cabinet : utilisez « Transférer l'entreprise » pour la déplacer."
        )})


@dataclass
class Added:
    company: Company
    establishments: int


def _refuse(message):
    raise Invalid({"siren": message})


def _check_firm(actor, portfolio, siren, known=None):
    existing = known if known is not None else (
        Company.select(Company, Portfolio).join(Portfolio)
        .where((Company.firm == actor.firm_id) & (Company.siren == siren)).first())
    if existing is None:
        return
    if existing.portfolio_id == portfolio.id:
        _refuse(f"L'entreprise {format_siren(siren)} ({existing.name}) est déjà dans ce portefeuille.")
    raise InOtherPortfolio(existing, existing.portfolio)


def _fetch_online(siren, online):
    """The company from the online source, or None; OnlineDirectoryError becomes Invalid."""
    if online is None:
        return None
    try:
        fetched = online.fetch_company(siren)
    except OnlineDirectoryError as exc:
        _refuse(str(exc))
    if fetched is None:
        _refuse(f"Le SIREN {format_siren(siren)} est inconnu du référentiel Sirene "
                "(ni dans le référentiel local, ni dans l'API Sirene de l'INSEE).")
    return fetched


def _register(actor, portfolio, siren, fetched=None):
    """Inside the caller's transaction: store what the online source sent, check the directory,
    register. Raises Invalid (rolling everything back) when the directory refuses."""
    if fetched is not None:
        store_online_company(fetched)
    unit = DirectoryUnit.get_or_none(DirectoryUnit.siren == siren)
    if unit is None:
        _refuse(f"Le SIREN {format_siren(siren)} est inconnu du référentiel Sirene.")
    if unit.etat == "C":
        _refuse(
            f"L'entreprise {format_siren(siren)} ({unit.name}) est cessée d'après le référentiel Sirene : "
            "elle ne peut pas être ajoutée."
        )
    active = DirectoryEstablishment.select().where((DirectoryEstablishment.siren == siren)
                                                   & active_in_directory()).count()
    if not active:
        _refuse(f"L'entreprise {format_siren(siren)} ({unit.name}) n'a aucun établissement actif "
                "dans le référentiel Sirene.")
    company = register_company(actor.firm_id, portfolio.id, unit)
    return Added(company, active)


def add_company(actor, portfolio_id, siren, online=None):
    """Add the company of a typed SIREN with all its active establishments (siège first in every
    list); it inherits the portfolio's declarations. Refusals raise Invalid({"siren": …})."""
    portfolio = get_portfolio(actor, portfolio_id)
    error = siren_error(siren)
    if error:
        _refuse(error)
    siren = clean(siren)
    _check_firm(actor, portfolio, siren)
    fetched = None
    if not DirectoryUnit.select().where(DirectoryUnit.siren == siren).exists():
        fetched = _fetch_online(siren, online)
    try:
        with database.atomic():
            added = _register(actor, portfolio, siren, fetched)
            audit.record(actor, "company.add", _summary(added, portfolio), obj=added.company,
                         after=_snapshot(added, portfolio))
    except IntegrityError:
        _added_meanwhile(actor, portfolio, siren)
        raise
    return added


def _added_meanwhile(actor, portfolio, siren):
    """After the unique index refused a SIREN that the checks let through (a double submit, or two
    administrators at once): the refusal a sequential duplicate gets, now that the other is committed."""
    _check_firm(actor, portfolio, siren)


def _summary(added, portfolio):
    return (f"{added.company.name} ({format_siren(added.company.siren)}) ajoutée au portefeuille "
            f"« {portfolio.name} » : {added.establishments} établissement(s)")


def _snapshot(added, portfolio):
    return {"siren": added.company.siren, "raison sociale": added.company.name,
            "portefeuille": portfolio.name, "établissements": added.establishments}


@dataclass
class Line:
    number: int
    text: str
    siren: str = ""
    ok: bool = False
    message: str = ""
    added: Added = None


@dataclass
class BulkResult:
    lines: list = field(default_factory=list)

    @property
    def succeeded(self):
        return [line for line in self.lines if line.ok]

    @property
    def status(self):
        """The portal's compte rendu: OK, OK partiel or KO."""
        ok = len(self.succeeded)
        return "OK" if ok and ok == len(self.lines) else ("OK partiel" if ok else "KO")


def add_companies(actor, portfolio_id, entries, online=None):
    """Add several SIRENs at once (entries: the lines people pasted or uploaded). Each line gets
    OK or KO with its reason; the successful ones are written in one transaction."""
    portfolio = get_portfolio(actor, portfolio_id)
    lines = [Line(n, text.strip()) for n, text in enumerate(entries, 1) if text.strip()]
    if not lines:
        raise Invalid({"sirens": "Saisissez au moins un SIREN, ou choisissez un fichier."})
    if len(lines) > BULK_MAX_LINES:
        raise Invalid({"sirens": f"{BULK_MAX_LINES} lignes au plus par envoi ({len(lines)} reçues)."})
    _precheck(actor, portfolio, lines)
    missing = _missing_units([line.siren for line in lines if not line.message])
    fetched = {}
    for line in lines:
        if online is not None and not line.message and line.siren in missing:
            try:
                fetched[line.siren] = _fetch_online(line.siren, online)
            except Invalid as exc:
                line.message = exc.errors["siren"]
    with database.atomic():
        for line in lines:
            if line.message:
                continue
            try:
                try:
                    with database.atomic():  # a savepoint: a refused line leaves no trace
                        line.added = _register(actor, portfolio, line.siren, fetched.get(line.siren))
                except IntegrityError:
                    _added_meanwhile(actor, portfolio, line.siren)
                    raise
                line.ok, line.message = True, f"{line.added.establishments} établissement(s)"
            except Invalid as exc:
                line.message = exc.errors["siren"]
        audit.record_many(
            [
                {
                    "firm": actor.firm_id,
                    "actor": actor.id,
                    "actor_name": actor.full_name,
                    "at": line.added.company.added_at,
                    "action": "company.add",
                    "object_type": "Company",
                    "object_id": str(line.added.company.id),
                    "summary": _summary(line.added, portfolio),
                    "after": _snapshot(line.added, portfolio),
                }
                for line in lines
                if line.ok
            ]
        )
    return BulkResult(lines)


def _missing_units(sirens):
    """The SIRENs the local directory does not know (one query)."""
    if not sirens:
        return set()
    query = DirectoryUnit.select(DirectoryUnit.siren).where(DirectoryUnit.siren.in_(sirens)).tuples()
    return set(sirens) - {siren for (siren,) in query}


def _precheck(actor, portfolio, lines):
    """Syntax, duplicates and the firm's portfolios for every line, in one query."""
    seen = {}
    for line in lines:
        line.message = siren_error(line.text) or ""
        line.siren = clean(line.text)
        if not line.message and line.siren in seen:
            line.message = f"SIREN déjà présent ligne {seen[line.siren]} de cette liste."
        seen.setdefault(line.siren, line.number)
    valid = [line.siren for line in lines if not line.message]
    existing = {c.siren: c for c in Company.select(Company, Portfolio).join(Portfolio)
                .where((Company.firm == actor.firm_id) & Company.siren.in_(valid))} if valid else {}
    for line in lines:
        if not line.message and line.siren in existing:
            try:
                _check_firm(actor, portfolio, line.siren, existing[line.siren])
            except Invalid as exc:
                line.message = exc.errors["siren"]
