"""Who may call an operation: the guards every area of db/ uses before it reads or writes.

The views check the same rules with their decorators (webapp/access.py); db/ checks them again so
that a view that forgets cannot open a Gestion operation to a déclarant or a support agent.
"""
from db.errors import Forbidden, NotFound
from db.models import User
from db.prepared import Prepared

ADMIN_ONLY = (
    "Cette page est réservée aux administrateurs du compte. Vous avez le rôle de déclarant : "
    "demandez à un administrateur (voir « Vos informations personnelles ») de faire cette modification."
)
FIRM_ONLY = "Cette page est réservée aux personnes des cabinets inscrits."
SUPPORT_ONLY = "Cette page est réservée au support du portail."


def is_firm_admin(actor):
    """An administrator of a firm (never a support agent, never an anonymous visitor)."""
    return (actor is not None and getattr(actor, "firm_id", None) is not None
            and getattr(actor, "is_admin", False))


def require_admin(actor, message=ADMIN_ONLY):
    """Gestion operations are for the firm's administrators: Forbidden(message) for anyone else."""
    if not is_firm_admin(actor):
        raise Forbidden(message)


def firm_row(actor, model, row_id):
    """The row of model with that id in the actor's firm, or NotFound: another firm's id answers
    as an unknown one, never saying which."""
    if actor.firm_id is None:
        row = model.get_or_none((model.id == row_id) & (model.firm == actor.firm_id))
    else:
        row = _by_id_in_firm(model).first(int(row_id), actor.firm_id)
    if row is None:
        raise NotFound()
    return row


_BY_ID_IN_FIRM = {}


def _by_id_in_firm(model):
    """The query of firm_row for model, its SQL built once (db/prepared.py): most pages run it."""
    if model not in _BY_ID_IN_FIRM:
        _BY_ID_IN_FIRM[model] = Prepared(
            lambda row_id, firm_id: model.select().where((model.id == row_id) & (model.firm == firm_id))
            .limit(1), int, int, server_side=True)
    return _BY_ID_IN_FIRM[model]


def require_current_admin(actor):
    """require_admin on the stored row: inside a locked transaction, an administrator demoted or
    deactivated a moment ago by another administrator no longer acts as one."""
    require_admin(actor)
    require_admin(User.get_or_none((User.id == actor.id) & User.is_active))


def require_firm_person(actor, message=FIRM_ONLY):
    """A person of a firm, administrator or déclarant: Forbidden(message) for anyone else."""
    if actor is None or getattr(actor, "firm_id", None) is None:
        raise Forbidden(message)


def require_support(actor):
    """An active support agent of the portal."""
    if actor is None or not getattr(actor, "is_support", False) or not actor.is_active:
        raise Forbidden(SUPPORT_ONLY)
