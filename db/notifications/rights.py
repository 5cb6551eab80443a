"""Notices about habilitations, to each person whose rights changed: what was granted (and from
when it is usable) or removed, by whom. Called inside the transaction of the change, by the
habilitation writes (the lines of a Valider, imports, inscription) and by the changes that delete
rights on their way (a declaration, an establishment, a company or a déclarant taken out)."""
import datetime

from peewee import Case, fn

from db import clock
from db.models import Declaration, Habilitation, HabilitationChange
from db.notifications.kinds import HABILITATIONS_GRANTED, HABILITATIONS_REMOVED
from db.notifications.notices import notify_each

TILES = "declarations.tiles"
HC = HabilitationChange


def _plural(count, word):
    return f"{count} {word}{'s' if count > 1 else ''}"


def _who(actor, user_id, verb):
    """ "MOUTIN Claire vous a accordé" or "Vous vous êtes accordé"."""
    if actor is not None and actor.id == user_id:
        return f"Vous vous êtes {verb}"
    return f"{actor.full_name if actor is not None else 'Le portail'} vous a {verb}"


def _labels(labels):
    return ", ".join(sorted(labels))


def _gained(bit):
    return Case(None, [((HC.after.bin_and(bit) != 0) & (HC.before.bin_and(bit) == 0), 1)], 0)


def _lost(bit):
    return Case(None, [((HC.before.bin_and(bit) != 0) & (HC.after.bin_and(bit) == 0), 1)], 0)


def lines_changed(actor, event_id, figures=None):
    """After a Valider written as journal lines (habilitation_change, db/habilitations/writes.py):
    tell each person what was granted (and from when) or removed, read from the lines in SQL, two
    queries whatever the number of cells; none when the journal entry's figures (events.figures) name
    one person and one service, as for a « Tout (dé)cocher » or a column tick."""
    gained, lost = _gained(1) + _gained(2), _lost(1) + _lost(2)
    where = HC.event == event_id
    granted, removed = {}, {}
    one = figures is not None and figures["people"] == 1 and figures["services"] == 1
    if one:
        per_person = [tuple(figures[k] for k in ("user", "added", "removed", "added_places", "removed_places",
                                                  "granted_from"))]
    else:
        per_person = (HC.select(HC.user_id, fn.SUM(gained), fn.SUM(lost),
                                fn.COUNT(Case(None, [(gained > 0, HC.establishment_id)], None).distinct()),
                                fn.COUNT(Case(None, [(lost > 0, HC.establishment_id)], None).distinct()),
                                fn.MIN(Case(None, [(gained > 0, HC.active_from)], None)))
                      .where(where).group_by(HC.user_id).tuples())
    for user_id, added, taken, added_places, taken_places, start in per_person:
        if added:
            granted[user_id] = {"boxes": int(added), "labels": set(), "places": int(added_places),
                                "start": start}
        if taken:
            removed[user_id] = {"boxes": int(taken), "labels": set(), "places": int(taken_places)}
    if one:
        user_id = figures["user"]
        labels = [(user_id, figures["label"], user_id in granted, user_id in removed)]
    else:
        labels = (HC.select(HC.user_id, Declaration.label, fn.SUM(gained), fn.SUM(lost))
                  .join(Declaration, on=(HC.declaration_id == Declaration.id))
                  .where(where).group_by(HC.user_id, Declaration.label).tuples())
    for user_id, label, added, taken in labels:
        if added:
            granted[user_id]["labels"].add(label)
        if taken:
            removed[user_id]["labels"].add(label)
    now, firm_id = clock.now(), actor.firm_id if actor else None
    items = []
    for user_id, entry in granted.items():
        start = entry["start"]
        if isinstance(start, str):  # SQLite hands MIN() of a CASE back as text
            start = datetime.datetime.fromisoformat(start)
        when = ("utilisables dès maintenant" if start is None or start <= now
                else f"utilisables à partir du {clock.datetime_fr(start)}")
        items.append((user_id, f"{_what(actor, user_id, 'accordé', entry)}, {when}."))
    notify_each(HABILITATIONS_GRANTED, items, TILES, firm_id)
    items = [(user_id, f"{_what(actor, user_id, 'retiré', entry)}.") for user_id, entry in removed.items()]
    notify_each(HABILITATIONS_REMOVED, items, TILES, firm_id)


def _what(actor, user_id, verb, entry):
    """ "MOUTIN Claire vous a accordé 12 habilitations (DPAE, DSN) sur 6 établissements"."""
    return (f"{_who(actor, user_id, verb)} {_plural(entry['boxes'], 'habilitation')} "
            f"({_labels(entry['labels'])}) sur {_plural(entry['places'], 'établissement')}")


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
