"""Notices about habilitations, to each person whose rights changed: what was granted (and from
when it is usable) or removed, by whom. Called inside the transaction of the change, by the
habilitation writes (cells ticked or unticked, imports, inscription) and by the changes that delete
rights on their way (a declaration, an establishment, a company or a déclarant taken out)."""
from peewee import fn

from db import clock
from db.models import Declaration, Habilitation
from db.notifications.kinds import HABILITATIONS_GRANTED, HABILITATIONS_REMOVED
from db.notifications.notices import notify_each

TILES = "declarations.tiles"


def _plural(count, word):
    return f"{count} {word}{'s' if count > 1 else ''}"


def _who(actor, user_id, verb):
    """ "MOUTIN Claire vous a accordé" or "Vous vous êtes accordé"."""
    if actor is not None and actor.id == user_id:
        return f"Vous vous êtes {verb}"
    return f"{actor.full_name if actor is not None else 'Le portail'} vous a {verb}"


def _labels(labels):
    return ", ".join(sorted(labels))


def cells_changed(actor, changes, starts):
    """After the habilitation writes: changes are the CellChanges written, starts the moment each
    declaration's new rights become usable ({declaration id: datetime})."""
    now = clock.now()
    granted, removed = {}, {}
    for change in changes:
        user_id, declaration_id = change.key[2], change.key[1]
        for count, summary in ((change.added, granted), (change.removed, removed)):
            if not count:
                continue
            entry = summary.setdefault(user_id, {"boxes": 0, "labels": set(), "places": set(), "start": None})
            entry["boxes"] += count
            entry["labels"].add(change.label)
            entry["places"].add(change.key[0])
            if summary is granted:
                start = starts[declaration_id]
                entry["start"] = start if entry["start"] is None else min(entry["start"], start)
    firm_id = actor.firm_id if actor else None
    items = []
    for user_id, entry in granted.items():
        when = ("utilisables dès maintenant" if entry["start"] <= now
                else f"utilisables à partir du {clock.datetime_fr(entry['start'])}")
        items.append((user_id, f"{_what(actor, user_id, 'accordé', entry)}, {when}."))
    notify_each(HABILITATIONS_GRANTED, items, TILES, firm_id)
    items = [(user_id, f"{_what(actor, user_id, 'retiré', entry)}.") for user_id, entry in removed.items()]
    notify_each(HABILITATIONS_REMOVED, items, TILES, firm_id)


def _what(actor, user_id, verb, entry):
    """ "MOUTIN Claire vous a accordé 12 habilitations (DPAE, DSN) sur 6 établissements"."""
    return (f"{_who(actor, user_id, verb)} {_plural(entry['boxes'], 'habilitation')} "
            f"({_labels(entry['labels'])}) sur {_plural(len(entry['places']), 'établissement')}")


def rights_removed(actor, habilitations, why):
    """Before habilitations (a query of Habilitation ids) are deleted: tell each holder how many go,
    for which declarations, and why ("la déclaration DSN est retirée du portefeuille « CLIENTS »")."""
    rows = (Habilitation.select(Habilitation.user, Declaration.label, fn.COUNT(Habilitation.id))
            .join(Declaration, on=(Habilitation.declaration == Declaration.id))
            .where(Habilitation.id.in_(habilitations))
            .group_by(Habilitation.user, Declaration.label).tuples())
    per_user = {}
    for user_id, label, count in rows:
        entry = per_user.setdefault(user_id, [0, set()])
        entry[0] += count
        entry[1].add(label)
    by = f" par {actor.full_name}" if actor is not None else ""
    items = [(user_id, f"{_plural(count, 'habilitation')} ({_labels(labels)}) "
                       f"{'vous a été retirée' if count == 1 else 'vous ont été retirées'}{by} : {why}.")
             for user_id, (count, labels) in per_user.items()]
    notify_each(HABILITATIONS_REMOVED, items, TILES, actor.firm_id if actor else None)
