"""Applying the checked lines of a bulk file, inside the caller's transaction, in the order of
application (csv_check), through the very operations of the pages: Ajouter une entreprise, retirer
l'entreprise, Choisir les établissements de l'entreprise, Gérer les déclarations, and the habilitation
writes of Valider. Each writes its own journal entries and notices, as from the pages.
"""

from db.clients import companies, composition
from db.declarations import selections
from db.habilitations import writes
from db.habilitations.criteria import firm_criteria
from db.habilitations.edits import Edits
from db.habilitations.grid import version
from db.models import Company, Establishment

COUNTS = [
    ("companies_added", "Entreprises ajoutées"),
    ("companies_removed", "Entreprises retirées"),
    ("establishments_added", "Établissements inscrits"),
    ("establishments_removed", "Établissements désinscrits"),
    ("declarations_added", "Déclarations ajoutées"),
    ("declarations_removed", "Déclarations retirées"),
    ("rights_added", "Habilitations accordées"),
    ("rights_removed", "Habilitations retirées"),
]


def _company(actor, siren):
    return Company.get((Company.firm == actor.firm_id) & (Company.siren == siren))


def _target_id(actor, level, key):
    if level == "portfolio":
        return key
    if level == "establishment":
        return Establishment.get((Establishment.firm == actor.firm_id) & (Establishment.siret == key)).id
    return _company(actor, key).id


def apply_lines(actor, order, delay_override=None):
    """Apply what the lines ask (line.apply), in order; returns the counts by COUNTS key."""
    counts = dict.fromkeys((key for key, _ in COUNTS), 0)
    ops = [line.apply for line in order if line.apply is not None]
    _declarations(actor, [op for op in ops if op[0] in selections.LEVELS and not op[3]], counts)
    for op in ops:
        if op[0] == "remove_company":
            companies.remove_company(actor, _company(actor, op[1]).id)
            counts["companies_removed"] += 1
        elif op[0] == "add_company":
            composition.add_company(actor, op[1], op[2])
            counts["companies_added"] += 1
    _establishments(actor, [op for op in ops if op[0] == "register"], counts)
    _declarations(actor, [op for op in ops if op[0] in selections.LEVELS and op[3]], counts)
    cells = [op for op in ops if op[0] == "cell"]
    if cells:
        ids = {
            siret: i
            for siret, i in Establishment.select(Establishment.siret, Establishment.id)
            .where((Establishment.firm == actor.firm_id) & Establishment.siret.in_({op[1] for op in cells}))
            .tuples()
        }
        edits = Edits(
            cells={(ids[siret], declaration, user): boxes for _, siret, declaration, user, boxes, _ in cells},
            ends={(ids[siret], declaration, user): until for _, siret, declaration, user, _, until in cells},
        )
        plan = writes.apply(actor, firm_criteria(actor), edits, version(), delay_override)
        counts["rights_added"], counts["rights_removed"] = plan.added, plan.removed
    return counts


def _establishments(actor, ops, counts):
    """Per company, one « Choisir les établissements » with the registered ones, plus and minus the lines'."""
    by_siren = {}
    for _, siret, adding in ops:
        by_siren.setdefault(siret[:9], []).append((siret, adding))
        counts["establishments_added" if adding else "establishments_removed"] += 1
    for siren, changes in by_siren.items():
        company = _company(actor, siren)
        wanted = {
            s
            for (s,) in Establishment.select(Establishment.siret)
            .where(Establishment.company == company.id)
            .tuples()
        }
        for siret, adding in changes:
            (wanted.add if adding else wanted.discard)(siret)
        companies.set_establishments(actor, company.id, sorted(wanted))


def _declarations(actor, ops, counts):
    """Per portfolio, company or establishment, one « Gérer les déclarations » with the lines' changes."""
    grouped = {}
    for level, key, declaration, adding in ops:
        grouped.setdefault((level, key), ([], []))[0 if adding else 1].append(declaration)
    for (level, key), (added, removed) in grouped.items():
        change = selections.apply_lines(actor, level, _target_id(actor, level, key), added, removed)
        counts["declarations_added"] += len(change.added)
        counts["declarations_removed"] += len(change.removed)
