"""Firms built through the portal's own operations (db.accounts.firms: create_firm, new_user), with
the names each area's assertions read; and the second firm the security tests attack from."""
from types import SimpleNamespace
from typing import NamedTuple

from db import clock
from db.accounts.firms import create_firm, new_user
from db.clients import composition, portfolios
from db.models import Establishment
from db.models.accounts import ROLE_DECLARANT
from db.text import fold
from tests.factories.directory import AUBADE

PASSWORD = "Cabinet-Test-2026"  # every person a test builds may log in with it
OTHER_SIRET = "44306184100047"  # an active establishment of the bundled sample, not the demo firm's


class BuiltFirm(NamedTuple):
    firm: object
    admin: object
    people: list  # its déclarants, in the order given


def make_firm(siret="12345678200010", name="CABINET AUTRE", admin=("ADMIN", "Autre"),
              declarants=(("DECLA", "Autre"),), password=PASSWORD):
    """A firm, its administrator and its déclarants (each a (nom, prénom) pair), active and with
    validated addresses: `firm, admin, [declarant] = make_firm()`."""
    now = clock.now()
    firm, boss = create_firm(
        siret,
        name,
        "",
        {"nom": admin[0], "prenom": admin[1], "email": address(admin, siret), "email_validated_at": now},
        password,
    )
    people = [new_user(firm, nom, prenom, address((nom, prenom), siret), ROLE_DECLARANT, password=password,
                       email_validated_at=now) for nom, prenom in declarants]
    return BuiltFirm(firm, boss, people)


def address(person, siret):
    nom, prenom = person
    return f"{fold(prenom)}.{fold(nom)}@{siret}.test".replace(" ", "-")


def second_firm():
    """Firm B next to the demo firm: an administrator, a déclarant, a portfolio with one client
    (AUBADE PARIS, added as the pages add it) and its first establishment."""
    firm, admin, [declarant] = make_firm(
        OTHER_SIRET, "CABINET VOISIN", ("VOISIN", "Agathe"), (("VOISIN", "Bruno"),)
    )
    portfolio = portfolios.create_portfolio(admin, "CLIENTS VOISIN", "", [declarant.id])
    company = composition.add_company(admin, portfolio.id, AUBADE).company
    establishment = (
        Establishment.select()
        .where(Establishment.company == company.id)
        .order_by(Establishment.siret)
        .first()
    )
    return SimpleNamespace(firm=firm, admin=admin, declarant=declarant, portfolio=portfolio, company=company,
                           establishment=establishment, password=PASSWORD)
