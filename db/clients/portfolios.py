"""Portfolios of a firm: creation, renaming, and the déclarants who work on each portfolio (the list
with its counts and its search: portfolio_list.py; deletion: portfolio_deletion.py).

Every operation takes the acting user and only ever sees that user's firm.
"""
from dataclasses import dataclass

from peewee import IntegrityError

from db import audit, fields
from db.access import firm_row, require_admin
from db.clients.writes import delete_habilitations
from db.database import database
from db.errors import Invalid
from db.models import Company, Establishment, Habilitation, Portfolio, PortfolioDeclarant, User
from db.notifications import rights
from db.people import names
from db.people.declarants import lock_firm
from db.text import fold

NAME_MAX = 100
COMMENT_MAX = 2000


def get_portfolio(actor, portfolio_id):
    """The portfolio of the actor's firm, or NotFound (also for another firm's id)."""
    require_admin(actor)
    return firm_row(actor, Portfolio, portfolio_id)


def other_portfolios(actor, portfolio_id):
    """The firm's other portfolios, for the transfer target list."""
    return list(
        Portfolio.select().where((Portfolio.firm == actor.firm_id) & (Portfolio.id != portfolio_id))
        .order_by(Portfolio.is_default.desc(), Portfolio.name_key)
    )


def declarant_choices(actor):
    """[(user id as text, label, e-mail)] of the firm's active people, for the dual list (whose search
    box also reads the e-mail: a firm of 200 people has namesakes)."""
    require_admin(actor)
    users = names.name_people(list(User.select().where((User.firm == actor.firm_id) & User.is_active)
                                   .order_by(User.nom_key, User.prenom_key)), actor.firm_id)
    return [(str(u.id), f"{u.list_name} ({'administrateur' if u.is_admin else 'déclarant'})", u.email)
            for u in users]


def portfolio_declarant_ids(portfolio):
    return {str(uid) for (uid,) in PortfolioDeclarant.select(PortfolioDeclarant.user)
            .where(PortfolioDeclarant.portfolio == portfolio.id).tuples()}


def _clean_comment(comment):
    return fields.checked({"comment": fields.text(comment, max_length=COMMENT_MAX, required=False,
                                                  multiline=True, what="Le commentaire")})["comment"]


def _clean_name(actor, name, portfolio_id=None):
    if isinstance(name, str) and len(name) > 4 * NAME_MAX:  # oversized: refused before any other work
        raise Invalid({"name": f"Le nom du portefeuille ne doit pas dépasser {NAME_MAX} caractères."})
    name = " ".join((name or "").split())
    if not name:
        raise Invalid({"name": fields.REQUIRED})
    if fields.has_control_characters(name):  # invisible or bidi characters disguise a name
        raise Invalid({"name": fields.HOSTILE_CONTROL})
    if len(name) > NAME_MAX:
        raise Invalid({"name": f"Le nom du portefeuille ne doit pas dépasser {NAME_MAX} caractères."})
    taken = Portfolio.select().where((Portfolio.firm == actor.firm_id) & (Portfolio.name_key == fold(name)))
    if portfolio_id is not None:
        taken = taken.where(Portfolio.id != portfolio_id)
    if taken.exists():
        raise Invalid({"name": f"Un portefeuille nommé « {name} » existe déjà dans votre cabinet."})
    return name


def _declarant_ids(actor, declarant_ids):
    wanted = {i for i in map(fields.record_id, declarant_ids or ()) if i is not None}
    known = {u for (u,) in User.select(User.id).where((User.firm == actor.firm_id) & User.id.in_(wanted)
                                                      & User.is_active).tuples()} if wanted else set()
    if wanted - known:
        raise Invalid({"declarants": "Un des déclarants choisis n'existe pas ou n'est plus actif."})
    return known


def _names(user_ids):
    if not user_ids:
        return []
    return [u.full_name for u in User.select().where(User.id.in_(list(user_ids))).order_by(User.nom_key)]


def create_portfolio(actor, name, comment="", declarant_ids=()):
    """Create a portfolio with its déclarants; Invalid when the name is missing or taken."""
    require_admin(actor)
    name = _clean_name(actor, name)
    comment = _clean_comment(comment)
    users = _declarant_ids(actor, declarant_ids)
    try:
        with database.atomic():
            portfolio = Portfolio.create(firm=actor.firm_id, name=name, name_key=fold(name), comment=comment)
            if users:
                PortfolioDeclarant.insert_many(
                    [{"portfolio": portfolio.id, "user": u} for u in users]).execute()
            audit.record(actor, "portfolio.create", f"Portefeuille « {name} » créé", obj=portfolio,
                         after={"nom": name, "commentaire": portfolio.comment, "déclarants": _names(users)})
    except IntegrityError:  # the same name created at the same moment (double submit, two administrators)
        _clean_name(actor, name)  # now refuses it as taken, as a second submit would be
        raise
    return portfolio


def update_portfolio(actor, portfolio_id, name, comment=""):
    """Rename a portfolio and/or change its comment."""
    portfolio = get_portfolio(actor, portfolio_id)
    name = _clean_name(actor, name, portfolio.id)
    comment = _clean_comment(comment)
    before = {"nom": portfolio.name, "commentaire": portfolio.comment}
    try:
        with database.atomic():
            Portfolio.update(name=name, name_key=fold(name), comment=comment).where(
                Portfolio.id == portfolio.id
            ).execute()
            audit.record(actor, "portfolio.update", f"Portefeuille « {before['nom']} » modifié",
                         obj=portfolio, before=before, after={"nom": name, "commentaire": comment})
    except IntegrityError:  # renamed to a name another request took at the same moment
        _clean_name(actor, name, portfolio.id)
        raise
    portfolio.name, portfolio.comment = name, comment
    return portfolio


@dataclass
class DeclarantsPlan:
    portfolio: Portfolio
    added: set
    removed: set
    habilitations_removed: int
    removed_names: list


def plan_declarants(actor, portfolio_id, declarant_ids):
    """What setting the portfolio's déclarants would do: who comes, who goes, and how many
    habilitations of the leavers on the portfolio's clients go with them."""
    portfolio = get_portfolio(actor, portfolio_id)
    wanted = _declarant_ids(actor, declarant_ids)
    current = {int(i) for i in portfolio_declarant_ids(portfolio)}
    removed = current - wanted
    count = _leaver_habilitations(portfolio, removed).count() if removed else 0
    return DeclarantsPlan(portfolio, wanted - current, removed, count, _names(removed))


def _leaver_habilitations(portfolio, user_ids):
    establishments = (
        Establishment.select(Establishment.id)
        .join(Company, on=(Establishment.company == Company.id))
        .where(Company.portfolio == portfolio.id)
    )
    return Habilitation.select(Habilitation.id).where(
        Habilitation.user.in_(list(user_ids)) & Habilitation.establishment.in_(establishments))


def set_declarants(actor, portfolio_id, declarant_ids):
    """Set the portfolio's déclarants; the habilitations of those who leave it go too."""
    plan = plan_declarants(actor, portfolio_id, declarant_ids)
    portfolio = plan.portfolio
    if not plan.added and not plan.removed:
        return plan
    with database.atomic():
        lock_firm(actor.firm_id)  # the leavers' rights counted out once (see writes.delete_habilitations)
        if plan.removed:
            rights.rights_removed(actor, _leaver_habilitations(portfolio, plan.removed),
                                  f"vous n'êtes plus déclarant du portefeuille « {portfolio.name} »")
            delete_habilitations(Habilitation.id.in_(_leaver_habilitations(portfolio, plan.removed)))
            PortfolioDeclarant.delete().where((PortfolioDeclarant.portfolio == portfolio.id)
                                              & PortfolioDeclarant.user.in_(list(plan.removed))).execute()
        if plan.added:  # a double submit at the same moment adds them once, as a sequential one would
            PortfolioDeclarant.insert_many(
                [{"portfolio": portfolio.id, "user": u} for u in plan.added]
            ).on_conflict_ignore().execute()
        audit.record(
            actor,
            "portfolio.declarants",
            f"Déclarants du portefeuille « {portfolio.name} » modifiés",
            obj=portfolio,
            before={"retirés": plan.removed_names},
            after={"ajoutés": _names(plan.added), "habilitations supprimées": plan.habilitations_removed},
        )
    return plan
