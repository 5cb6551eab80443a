"""Import of a habilitation file (the layout of csv_export): every line checked, a preview
of what the good lines change, then Valider. A per-line report (OK, or KO with the reasons) and
an overall OK / OK partiel / KO; a file with bad lines applies its good lines only once the
administrator confirms it.
"""
import csv
import io
from dataclasses import dataclass, field

from peewee import chunked

from db.access import require_admin
from db.bulk import IDS_PER_QUERY
from db.csv_files import BOM, SEPARATOR
from db.errors import Invalid
from db.fields import record_id
from db.habilitations import changes, writes
from db.habilitations.criteria import firm_criteria
from db.habilitations.csv_export import WORDS, people_of, portfolio_of
from db.habilitations.edits import DECLARE, PAY, Edits
from db.habilitations.grid import version
from db.identifiers import clean
from db.models import Company, Declaration, Establishment, EstablishmentDeclaration, Portfolio, User
from db.text import fold

MAX_BYTES = 5 * 1024 * 1024
MAX_BYTES_TEXT = "5 Mo"
OK, PARTIAL, KO = "OK", "OK partiel", "KO"


@dataclass
class Line:
    number: int
    siret: str
    person: str
    reasons: list = field(default_factory=list)
    changes: int = 0
    key: tuple = None  # (establishment id, user id) once both are known

    @property
    def ok(self):
        return not self.reasons


@dataclass
class Report:
    portfolio: Portfolio
    lines: list = field(default_factory=list)
    file_error: str = ""
    edits: object = None
    plan: object = None
    version: int = 0

    @property
    def good(self):
        return [line for line in self.lines if line.ok]

    @property
    def bad(self):
        return [line for line in self.lines if not line.ok]

    @property
    def status(self):
        if self.file_error or not self.good:
            return KO
        return PARTIAL if self.bad else OK


def _decode(data):
    if not data or not data.strip():
        raise _FileError("Le fichier est vide.")
    if len(data) > MAX_BYTES:
        raise _FileError(
            f"Le fichier dépasse la taille maximale de {MAX_BYTES_TEXT} : découpez-le en plusieurs fichiers."
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # saved by a spreadsheet as "CSV Windows"
    text = text.lstrip(BOM)
    if not text.strip():
        raise _FileError("Le fichier est vide.")
    return text


class _FileError(Exception):
    pass


def _service_lookup():
    lookup = {}
    for declaration in Declaration.select():
        lookup[fold(declaration.label)] = declaration
        lookup[fold(declaration.code)] = declaration
    return lookup


def _read_header(names):
    """{"siret": i, "nom": i, "prenom": i} and [(index, Declaration, column)] from the first row."""
    keys = {fold(n).replace(" ", ""): i for i, n in enumerate(names)}
    fixed = {k: keys.get(k) for k in ("siret", "nom", "prenom")}
    missing = [
        label for k, label in (("siret", "Siret"), ("nom", "Nom"), ("prenom", "Prénom")) if fixed[k] is None
    ]
    if missing:
        raise _FileError(f"En-tête incomplet : colonne(s) {', '.join(missing)} absente(s). "
                         f"Partez du modèle vierge ou d'un export.")
    services, cols = _service_lookup(), []
    for index, name in enumerate(names):
        if index in fixed.values() or fold(name) in ("etablissement", ""):
            continue
        service, _, word = name.rpartition(" - ")
        declaration = services.get(fold(service))
        column = {"declarer": DECLARE, "payer": PAY}.get(fold(word))
        if declaration is None or column is None:
            raise _FileError(
                f"Colonne non reconnue : « {name} » (attendu « <service> - Déclarer » ou « - Payer »)."
            )
        if column == PAY and not declaration.has_payment:
            raise _FileError(f"Colonne « {name} » : « {declaration.label} » ne comporte pas de droit Payer.")
        cols.append((index, declaration, column))
    return fixed, cols


def check(actor, portfolio_id, data, with_plan=True):
    """Read a file and check every line; the Report says per line OK or KO (with the reasons)
    and what the good lines would change. Nothing is written."""
    require_admin(actor)
    portfolio = portfolio_of(actor, portfolio_id)
    report = Report(portfolio, version=version())
    try:
        text = _decode(data)
        first = text.splitlines()[0]
        if SEPARATOR not in first:
            if "," in first or "\t" in first:
                raise _FileError(
                    "Séparateur incorrect : les colonnes doivent être séparées par des points-virgules (;), "
                    "comme dans le fichier exporté."
                )
            raise _FileError(
                "En-tête non reconnu : la première ligne doit être « Siret;Établissement;Nom;Prénom;… »."
            )
        rows = csv.reader(io.StringIO(text), delimiter=SEPARATOR)
        fixed, cols = _read_header(next(rows))
        parsed = [(rows.line_num, row) for row in rows if any(cell.strip() for cell in row)]
    except (_FileError, csv.Error) as exc:
        report.file_error = str(exc) if isinstance(exc, _FileError) else f"Fichier CSV illisible : {exc}."
        return report
    if not parsed:
        report.file_error = "Le fichier ne contient aucune ligne d'habilitation (seulement l'en-tête)."
        return report
    report.edits = _check_lines(actor, portfolio, report, parsed, fixed, cols)
    if not with_plan:
        return report
    report.plan = changes.plan(actor, firm_criteria(actor, portfolio=portfolio), report.edits)
    per_line = {}
    for ch in report.plan.changes:
        per_line[(ch.key[0], ch.key[2])] = per_line.get((ch.key[0], ch.key[2]), 0) + ch.added + ch.removed
    for line in report.good:
        line.changes = per_line.get(line.key, 0)
    return report


def _check_lines(actor, portfolio, report, parsed, fixed, cols):
    sirets = dict(
        Establishment.select(Establishment.siret, Establishment.id).join(Company)
        .where((Company.portfolio == portfolio.id) & (Establishment.firm == actor.firm_id)).tuples()
    )
    members = {p.id for p in people_of(portfolio)}
    people = {
        (p.nom_key, p.prenom_key): p
        for p in User.select().where((User.firm == actor.firm_id) & User.is_active)
    }
    wanted_ids = {sirets[clean(row[fixed["siret"]])] for _, row in parsed
                  if len(row) > fixed["siret"] and clean(row[fixed["siret"]]) in sirets}
    selected = set()
    for batch in chunked(sorted(wanted_ids), IDS_PER_QUERY):
        selected.update(
            EstablishmentDeclaration.select(
                EstablishmentDeclaration.establishment, EstablishmentDeclaration.declaration
            )
            .where(EstablishmentDeclaration.establishment.in_(batch))
            .tuples()
        )
    edits, seen, width = Edits(), {}, max([*fixed.values(), *(i for i, _, _ in cols)]) + 1
    for number, row in parsed:
        row = row + [""] * (width - len(row))
        siret, nom, prenom = (
            clean(row[fixed["siret"]]),
            row[fixed["nom"]].strip(),
            row[fixed["prenom"]].strip(),
        )
        line = Line(number, siret, f"{nom.upper()} {prenom}".strip())
        report.lines.append(line)
        e_id = sirets.get(siret)
        if not (siret.isascii() and siret.isdigit() and len(siret) == 14):
            line.reasons.append(f"SIRET « {row[fixed['siret']].strip()} » invalide : 14 chiffres attendus")
        elif e_id is None:
            line.reasons.append(f"SIRET {siret} inconnu dans le portefeuille « {portfolio.name} »")
        person = people.get((fold(nom), fold(prenom)))
        if person is None:
            line.reasons.append(f"déclarant « {line.person} » inconnu")
        elif person.id not in members:
            line.reasons.append(
                f"{person.full_name} n'est pas déclarant du portefeuille « {portfolio.name} »"
            )
        values = {}
        for index, declaration, column in cols:
            value = row[index].strip()
            if value == "":
                continue
            if value not in ("0", "1"):
                line.reasons.append(
                    f"« {value} » dans « {declaration.label} - {WORDS[column]} » : 0 ou 1 attendu"
                )
            elif e_id is not None and (e_id, declaration.id) not in selected:
                if value == "1":
                    line.reasons.append(
                        f"« {declaration.label} » n'est pas sélectionnée pour cet établissement"
                    )
            else:
                values[(declaration.id, column)] = value == "1"
        if e_id is not None and person is not None:
            line.key = (e_id, person.id)
            if line.key in seen:
                line.reasons.append(
                    f"ligne en double (même SIRET et même déclarant qu'en ligne {seen[line.key]})"
                )
            seen.setdefault(line.key, number)
        if line.ok:
            for (d_id, column), value in values.items():
                edits.cells.setdefault((e_id, d_id, person.id), {})[column] = value
    return edits


def apply(actor, portfolio_id, data, version, accept_partial=False, delay_override=None):
    """Apply the good lines of a file checked before (Conflict when the cells changed since)."""
    report = check(actor, portfolio_id, data, with_plan=False)
    if report.status == KO:
        raise Invalid({"__all__": report.file_error or "Aucune ligne correcte : rien n'a été appliqué."})
    if report.status == PARTIAL and not accept_partial:
        raise Invalid(
            {
                "accept_partial": "Le fichier comporte des lignes en erreur : cochez « Appliquer uniquement "
                "les lignes correctes » pour appliquer les autres."
            }
        )
    version = record_id(version)  # the journal's high-water mark when the file was checked
    if version is None:
        raise Invalid({"__all__": "L'aperçu n'a pas pu être identifié : importez de nouveau le fichier."})
    report.plan = writes.apply(actor, firm_criteria(actor, portfolio=report.portfolio), report.edits, version,
                                delay_override)
    return report
