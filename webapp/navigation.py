"""The Menu personnalisé: sections, labels (the portal's words) and the endpoint of each entry.

An entry shows when its endpoint is registered and the user's role allows it; the header,
the menu page and the tests all read this one list.
"""
import dataclasses
from dataclasses import dataclass

from webapp.memo import remembered


@dataclass(frozen=True)
class Entry:
    label: str
    endpoint: str
    admin_only: bool = False
    demo_only: bool = False
    clients_only: bool = False  # for tiers déclarants (firm.manages_clients), not a company alone
    counter: str = ""  # the name of a count shown next to the label (see templating's counters)


MENU = [
    ("Votre tableau de bord", [
        Entry("Vos notifications", "notifications.index", counter="notifications"),
        Entry("Vos déclarations", "declarations.tiles"),
    ]),
    ("Gestion", [
        Entry("Gérer vos portefeuilles", "portfolios.index", admin_only=True, clients_only=True),
        Entry("Gérer les déclarations", "own.declarations", admin_only=True),
        Entry("Gérer les établissements", "own.establishments", admin_only=True),
        Entry("Gérer les déclarants", "declarants.index", admin_only=True),
        Entry("Gérer les habilitations", "habilitations.index", admin_only=True),
        Entry("Importer un fichier", "habilitation_files.upload", admin_only=True),
        Entry("Historique des imports", "habilitation_files.history", admin_only=True),
        Entry("Revue des habilitations", "rights_review.index", admin_only=True),
        Entry("Couverture des déclarations", "coverage.index", admin_only=True),
        Entry("Demande en attente", "requests.index", admin_only=True),
        Entry("Journal", "journal.index", admin_only=True),
        Entry("Veille Sirene", "watch.report", admin_only=True, clients_only=True),
        Entry("Consulter le récapitulatif", "recap.firm", admin_only=True),
    ]),
    ("Votre compte", [
        Entry("Vos informations personnelles", "profile.index"),
        Entry("Double authentification", "second_factor_settings.index"),
        Entry("Boîte d'envoi", "outbox.index", demo_only=True),
    ]),
]


def _manages_clients(user):
    firm = getattr(user, "firm", None)
    return firm is None or firm.manages_clients


class Menu(tuple):
    """((section, (Entry, …)), …), with `key`: what it was chosen by (role, firm kind, mode, count)."""


def menu_for(user, endpoints, demo_mode, pending=0):
    """[(section, [Entry])] visible to user, given the registered endpoints; pending: the number of
    requests waiting, shown in the label of « Demande en attente » when there are some."""
    sections = []
    for title, entries in MENU:
        visible = [
            dataclasses.replace(e, label=f"Demande en attente ({pending})")
            if pending and e.endpoint == "requests.index" else e
            for e in entries
            if e.endpoint in endpoints
            and (user.is_admin or not e.admin_only)
            and (demo_mode or not e.demo_only)
            and (not e.clients_only or _manages_clients(user))
        ]
        if visible:
            sections.append((title, visible))
    return sections


MENUS_KEPT = 200  # per app: roles × firm kinds × modes × counts of waiting requests


def cached_menu(app, user, demo_mode, pending=0):
    """menu_for as a Menu, chosen once per app for the same role, firm kind, mode and count: the
    registered endpoints do not change once the app serves."""
    key = (bool(user.is_admin), _manages_clients(user), demo_mode, pending)

    def choose():
        menu = Menu((title, tuple(entries)) for title, entries in menu_for(user, app.view_functions,
                                                                           demo_mode, pending))
        menu.key = key
        return menu

    return remembered(app, "portal_menu_choices", key, choose, MENUS_KEPT)
