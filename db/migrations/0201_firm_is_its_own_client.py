"""Data: every firm becomes its own first client, as a new inscription makes it.

For each firm whose SIREN is not yet a company of its own portfolios (a firm that arranged it
itself keeps everything as it is): its company and its active establishments from the Sirene
directory go into its Portefeuille par défaut with the declarations chosen at inscription; its
first administrator becomes a déclarant of that portfolio and gets Déclarer (and Payer where the
declaration carries it) on them, usable after each declaration's access delay, counted from now.

Written against the tables as they are at this point of the history (explicit columns, no model
writes), so that later columns of other migrations cannot break it on an old database.
"""

import datetime
import json

from peewee import *

from db.clients.writes import active_in_directory, directory_address, directory_is_active, directory_name
from db.models import DirectoryEstablishment, DirectoryUnit

TABLES = {
    "firm": ("id", "siret", "name"),
    "user": ("id", "firm_id", "role", "nom", "prenom", "is_active"),
    "portfolio": ("id", "firm_id", "is_default"),
    "portfolio_declaration": ("id", "portfolio_id", "declaration_id"),
    "portfolio_declarant": ("id", "portfolio_id", "user_id"),
    "firm_declaration": ("id", "firm_id", "declaration_id"),
    "declaration": ("id", "code", "label", "has_payment", "access_delay_hours", "is_active"),
    "company": ("id", "firm_id", "portfolio_id", "siren", "name", "added_at"),
    "company_declaration": ("id", "company_id", "declaration_id"),
    "establishment": (
        "id",
        "firm_id",
        "company_id",
        "siret",
        "name",
        "address",
        "is_siege",
        "is_active",
        "registered_at",
    ),
    "establishment_declaration": ("id", "establishment_id", "declaration_id"),
    "habilitation": (
        "id",
        "user_id",
        "establishment_id",
        "declaration_id",
        "declare",
        "granted_at",
        "active_from",
        "pay",
        "pay_granted_at",
        "pay_active_from",
    ),
    "audit_event": (
        "id",
        "firm_id",
        "actor_id",
        "actor_name",
        "at",
        "action",
        "object_type",
        "object_id",
        "summary",
        "siret",
        "declaration_code",
        "before",
        "after",
    ),
}


def up(migrator, db):
    t = {name: Table(name, columns).bind(db) for name, columns in TABLES.items()}
    now = datetime.datetime.now().replace(microsecond=0)
    for firm_id, siret, firm_name in list(
        t["firm"].select(t["firm"].id, t["firm"].siret, t["firm"].name).tuples()
    ):
        _settle(t, firm_id, siret, firm_name, now)


def _settle(t, firm_id, siret, firm_name, now):
    siren = siret[:9]
    company, portfolio = t["company"], t["portfolio"]
    if company.select().where((company.firm_id == firm_id) & (company.siren == siren)).exists():
        return  # already one of its own clients: the firm arranged it, nothing changes
    default = (
        portfolio.select(portfolio.id)
        .where(
            (portfolio.firm_id == firm_id) & (portfolio.is_default == True)  # noqa: E712 - SQL boolean
        )
        .scalar()
    )
    unit = (
        DirectoryUnit.select(
            DirectoryUnit.denomination, DirectoryUnit.nom, DirectoryUnit.prenom, DirectoryUnit.etat
        )
        .where(DirectoryUnit.siren == siren)
        .tuples()
        .first()
    )
    DE = DirectoryEstablishment
    active = DE.select(DE.siret).where((DE.siren == siren) & active_in_directory())
    if default is None or unit is None or unit[3] == "C" or not active.exists():
        return
    name = unit[0] or " ".join(p for p in (unit[1], unit[2]) if p) or firm_name
    declarations = list(
        t["declaration"]
        .select(
            t["declaration"].id,
            t["declaration"].code,
            t["declaration"].label,
            t["declaration"].has_payment,
            t["declaration"].access_delay_hours,
        )
        .join(t["firm_declaration"], on=(t["firm_declaration"].declaration_id == t["declaration"].id))
        .where((t["firm_declaration"].firm_id == firm_id) & t["declaration"].is_active)
        .tuples()
    )
    ids = [d[0] for d in declarations]
    offered = {
        d
        for (d,) in t["portfolio_declaration"]
        .select(t["portfolio_declaration"].declaration_id)
        .where(t["portfolio_declaration"].portfolio_id == default)
        .tuples()
    }
    if set(ids) - offered:
        t["portfolio_declaration"].insert(
            [{"portfolio_id": default, "declaration_id": d} for d in sorted(set(ids) - offered)]
        ).execute()
    t["company"].insert(firm_id=firm_id, portfolio_id=default, siren=siren, name=name, added_at=now).execute()
    company_id = (
        company.select(company.id).where((company.firm_id == firm_id) & (company.siren == siren)).scalar()
    )
    if ids:
        t["company_declaration"].insert(
            [{"company_id": company_id, "declaration_id": d} for d in ids]
        ).execute()
    source = DE.select(
        Value(firm_id),
        Value(company_id),
        DE.siret,
        directory_name(),
        directory_address(),
        DE.is_siege,
        directory_is_active(),
        Value(now),
    ).where((DE.siren == siren) & active_in_directory())
    e = t["establishment"]
    e.insert(
        source,
        columns=[
            e.firm_id,
            e.company_id,
            e.siret,
            e.name,
            e.address,
            e.is_siege,
            e.is_active,
            e.registered_at,
        ],
    ).execute()
    establishments = [i for (i,) in e.select(e.id).where(e.company_id == company_id).tuples()]
    if ids:
        t["establishment_declaration"].insert(
            [{"establishment_id": i, "declaration_id": d} for i in establishments for d in ids]
        ).execute()
    admin = (
        t["user"]
        .select(t["user"].id, t["user"].nom, t["user"].prenom)
        .where((t["user"].firm_id == firm_id) & (t["user"].role == "admin") & t["user"].is_active)
        .order_by(t["user"].id)
        .tuples()
        .first()
    )
    rights = 0
    if admin is not None:
        members = t["portfolio_declarant"]
        if (
            not members.select()
            .where((members.portfolio_id == default) & (members.user_id == admin[0]))
            .exists()
        ):
            members.insert(portfolio_id=default, user_id=admin[0]).execute()
        rows = []
        for declaration_id, _, _, has_payment, delay in declarations:
            start = now + datetime.timedelta(hours=delay if delay is not None else 24)
            rows += [
                {
                    "user_id": admin[0],
                    "establishment_id": i,
                    "declaration_id": declaration_id,
                    "declare": True,
                    "granted_at": now,
                    "active_from": start,
                    "pay": bool(has_payment),
                    "pay_granted_at": now if has_payment else None,
                    "pay_active_from": start if has_payment else None,
                }
                for i in establishments
            ]
        for chunk in range(0, len(rows), 500):
            t["habilitation"].insert(rows[chunk : chunk + 500]).execute()
        rights = len(rows)
    who = f"{admin[1].upper()} {admin[2]}" if admin else ""
    summary = (
        f"{name} (votre entreprise) ajoutée au « Portefeuille par défaut » à la mise à niveau du "
        "portail : "
        f"{len(establishments)} établissement(s), {rights} habilitation(s)"
        + (f" pour {who}" if who else "")
    )
    t["audit_event"].insert(
        firm_id=firm_id,
        actor_id=None,
        actor_name="",
        at=now,
        action="company.add",
        object_type="Company",
        object_id=str(company_id),
        summary=summary,
        siret=None,
        declaration_code=None,
        before=None,
        after=json.dumps(
            {
                "siren": siren,
                "raison sociale": name,
                "portefeuille": "Portefeuille par défaut",
                "établissements": len(establishments),
                "déclarations": [d[1] for d in declarations],
            },
            ensure_ascii=False,
            sort_keys=True,
        ),
    ).execute()


def down(migrator, db):
    pass  # the firm's own company stays: it is an ordinary client that an administrator may remove
