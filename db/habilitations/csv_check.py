"""The rules of the bulk file's lines (layout in csv_layout): each line is checked against the firm as
the lines before it in the order of application leave it, and gets OK, OK partiel or KO with its
reasons, and what to apply. Nothing is written here.

Order of application, whatever the place of a line in the file: removals of declarations, of
companies, additions of companies, establishments (added or removed), additions of declarations
(portfolio, then company, then establishment), then habilitations.
"""

from db.errors import Invalid
from db.habilitations import csv_refs as refs
from db.habilitations.csv_layout import (
    ACTIONS,
    ADD,
    COMPANY,
    DECLARATION,
    ESTABLISHMENT,
    HABILITATION,
    REMOVE,
    SET,
    TYPES,
)
from db.habilitations.csv_refs import Refused, fold
from db.habilitations.csv_state import FirmState
from db.habilitations.edits import DECLARE, PAY, parse_until

OK, PARTIAL, KO = "OK", "OK partiel", "KO"
LEVEL_ORDER = {"portfolio": 0, "company": 1, "establishment": 2}
UNCHANGED = "déjà en place : rien à modifier"


def _phase(line):
    return {
        (DECLARATION, REMOVE): 1,
        (COMPANY, REMOVE): 2,
        (COMPANY, ADD): 3,
        (ESTABLISHMENT, ADD): 4,
        (ESTABLISHMENT, REMOVE): 4,
        (DECLARATION, ADD): 5,
        (HABILITATION, SET): 6,
    }.get((line.type, line.action))


def check_lines(actor, lines):
    """Give every line its status, messages and what to apply (line.apply); returns the lines in the
    order of application."""
    state = FirmState(actor, lines)
    touched = {}
    for line in lines:
        line.type = TYPES.get(fold(line.get("type")), "")
        line.action = ACTIONS.get(fold(line.get("action")), "")
        if line.type == HABILITATION and not line.get("action"):
            line.action = SET
    order = sorted(
        (line for line in lines if _phase(line)),
        key=lambda line: (_phase(line), LEVEL_ORDER.get(refs.level(line), 0), line.number),
    )
    for line in lines:
        if not _phase(line):
            _refuse(line, _shape_error(line))
    for line in order:
        try:
            RULES[(line.type, line.action)](state, line, touched)
        except Refused as exc:
            _refuse(line, str(exc))
        else:
            line.status = line.status or OK
    return order


def _refuse(line, message):
    line.status, line.apply = KO, None
    line.messages.append(message)


def _shape_error(line):
    if not line.type:
        return (
            f"Type « {line.get('type')} » inconnu : Entreprise, Établissement, Déclaration ou Habilitation "
            "attendu"
        )
    expected = "Modifier" if line.type == HABILITATION else "Ajouter ou Retirer"
    return f"Action « {line.get('action')} » impossible pour une ligne {line.type} : {expected} attendu"


def remove_company(state, line, touched):
    siren = refs.siren(state, line)
    client = refs.client(state, line, siren)
    refs.once(touched, ("company", siren), line)
    line.messages.append(
        f"{client.name} retirée du portefeuille « {client.portfolio.name} », avec ses "
        f"{client.establishments} établissement(s) et leurs habilitations"
    )
    line.apply = ("remove_company", siren)
    state.remove_client(siren)


def add_company(state, line, touched):
    portfolio = refs.portfolio(state, line)
    siren = refs.siren(state, line)
    refs.once(touched, ("company", siren), line)
    client = state.clients.get(siren)
    if client is not None and client.portfolio.id == portfolio.id:
        line.messages.append(f"{client.name} : {UNCHANGED}")
        return
    if client is not None:
        raise Refused(
            f"{client.name} est déjà dans le portefeuille « {client.portfolio.name} » : "
            "utilisez « Transférer l'entreprise »"
        )
    name, active = state.units.get(siren, (None, False))
    if name is None:
        raise Refused(f"le SIREN {siren} est inconnu du référentiel Sirene")
    if not active or not state.active_count.get(siren):
        raise Refused(f"{name} est cessée ou n'a aucun établissement actif d'après le référentiel Sirene")
    state.add_client(siren, portfolio)
    line.messages.append(
        f"{name} ajoutée au portefeuille « {portfolio.name} » avec "
        f"{state.active_count[siren]} établissement(s) actif(s)"
    )
    line.apply = ("add_company", portfolio.id, siren)


def change_establishment(state, line, touched):
    siret = refs.siret(state, line)
    client = refs.client(state, line, siret[:9])
    refs.once(touched, ("establishment", siret), line)
    registered = siret in state.registered
    if line.action == REMOVE:
        if not registered:
            raise Refused(f"l'établissement {siret} n'est pas inscrit")
        if client.establishments <= 1:
            raise Refused(
                "c'est le dernier établissement inscrit de l'entreprise : retirez plutôt l'entreprise"
            )
        state.unregister(siret)
        client.establishments -= 1
        line.messages.append(f"établissement {siret} désinscrit, avec ses habilitations")
    elif registered:
        line.messages.append(f"établissement {siret} : {UNCHANGED}")
        return
    else:
        owner, active = state.directory.get(siret, (None, False))
        if owner != siret[:9]:
            raise Refused(f"l'établissement {siret} est inconnu du référentiel Sirene")
        if not active:
            raise Refused(f"l'établissement {siret} est fermé d'après le référentiel Sirene")
        state.register(siret)
        client.establishments += 1
        line.messages.append(f"établissement {siret} inscrit, avec les déclarations de l'entreprise")
    line.apply = ("register", siret, line.action == ADD)


def select_declaration(state, line, touched):
    level = refs.level(line)
    declaration = refs.declaration(state, line)
    if level == "portfolio":
        portfolio = refs.portfolio(state, line)
        key, where, offered = portfolio.id, f"du portefeuille « {portfolio.name} »", True
        held = (portfolio.id, declaration.id) in state.portfolio_decls
    elif level == "company":
        client = refs.client(state, line, refs.siren(state, line))
        key, where = client.siren, f"de l'entreprise {client.name}"
        offered = state.is_own(client.siren) or (client.portfolio.id, declaration.id) in state.portfolio_decls
        held = (client.siren, declaration.id) in state.company_decls
        above = f"le portefeuille « {client.portfolio.name} »"
    else:
        siret = refs.siret(state, line)
        refs.client(state, line, siret[:9])
        if siret not in state.registered:
            raise Refused(f"l'établissement {siret} n'est pas inscrit")
        key, where = siret, f"de l'établissement {siret}"
        offered = (siret[:9], declaration.id) in state.company_decls
        held = (siret, declaration.id) in state.est_decls
        above = "l'entreprise"
    refs.once(touched, ("declaration", level, key, declaration.id), line)
    adding = line.action == ADD
    if held == adding:
        line.messages.append(f"« {declaration.label} » {where} : {UNCHANGED}")
        return
    if adding and not offered:
        raise Refused(
            f"« {declaration.label} » n'est pas sélectionnée pour {above} : ajoutez-la d'abord à ce niveau"
        )
    state.select(level, key, declaration.id, adding)
    line.messages.append(
        f"« {declaration.label} » {'ajoutée aux' if adding else 'retirée des'} déclarations {where}"
        + ("" if adding or level == "establishment" else ", et des niveaux en dessous")
    )
    line.apply = ("own" if level == "company" and state.is_own(key) else level, key, declaration.id, adding)


def set_rights(state, line, touched):
    siret = refs.siret(state, line)
    client = refs.client(state, line, siret[:9])
    if siret not in state.registered:
        raise Refused(f"l'établissement {siret} n'est pas inscrit")
    declaration = refs.declaration(state, line)
    if (siret, declaration.id) not in state.est_decls:
        raise Refused(f"« {declaration.label} » n'est pas sélectionnée pour l'établissement {siret}")
    person = state.people.get((fold(line.get("nom")), fold(line.get("prenom"))))
    if person is None:
        raise Refused(f"déclarant « {line.get('nom').upper()} {line.get('prenom')} » inconnu ou désactivé")
    if (client.portfolio.id, person.id) not in state.members:
        raise Refused(f"{person.full_name} n'est pas déclarant du portefeuille « {client.portfolio.name} »")
    boxes = {}
    for column, key, word in ((DECLARE, "declare", "Déclarer"), (PAY, "pay", "Payer")):
        value = line.get(key)
        if value not in ("", "0", "1"):
            raise Refused(f"« {value} » dans {word} : 1 (accorder), 0 (retirer) ou vide (inchangé) attendu")
        if value:
            boxes[column] = value == "1"
    if not boxes:
        raise Refused("rien à modifier : indiquez 1 ou 0 dans Déclarer ou Payer")
    if PAY in boxes and not declaration.has_payment:
        if boxes.pop(PAY):
            if not boxes:
                raise Refused(f"« {declaration.label} » ne comporte pas de droit Payer")
            line.status = PARTIAL
            line.messages.append(f"Payer ignoré : « {declaration.label} » ne comporte pas de droit Payer")
    refs.once(touched, ("cell", siret, declaration.id, person.id), line)
    before = state.rights.get((siret, declaration.id, person.id), (False, False))
    words = [
        f"{'Déclarer' if c == DECLARE else 'Payer'} {'accordé' if v else 'retiré'}"
        for c, v in boxes.items()
        if v != before[0 if c == DECLARE else 1]
    ]
    line.messages.append(
        f"{person.full_name}, « {declaration.label} » : {', '.join(words) if words else UNCHANGED}"
    )
    until = _until(line, boxes)
    if words:
        line.apply = ("cell", siret, declaration.id, person.id, boxes, until)


def _until(line, boxes):
    """The end of the rights the line grants (« Jusqu'au »), checked like the grid's; None for none."""
    try:
        until = parse_until(line.get("until"))
    except Invalid as exc:
        raise Refused(f"« {line.get('until')} » dans Jusqu\u2019au : {exc.errors['until']}") from None
    if until is not None and not any(boxes.values()):
        line.status = PARTIAL
        line.messages.append("Jusqu\u2019au ignoré : la ligne n\u2019accorde aucun droit")
    return until


RULES = {
    (DECLARATION, REMOVE): select_declaration,
    (COMPANY, REMOVE): remove_company,
    (COMPANY, ADD): add_company,
    (ESTABLISHMENT, ADD): change_establishment,
    (ESTABLISHMENT, REMOVE): change_establishment,
    (DECLARATION, ADD): select_declaration,
    (HABILITATION, SET): set_rights,
}
