"""Vos informations personnelles: one's own contact details, password and secret question, and
the names of the firm's administrators (whom a déclarant asks for rights).

Changing the e-mail address, the password or the secret question asks for the current password,
whose failures count towards the account's lockout like failed logins do.
"""

from db import audit, clock, fields
from db.access import require_firm_person
from db.accounts.login import count_failure
from db.accounts.passwords import (
    check_new_password,
    check_secret,
    check_secret_pair,
    hash_answer,
    hash_secret,
)
from db.database import database
from db.errors import Invalid
from db.mail import people_mails
from db.models import Firm, User
from db.models.accounts import ROLE_ADMIN

WRONG_PASSWORD = "Mot de passe actuel incorrect."


def _me(actor):
    require_firm_person(actor)
    return User.get_by_id(actor.id)  # fresh: hashes and counters may have changed since login


def administrators(actor):
    """Names of the firm's active administrators, for everyone of the firm to see."""
    _me(actor)
    return list(
        User.select(User.nom, User.prenom, User.role)
        .where((User.firm == actor.firm_id) & (User.role == ROLE_ADMIN) & User.is_active)
        .order_by(User.nom_key, User.prenom_key)
    )


def check_current_password(user, password, field="current_password"):
    """Raise Invalid unless password is the user's; failures lock the account like failed logins."""
    now = clock.now()
    if user.locked_until and user.locked_until > now:
        raise Invalid(
            {field: f"Trop d'essais infructueux : réessayez après le {people_mails.when(user.locked_until)}."}
        )
    if not password:
        raise Invalid({field: fields.REQUIRED})
    if check_secret(password, user.password_hash):
        if user.failed_attempts:
            User.update(failed_attempts=0).where(User.id == user.id).execute()
        return
    count_failure(user, now)
    raise Invalid({field: WRONG_PASSWORD})


def update_contact(actor, data, links):
    """Courriel, téléphones. A new address needs the current password and is notified to both."""
    me = _me(actor)
    values = fields.checked({
        "email": fields.email(data.get("email")),
        "phone": fields.phone(data.get("phone"), required=False),
        "mobile": fields.phone(data.get("mobile"), required=False, mobile=True),
    })
    changed = [k for k, v in values.items() if getattr(me, k) != v]
    if not changed:
        return []
    if "email" in changed:
        check_current_password(me, data.get("current_password"))
    firm = Firm.get_by_id(me.firm_id)
    before = {k: getattr(me, k) for k in changed}
    with database.atomic():
        User.update(**values).where(User.id == me.id).execute()
        if "email" in changed:
            people_mails.email_changed(me, firm, me.email, values["email"])
        audit.record(me, "profile.updated", f"{me.full_name} modifie ses coordonnées", obj=me,
                     before=before, after={k: values[k] for k in changed})
    return changed


def change_password(actor, data):
    """New password: other sessions end (session_version moves on); returns the fresh user."""
    me = _me(actor)
    check_current_password(me, data.get("current_password"))
    password = data.get("password") or ""
    errors = check_new_password(password, data.get("confirmation") or "", me.nom, me.prenom, me.firm.siret,
                                current_hash=me.password_hash)
    if errors:
        raise Invalid(errors)
    password_hash = hash_secret(password)
    with database.atomic():
        User.update(password_hash=password_hash, must_change_password=False,
                    session_version=User.session_version + 1).where(User.id == me.id).execute()
        people_mails.security_changed(me, me.firm, "mot de passe")
        audit.record(me, "profile.password_changed", f"{me.full_name} change son mot de passe", obj=me)
    return User.get_by_id(me.id)


def change_secret(actor, data):
    """New secret question and answer (the answer is stored hashed and never shown again)."""
    me = _me(actor)
    check_current_password(me, data.get("current_password"))
    question, answer, errors = check_secret_pair(data.get("secret_question"), data.get("secret_answer"))
    if errors:
        raise Invalid(errors)
    secret_hash = hash_answer(answer)
    with database.atomic():
        User.update(secret_question=question, secret_answer_hash=secret_hash,
                    secret_failed_attempts=0, secret_locked_until=None).where(User.id == me.id).execute()
        people_mails.security_changed(me, me.firm, "question secrète")
        audit.record(me, "profile.secret_changed", f"{me.full_name} change sa question secrète", obj=me,
                     before={"secret_question": me.secret_question}, after={"secret_question": question})
    return me
